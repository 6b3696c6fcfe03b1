package cpu

import (
	"fmt"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// stepper is the Step program of a loaded projection: clock-driven
// synapse variables and summed variables (step 0 of host.Plan).
type stepper struct {
	prog   *ir.Program // nil: no Step
	stream uint32
	in     []input
	arrs   [][]float32 // the projection array each output overwrites; nil for terms and unkept outputs
	sums   []*sum
	work   []*synWorker
}

// sum is a summed variable: the terms of output out of every synapse,
// added along the lines of its group in order into x.
type sum struct {
	out   int
	x     []float32
	ptr   []uint32 // the synapses of neuron i are line[ptr[i]] … line[ptr[i+1]-1]
	line  []uint32 // nil: the synapses themselves (rows)
	terms []float32
	adds  bool // the sum adds to x (host.ProjectionPlan.Adds)
}

// initStep specializes the Step program of pp to the constant arrays and
// resolves its inputs, outputs and summed variables.
func (p *projection) initStep(pp *host.ProjectionPlan, workers int) error {
	st := &p.step
	st.prog, st.stream = pp.Step, pp.StepStream
	for _, a := range pp.Arrays {
		if a.Const && host.Writes(pp.Step, a.Name) {
			return fmt.Errorf("constant array %q is changed by Step", a.Name)
		}
	}
	consts := map[string]float32{}
	for _, name := range st.prog.Inputs {
		if k, ok := p.constant(name, pp.Arrays); ok {
			consts[name] = k
		}
	}
	st.prog = ir.Specialize(st.prog, consts)
	for k, name := range st.prog.Inputs {
		in, err := p.source(name)
		if err != nil {
			return fmt.Errorf("Step: %w", err)
		}
		in.used = st.prog.Uses(k)
		st.in = append(st.in, in)
	}
	for k, o := range st.prog.Outputs {
		side, x, ok := host.Summed(o.Name)
		if !ok {
			a, ok := p.arrays[o.Name]
			if !ok {
				return fmt.Errorf("Step output %q names no array", o.Name)
			}
			st.arrs = append(st.arrs, a)
			continue
		}
		st.arrs = append(st.arrs, nil)
		s := &sum{out: k, ptr: p.rowPtr, terms: make([]float32, len(p.target)), adds: slices.Contains(pp.Adds, o.Name)}
		g := p.pre
		if side == "post" {
			if err := p.checkColumns(pp); err != nil {
				return err
			}
			g, s.ptr, s.line = p.post, pp.ColPtr, pp.ColSyn
		}
		a, ok := g.arrays[x]
		if _, isConst := g.consts[x]; !ok || isConst {
			return fmt.Errorf("Step output %q: summed variable %q is not a non-constant array of group %q", o.Name, x, g.name)
		}
		s.x = a
		st.sums = append(st.sums, s)
	}
	p.setPreOf()
	st.work = make([]*synWorker, max(1, min(workers, (len(p.target)+synBlock-1)/synBlock)))
	for w := range st.work {
		st.work[w] = newSynWorker(st.prog)
	}
	return nil
}

// setPreOf fills the presynaptic neuron of every synapse, once.
func (p *projection) setPreOf() {
	if p.preOf != nil {
		return
	}
	p.preOf = make([]uint32, len(p.target))
	for j := range p.pre.n {
		for k := p.rowPtr[j]; k < p.rowPtr[j+1]; k++ {
			p.preOf[k] = uint32(j)
		}
	}
}

// sum runs step 0 of the plan's time step s for the projection: Step for
// every synapse, in blocks of consecutive synapses, then the sums along
// the lines in order.
func (p *projection) sum(b *Backend, s uint32) error {
	st := &p.step
	if st.prog == nil {
		return nil
	}
	blocks := (len(p.target) + synBlock - 1) / synBlock
	b.team.do(blocks, len(st.work), func(w, c int) {
		st.work[w].step(p, b, s, c*synBlock, min(len(p.target), (c+1)*synBlock))
	})
	for _, w := range st.work {
		if w.err != nil {
			return w.err
		}
	}
	for _, sm := range st.sums {
		b.team.do((len(sm.x)+blockLen-1)/blockLen, b.workers, func(_, c int) {
			for i := c * blockLen; i < min(len(sm.x), (c+1)*blockLen); i++ {
				acc := float32(0)
				for e := sm.ptr[i]; e < sm.ptr[i+1]; e++ {
					k := e
					if sm.line != nil {
						k = sm.line[e]
					}
					acc = host.SumTerm(acc, sm.terms[k])
				}
				if sm.adds {
					acc = host.SumTerm(sm.x[i], acc)
				}
				sm.x[i] = acc
			}
		})
	}
	return nil
}

// step runs Step for synapses a … b-1 of step s: it overwrites their
// clock-driven variables and keeps their terms.
func (w *synWorker) step(p *projection, be *Backend, s uint32, a, b int) {
	if a >= b || w.err != nil {
		return
	}
	st := &p.step
	m := b - a
	for k, in := range st.in {
		if !in.used {
			continue
		}
		buf := w.in[k][:m]
		switch in.from {
		case fromArray:
			copy(buf, in.arr[a:b])
		case fromPre:
			for e, j := range p.preOf[a:b] {
				buf[e] = in.arr[j]
			}
		case fromPost:
			for e, i := range p.target[a:b] {
				buf[e] = in.arr[i]
			}
		case fromTime:
			for e := range buf {
				buf[e] = host.Time(s, be.dt)
			}
		}
	}
	rng := ir.RNG{Key: be.key, Stream: st.stream, First: uint32(a), Step: s}
	if err := w.ev.Run(m, w.in, w.out, rng); err != nil {
		w.err = err
		return
	}
	for k, arr := range st.arrs {
		if arr != nil {
			copy(arr[a:b], w.out[k][:m])
		}
	}
	for _, sm := range st.sums {
		copy(sm.terms[a:b], w.out[sm.out][:m])
	}
}
