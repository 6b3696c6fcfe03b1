package ir

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/internal/pmath"
)

// blockLen is the number of elements an Evaluator processes per pass over
// the instructions: long enough for tight loops, short enough for the
// registers to stay in cache.
const blockLen = 512

// blockPad is the gap between the slots of an Evaluator, in elements.
const blockPad = 16

// cacheLine is a size in bytes that keeps data written by one goroutine
// off the cache lines of another's (two lines: CPUs fetch lines in pairs).
const cacheLine = 128

// RNG locates a program's random draws: element i of a call to Run draws
// from Philox with key Key and counter (Stream, First+i, Step, call).
type RNG struct {
	Key    philox.Key
	Stream uint32
	First  uint32 // index of element 0
	Step   uint32
}

// block holds one register's values for the elements of a block. The
// loops over blocks have a fixed length, so they need no bounds checks.
type block = [blockLen]float32

// Evaluator runs a program on the CPU, one block of elements at a time,
// instruction by instruction. It keeps its scratch registers between runs;
// it is not safe for concurrent use (make one per goroutine).
type Evaluator struct {
	p     *Program
	run   []step   // the instructions run for each block, in order
	out   []*block // the slot of each output
	read  []int    // the number of instructions that read input k
	conds []*block // the slots of the conditions of guard.sel
	state []uint8  // the uniformity of each condition in the current block
	load  []Loader // per input, where set (Load)
	store []Storer // per output, where set (Store)
}

// A Loader fills dst with the values of an input for the elements lo …
// lo+len(dst)-1 of a call to Run, flushed as Run flushes the values it
// reads from its inputs.
type Loader func(dst []float32, lo int)

// A Storer takes the values src of an output for the elements lo …
// lo+len(src)-1 of a call to Run; src is valid until it returns.
type Storer func(src []float32, lo int)

// step is an instruction of an Evaluator: its op, input index or draw
// call (N, K), its kernel (nil for inputs and draws), its slots (booleans
// are stored as 1 or 0; slots an op does not read are dst) and the guards
// that let a block skip it (branch.go).
type step struct {
	op           Op
	n            int32
	k            float32
	kern         kernel
	dst, a, b, c *block
	guards       []guard // none: always run
}

// kernel computes an op, not an input, a constant or a draw, for every
// element of a block: dst from a, b and c (as many as the op takes). dst
// may be one of the operands.
type kernel func(dst, a, b, c *block)

// NewEvaluator returns an evaluator for p. Constants are filled in once,
// instructions nothing reads (inputs a program keeps unread) are never
// run, and values share slots where their lifetimes do not overlap, so
// that the slots of a block stay in the fastest cache.
func NewEvaluator(p *Program) *Evaluator {
	e := &Evaluator{p: p, read: make([]int, len(p.Inputs)), load: make([]Loader, len(p.Inputs)), store: make([]Storer, len(p.Outputs))}
	live := make([]bool, len(p.Code))
	for _, o := range p.Outputs {
		live[o.Reg] = true
	}
	for r := len(p.Code) - 1; r >= 0; r-- {
		if in := p.Code[r]; live[r] {
			for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
				live[a] = true
			}
		}
	}
	order := schedule(p, live)
	const end = math.MaxInt          // the last use of an output
	last := make([]int, len(p.Code)) // the position in order of the last instruction that reads r
	for k, r := range order {
		in := p.Code[r]
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			last[a] = k
		}
	}
	for _, o := range p.Outputs {
		last[o.Reg] = end
	}
	slot := make([]int32, len(p.Code))
	slots := int32(0)
	for r, in := range p.Code {
		if in.Op == OpConst && live[r] { // filled once below: a slot of its own
			slot[r] = slots
			slots++
		}
	}
	var free []int32
	alloc := func() int32 {
		if n := len(free); n > 0 {
			s := free[n-1]
			free = free[:n-1]
			return s
		}
		slots++
		return slots - 1
	}
	freed := make([]bool, len(p.Code))
	for k, r := range order {
		in := p.Code[r]
		if in.Op == OpInput {
			e.read[in.N]++
		}
		// Operands read for the last time free their slots first: the
		// loops compute element i from elements i only, so the result
		// may overwrite an operand.
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			if last[a] == k && p.Code[a].Op != OpConst && !freed[a] {
				free = append(free, slot[a])
				freed[a] = true // freed once, also when read twice
			}
		}
		slot[r] = alloc()
	}
	// Slots lie blockPad apart, so that loads and stores of a loop do
	// not fall on the same offset in 4 KiB pages (4K aliasing).
	buf := make([]float32, int(slots)*(blockLen+blockPad))
	regs := make([]*block, slots)
	for s := range regs {
		regs[s] = (*block)(buf[s*(blockLen+blockPad):])
	}
	for r, in := range p.Code {
		if in.Op == OpConst && live[r] {
			fill(regs[slot[r]], in.K)
		}
	}
	gs, conds := guards(p, live)
	for _, c := range conds {
		e.conds = append(e.conds, regs[slot[c]])
	}
	e.state = make([]uint8, len(conds), max(len(conds), cacheLine)) // written per block: a line of its own
	for _, r := range order {
		in := p.Code[r]
		st := step{op: in.Op, n: in.N, k: in.K, dst: regs[slot[r]], guards: gs[r]}
		st.a, st.b, st.c = st.dst, st.dst, st.dst
		operands := []**block{&st.a, &st.b, &st.c}
		for k, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			*operands[k] = regs[slot[a]]
		}
		if in.Op != OpInput && in.Op != OpRand && in.Op != OpRandn {
			st.kern = kernelOf(p, in)
		}
		e.run = append(e.run, st)
	}
	for _, o := range p.Outputs {
		e.out = append(e.out, regs[slot[o.Reg]])
	}
	return e
}

// Load makes Run take input k from load, called once for each block of
// elements, instead of from its inputs[k]; nil undoes it. A loaded input
// is computed in every block, also where a select would let the block
// skip it, so that a Loader with effects sees every element. Load
// reports whether it took load: an input the program never reads, or
// reads with two instructions, is not loaded.
func (e *Evaluator) Load(k int, load Loader) bool {
	if e.read[k] != 1 {
		return false
	}
	e.load[k] = load
	return true
}

// Store makes Run hand output k to store, once for each block of
// elements, instead of writing it to its outputs[k]; nil undoes it.
func (e *Evaluator) Store(k int, store Storer) { e.store[k] = store }

// Run evaluates the program for n elements: inputs[k] holds input k
// (Program.Inputs order) and outputs[k] receives output k; each has at
// least n elements, except inputs the program never reads and inputs and
// outputs given to a Loader or Storer, which may be nil. An output may be
// an input of the program: every block's inputs are read before its
// outputs are written.
func (e *Evaluator) Run(n int, inputs, outputs [][]float32, rng RNG) error {
	p := e.p
	if len(inputs) != len(p.Inputs) || len(outputs) != len(p.Outputs) {
		return fmt.Errorf("ir: program takes %d inputs and %d outputs, got %d and %d", len(p.Inputs), len(p.Outputs), len(inputs), len(outputs))
	}
	for k, in := range inputs {
		if e.read[k] > 0 && e.load[k] == nil && len(in) < n {
			return fmt.Errorf("ir: input %q has %d elements, want %d", p.Inputs[k], len(in), n)
		}
	}
	for k, out := range outputs {
		if e.store[k] == nil && len(out) < n {
			return fmt.Errorf("ir: output %q has %d elements, want %d", p.Outputs[k].Name, len(out), n)
		}
	}
	for lo := 0; lo < n; lo += blockLen {
		m := min(blockLen, n-lo)
		clear(e.state)
		for k := range e.run {
			st := &e.run[k]
			loaded := st.op == OpInput && e.load[st.n] != nil
			if st.guards != nil && !loaded && e.skip(st.guards, m) {
				continue
			}
			switch {
			case st.kern != nil:
				st.kern(st.dst, st.a, st.b, st.c)
			case loaded:
				e.load[st.n](st.dst[:m], lo)
			default:
				st.exec(inputs, lo, m, rng)
			}
		}
		for k, s := range e.out {
			if e.store[k] != nil {
				e.store[k](s[:m], lo)
			} else {
				copy(outputs[k][lo:lo+m], s[:m])
			}
		}
	}
	return nil
}

// exec computes an input or a draw for the m elements starting at lo. In
// a last, partial block the other elements hold stale values: kernels
// compute them too, and nothing reads them.
func (st *step) exec(inputs [][]float32, lo, m int, rng RNG) {
	dst := st.dst
	if st.op == OpInput {
		flushInput(dst[:m], inputs[st.n][lo:lo+m])
		return
	}
	call := uint32(st.k)
	i := 0
	for ; philox.HasBlock8 && i+8 <= m; i += 8 { // eight draws at a time
		w0, w1 := philox.Block8(rng.Key, rng.Stream, rng.First+uint32(lo+i), rng.Step, call)
		for j := range 8 {
			dst[i+j] = draw(st.op, w0[j], w1[j])
		}
	}
	for ; i < m; i++ {
		w := philox.Draw(rng.Key, rng.Stream, rng.First+uint32(lo+i), rng.Step, call)
		dst[i] = draw(st.op, w[0], w[1])
	}
}

// draw is the value of a draw of op, OpRand or OpRandn, made from the
// first two words of its Philox block.
func draw(op Op, w0, w1 uint32) float32 {
	if op == OpRand {
		return philox.Uniform(w0)
	}
	return philox.Normal(w0, w1)
}

// fill sets every element of dst to k.
func fill(dst *block, k float32) {
	for i := range dst {
		dst[i] = k
	}
}

// kernels holds the kernel of each op but input, const and the draws:
// the vector loop where there is one (eval_simd.go), else the scalar
// loop.
var kernels = func() [numOps]kernel {
	var ks [numOps]kernel
	for op := range numOps {
		switch {
		case vectorKernels[op] != nil:
			ks[op] = vectorKernels[op]
		case op == OpSelect:
			ks[op] = func(dst, a, b, c *block) { selectLoop(dst[:], a[:], b[:], c[:]) }
		case op.arity() == 1:
			ks[op] = func(dst, a, _, _ *block) { loop1(op, dst[:], a[:]) }
		case op.arity() == 2:
			ks[op] = func(dst, a, b, _ *block) { loop2(op, dst[:], a[:], b[:]) }
		}
	}
	return ks
}()

// kernelOf returns the kernel for instruction in of p: one that reads a
// constant operand once where there is one, else the kernel of its op.
func kernelOf(p *Program, in Instr) kernel {
	if in.Op.arity() == 2 {
		if k := constKernels[in.Op][1]; k != nil && p.Code[in.B].Op == OpConst {
			return k
		}
		if k := constKernels[in.Op][0]; k != nil && p.Code[in.A].Op == OpConst {
			return k
		}
	}
	return kernels[in.Op]
}

// compute applies op, any op but input, const and the random draws, to
// the operands a, b and c (as many as op takes). Specialize folds
// constants with it, so that a folded value is what the Evaluator would
// compute.
func compute(op Op, dst, a, b, c *block) { kernels[op](dst, a, b, c) }

// flushInput sets dst[i] to flush(src[i]), with the vector loop
// (eval_simd.go) for as many elements as it takes and the scalar loop for
// the rest.
func flushInput(dst, src []float32) {
	n := vectorFlush(dst, src)
	flushLoop(dst[n:], src[n:])
}

// flushLoop is flushInput's scalar loop.
func flushLoop(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = flush(x)
	}
}

// selectLoop is choose's scalar loop. A boolean is 1 or +0, so it is true
// where its bits are not 0; m is all ones then, and the bits are chosen
// without a branch to mispredict.
func selectLoop(dst, c, x, y []float32) {
	dst, x, y = dst[:len(c)], x[:len(c)], y[:len(c)]
	for i, v := range c {
		b := math.Float32bits(v)
		m := uint32(int32(b|-b) >> 31)
		dst[i] = math.Float32frombits(math.Float32bits(x[i])&m | math.Float32bits(y[i])&^m)
	}
}

// loop1 is apply1's scalar loop.
func loop1(op Op, dst, a []float32) {
	dst = dst[:len(a)]
	switch op {
	case OpNeg:
		for i, x := range a {
			dst[i] = -x
		}
	case OpExp:
		for i, x := range a {
			dst[i] = pmath.Exp(x)
		}
	case OpLog:
		for i, x := range a {
			dst[i] = pmath.Log(x)
		}
	case OpSqrt:
		for i, x := range a {
			dst[i] = pmath.Sqrt(x)
		}
	case OpTanh:
		for i, x := range a {
			dst[i] = pmath.Tanh(x)
		}
	case OpSin:
		for i, x := range a {
			dst[i] = pmath.Sin(x)
		}
	case OpCos:
		for i, x := range a {
			dst[i] = pmath.Cos(x)
		}
	case OpAbs:
		for i, x := range a {
			dst[i] = math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
		}
	case OpFloor:
		for i, x := range a {
			dst[i] = float32(math.Floor(float64(x)))
		}
	case OpCeil:
		for i, x := range a {
			dst[i] = float32(math.Ceil(float64(x)))
		}
	case OpTrunc:
		for i, x := range a {
			dst[i] = float32(math.Trunc(float64(x)))
		}
	case OpNot:
		for i, x := range a {
			dst[i] = truth(x == 0)
		}
	default:
		panic(fmt.Sprintf("ir: %s is not a one-operand op", op))
	}
}

// loop2 is apply2's scalar loop.
func loop2(op Op, dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	switch op {
	case OpAdd:
		for i, x := range a {
			dst[i] = flush(x + b[i])
		}
	case OpSub:
		for i, x := range a {
			dst[i] = flush(x - b[i])
		}
	case OpMul:
		for i, x := range a {
			dst[i] = flush(float32(x * b[i]))
		}
	case OpDiv:
		for i, x := range a {
			dst[i] = pmath.Div(x, b[i])
		}
	case OpPow:
		for i, x := range a {
			dst[i] = pmath.Pow(x, b[i])
		}
	case OpMin:
		for i, x := range a {
			dst[i] = pick(x < b[i], x, b[i])
		}
	case OpMax:
		for i, x := range a {
			dst[i] = pick(x > b[i], x, b[i])
		}
	case OpLt:
		for i, x := range a {
			dst[i] = truth(x < b[i])
		}
	case OpLe:
		for i, x := range a {
			dst[i] = truth(x <= b[i])
		}
	case OpGt:
		for i, x := range a {
			dst[i] = truth(x > b[i])
		}
	case OpGe:
		for i, x := range a {
			dst[i] = truth(x >= b[i])
		}
	case OpEq:
		for i, x := range a {
			dst[i] = truth(x == b[i])
		}
	case OpNe:
		for i, x := range a {
			dst[i] = truth(x != b[i])
		}
	case OpAnd:
		for i, x := range a {
			dst[i] = truth(x != 0 && b[i] != 0)
		}
	case OpOr:
		for i, x := range a {
			dst[i] = truth(x != 0 || b[i] != 0)
		}
	default:
		panic(fmt.Sprintf("ir: %s is not a two-operand op", op))
	}
}

func pick(c bool, x, y float32) float32 {
	if c {
		return x
	}
	return y
}

// truth returns 1 for true and 0 for false. It masks the bits of 1 with
// the condition, which the compiler sets without a branch: comparisons of
// data are often unpredictable.
func truth(c bool) float32 {
	u := uint32(0)
	if c {
		u = 1
	}
	return math.Float32frombits(-u & math.Float32bits(1))
}
