// philox.glsl: the counter-based random number generator Philox4x32-10 and
// the uniform and normal deviates built on it. It is the GLSL twin of the Go
// package internal/philox and gives bit-identical results: change one, change
// the other. Include it after pmath.glsl (the normal deviates use pm_log,
// pm_sqrt, pm_sin and pm_cos).
//
// Philox: Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
// 1, 2, 3", SC '11, doi:10.1145/2063384.2063405; constants from Random123's
// philox.h.
//
// Keying streams, as ph_key and ph_counter lay them out:
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (index, step, stream, call)
// stream names the use (Poisson group, connectivity rule, noise term), index
// the neuron or row within it, step the integer time step, call the block
// number when one (stream, index, step) needs more than four words.

#ifndef SPIKEVK_PHILOX_GLSL
#define SPIKEVK_PHILOX_GLSL

// Round multipliers and Weyl key increments of Philox4x32.
const uint PH_MUL0 = 0xD2511F53u;
const uint PH_MUL1 = 0xCD9E8D57u;
const uint PH_WEYL0 = 0x9E3779B9u;
const uint PH_WEYL1 = 0xBB67AE85u;

// 2^-24 exactly, the spacing of ph_uniform.
const float PH_ULP24 = 5.9604644775390625e-8;

// 2 pi rounded to float (bits 0x40c90fdb), written out exactly.
const float PH_TWO_PI = 6.283185482025146484375;

// One Philox4x32 round: two 32x32->64 products, xors with the key.
uvec4 ph_round(uvec4 c, uvec2 k) {
    uint hi0, lo0, hi1, lo1;
    umulExtended(PH_MUL0, c.x, hi0, lo0);
    umulExtended(PH_MUL1, c.z, hi1, lo1);
    return uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

// Philox4x32-10 of counter ctr under key key: four random 32-bit words.
uvec4 philox4x32_10(uvec4 ctr, uvec2 key) {
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            key += uvec2(PH_WEYL0, PH_WEYL1);
        }
        ctr = ph_round(ctr, key);
    }
    return ctr;
}

// The key for a run's 64-bit seed, given as its low and high words.
uvec2 ph_key(uint seed_lo, uint seed_hi) {
    return uvec2(seed_lo, seed_hi);
}

// The counter for a draw: (index, step, stream, call).
uvec4 ph_counter(uint stream, uint index, uint step, uint call) {
    return uvec4(index, step, stream, call);
}

// The block for (stream, index, step, call) under key.
uvec4 ph_draw(uvec2 key, uint stream, uint index, uint step, uint call) {
    return philox4x32_10(ph_counter(stream, index, step, call), key);
}

// Uniform on [0, 1): the high 24 bits of u times 2^-24. Exact: the integer
// fits a float and the product is by a power of two.
float ph_uniform(uint u) {
    precise float x = float(u >> 8u) * PH_ULP24;
    return x;
}

// Uniform on the open interval (0, 1), safe under a log: the high 24 bits of
// u with the lowest of them set, times 2^-24, so one of (2k+1)*2^-24 in
// [2^-24, 1 - 2^-24]. Exact, like ph_uniform.
float ph_uniform_open(uint u) {
    precise float x = float((u >> 8u) | 1u) * PH_ULP24;
    return x;
}

// The radius sqrt(-2 ln ph_uniform_open(a)) and the angle
// 2 pi ph_uniform(b) of the Box-Muller transform.
void ph_polar(uint a, uint b, out float r, out float t) {
    precise float m = -2.0 * pm_log(ph_uniform_open(a));
    r = pm_sqrt(m);
    precise float tt = PH_TWO_PI * ph_uniform(b);
    t = tt;
}

// A standard normal deviate from two words by Box-Muller: r cos(t), the
// first of the pair ph_normal2 returns.
float ph_normal(uint a, uint b) {
    float r, t;
    ph_polar(a, b, r, t);
    precise float z = r * pm_cos(t);
    return z;
}

// Two independent standard normal deviates from two words by Box-Muller:
// (r cos(t), r sin(t)).
vec2 ph_normal2(uint a, uint b) {
    float r, t;
    ph_polar(a, b, r, t);
    precise float z0 = r * pm_cos(t);
    precise float z1 = r * pm_sin(t);
    return vec2(z0, z1);
}

#endif // SPIKEVK_PHILOX_GLSL
