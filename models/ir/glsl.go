package ir

import (
	"fmt"
	"math"
	"strings"
)

// GLSLEnv says how generated GLSL reaches its surroundings.
type GLSLEnv struct {
	Input  func(k int) string // expression for input k, e.g. "v[i]"
	Output func(k int) string // lvalue for output k, e.g. "v_next[i]"
	// Random draws (needed when the program has any): GLSL expressions for
	// the Philox key (uvec2), the stream, the element index and the step.
	Key, Stream, Index, Step string
	Prefix                   string // prefix of register names, to keep programs apart ("t")
}

// GLSL returns statements that compute the program and store its outputs.
// They need shaders/include/pmath.glsl (and philox.glsl for random draws)
// and declare locals named Prefix followed by a number. Every float result
// is a precise local, so no driver may fuse operations.
func (p *Program) GLSL(env GLSLEnv) string {
	var b strings.Builder
	reg := func(r Reg) string { return fmt.Sprintf("%s%d", env.Prefix, r) }
	for r, in := range p.Code {
		a, c, d := reg(in.A), reg(in.B), reg(in.C)
		var rhs string
		switch in.Op {
		case OpInput:
			rhs = fmt.Sprintf("ir_flush(%s)", env.Input(int(in.N)))
		case OpConst:
			rhs = floatLiteral(in.K)
		case OpNeg:
			rhs = "-" + a
		case OpAdd:
			rhs = fmt.Sprintf("ir_flush(%s + %s)", a, c)
		case OpSub:
			rhs = fmt.Sprintf("ir_flush(%s - %s)", a, c)
		case OpMul:
			rhs = fmt.Sprintf("ir_flush(%s * %s)", a, c)
		case OpDiv, OpPow:
			rhs = fmt.Sprintf("pm_%s(%s, %s)", in.Op, a, c)
		case OpExp, OpLog, OpSqrt, OpTanh, OpSin, OpCos:
			rhs = fmt.Sprintf("pm_%s(%s)", in.Op, a)
		case OpAbs:
			rhs = fmt.Sprintf("uintBitsToFloat(floatBitsToUint(%s) & 0x7fffffffu)", a)
		case OpFloor, OpCeil, OpTrunc:
			rhs = fmt.Sprintf("%s(%s)", in.Op, a)
		case OpMin:
			rhs = fmt.Sprintf("(%s < %s ? %s : %s)", a, c, a, c)
		case OpMax:
			rhs = fmt.Sprintf("(%s > %s ? %s : %s)", a, c, a, c)
		case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
			rhs = fmt.Sprintf("(%s %s %s)", a, comparison[in.Op], c)
		case OpAnd:
			rhs = fmt.Sprintf("(%s && %s)", a, c)
		case OpOr:
			rhs = fmt.Sprintf("(%s || %s)", a, c)
		case OpNot:
			rhs = "!" + a
		case OpSelect:
			rhs = fmt.Sprintf("(%s ? %s : %s)", a, c, d)
		case OpRand, OpRandn:
			draw := fmt.Sprintf("ph_draw(%s, %s, %s, %s, %du)", env.Key, env.Stream, env.Index, env.Step, uint32(in.K))
			if in.Op == OpRand {
				rhs = fmt.Sprintf("ph_uniform(%s.x)", draw)
			} else {
				rhs = fmt.Sprintf("ph_normal(%s.x, %s.y)", draw, draw)
			}
		}
		if in.Op.result() == Bool {
			fmt.Fprintf(&b, "bool %s = %s;\n", reg(Reg(r)), rhs)
		} else {
			fmt.Fprintf(&b, "precise float %s = %s;\n", reg(Reg(r)), rhs)
		}
	}
	for k, o := range p.Outputs {
		v := reg(o.Reg)
		if p.Type(o.Reg) == Bool {
			v = fmt.Sprintf("(%s ? 1.0 : 0.0)", v)
		}
		fmt.Fprintf(&b, "%s = %s;\n", env.Output(k), v)
	}
	return b.String()
}

var comparison = map[Op]string{OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=", OpEq: "==", OpNe: "!="}

// GLSLHelpers is the GLSL that generated code needs besides pmath.glsl and
// philox.glsl; include it once per shader.
const GLSLHelpers = `// ir_flush: +0 for values below the smallest normal float32 (models/ir).
float ir_flush(float x) {
	float m = uintBitsToFloat(0x00800000u);
	return (x < m && x > -m) ? 0.0 : x;
}
`

// floatLiteral writes k by its bits, so that GLSL reads exactly the same
// float32 (NaN, infinities and -0 included), with the value in a comment.
func floatLiteral(k float32) string {
	return fmt.Sprintf("uintBitsToFloat(0x%08xu) /* %v */", math.Float32bits(k), k)
}
