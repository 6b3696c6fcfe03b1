#version 450
// smoke: y[i] = a*x[i] + scale*float(i), the kernel `spikevk smoke` and the
// Vulkan-layer tests run. Workgroup size and scale are specialization
// constants 0 and 1; the element count and a are push constants.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const float scale = 0.0;

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
	uint n;
	float a;
} pc;

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) {
		return;
	}
	precise float ax = pc.a * x[i];
	precise float si = scale * float(i);
	y[i] = ax + si;
}
