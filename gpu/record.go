package gpu

import (
	"fmt"
	"math"
	"strings"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
)

// Records and faults of a group on the device.
//
// The neuron kernel of a group samples its records (host.RecordPlan): in a
// step s that a record samples, the thread of a sampled neuron writes its
// values to the group's sample buffer, after the ring inputs and before
// the step program (after it for AfterStep), at the record's offset, sample index s/Every minus the
// index of the batch's first sample. A map buffer holds, per record of the
// group, the position+1 of each neuron in Neurons (0: not sampled).
//
// After the step program, each thread checks the group's non-Const arrays
// in host.FaultOrder against host.FaultLimit. The fault buffer holds a flag word, then three words per
// neuron: the submission's row+1 of its first faulty step (0: none), the
// array's slot and the value's bits. Only the neuron's own thread writes
// them, so the host finds the first fault of a submission, the lowest row
// and then the lowest neuron, without a race; it reads the words only when
// the flag is set.

// groupRecord is a record of a group on the device.
type groupRecord struct {
	index int // in Plan.Records
	plan  *host.RecordPlan
	off   int // in the group's sample buffer
}

// loadRecords checks the plan's records, attaches them to their groups,
// and allocates the map and fault buffers.
func (b *Backend) loadRecords() error {
	for r, rp := range b.plan.Records {
		if rp == nil {
			return fmt.Errorf("gpu: record %d is nil", r)
		}
		if err := rp.Check(b.plan); err != nil {
			return fmt.Errorf("gpu: %w", err)
		}
		dg := b.groups[rp.Group]
		dg.recs = append(dg.recs, &groupRecord{index: r, plan: rp})
	}
	for _, dg := range b.groups {
		owner := fmt.Sprintf("group %q", dg.plan.Name)
		var err error
		if dg.fault, err = alloc[uint32](b, owner, "faults", 1+3*dg.plan.N, vk.HostVisible); err != nil {
			return err
		}
		if err := dg.fault.Write(0, make([]uint32, 1+3*dg.plan.N)); err != nil {
			return fmt.Errorf("gpu: %s: clear faults: %w", owner, err)
		}
		if len(dg.recs) == 0 {
			continue
		}
		pos := make([]uint32, len(dg.recs)*dg.plan.N)
		for k, rec := range dg.recs {
			for j, i := range rec.plan.Neurons {
				pos[k*dg.plan.N+int(i)] = uint32(j + 1)
			}
		}
		if dg.sampleMap, err = upload(b, owner, "sample map", pos); err != nil {
			return err
		}
	}
	return nil
}

// samplesPerBatch is the number of samples of a record in a batch of up to
// capacity steps.
func samplesPerBatch(rp *host.RecordPlan, capacity uint32) int {
	return int((capacity+rp.Every-1)/rp.Every) * len(rp.Arrays) * len(rp.Neurons)
}

// sampleBytes is the size of the largest sample buffer of a group and of
// all of them for batches of capacity steps.
func (b *Backend) sampleBytes(capacity uint32) (largest, total int64) {
	for _, dg := range b.groups {
		n := int64(0)
		for _, rec := range dg.recs {
			n += 4 * int64(samplesPerBatch(rec.plan, capacity))
		}
		largest, total = max(largest, n), total+n
	}
	return largest, total
}

// allocSamples allocates the sample buffer of dg for the backend's batch
// capacity.
func (b *Backend) allocSamples(dg *group) error {
	if len(dg.recs) == 0 {
		return nil
	}
	n := 0
	for _, rec := range dg.recs {
		rec.off = n
		n += samplesPerBatch(rec.plan, b.capacity)
	}
	var err error
	dg.samples, err = alloc[float32](b, fmt.Sprintf("group %q", dg.plan.Name), "samples", max(n, 1), vk.HostVisible)
	return err
}

// readRecords copies the samples of a submission of steps first …
// first+n-1, steps done … of out's batch, into out, and the first fault of
// each group unless out holds an earlier one.
func (b *Backend) readRecords(out *host.Batch, first, n, done uint32) error {
	for _, dg := range b.groups {
		for _, rec := range dg.recs {
			at := rec.plan.Len(out.First, done)
			dst := out.Samples[rec.index][at : at+rec.plan.Len(first, n)]
			if err := dg.samples.Read(rec.off, dst); err != nil {
				return fmt.Errorf("gpu: group %q: read samples: %w", dg.plan.Name, err)
			}
		}
	}
	for gi, dg := range b.groups {
		f, err := dg.readFault(first, b.plan.DT)
		if err != nil {
			return fmt.Errorf("gpu: group %q: %w", dg.plan.Name, err)
		}
		if out.Faults[gi] == nil {
			out.Faults[gi] = f
		}
	}
	return nil
}

// readFault returns the first fault of the submission that started at step
// first, or nil, and clears the fault buffer after one.
func (dg *group) readFault(first uint32, dt float64) (*host.StateError, error) {
	flag := []uint32{0}
	if err := dg.fault.Read(0, flag); err != nil {
		return nil, fmt.Errorf("read fault flag: %w", err)
	}
	if flag[0] == 0 {
		return nil, nil
	}
	words := make([]uint32, 1+3*dg.plan.N)
	if err := dg.fault.Read(0, words); err != nil {
		return nil, fmt.Errorf("read faults: %w", err)
	}
	best := -1
	for i := range dg.plan.N {
		row := words[1+3*i]
		if row != 0 && (best < 0 || row < words[1+3*best]) {
			best = i
		}
	}
	if err := dg.fault.Write(0, make([]uint32, len(words))); err != nil {
		return nil, fmt.Errorf("clear faults: %w", err)
	}
	if best < 0 {
		return nil, fmt.Errorf("fault flag set without a faulty neuron")
	}
	slot := int(words[2+3*best])
	name := ""
	for _, a := range dg.plan.Arrays {
		if !a.Const && dg.arrays.slot[a.Name] == slot {
			name = a.Name
		}
	}
	s := first + words[1+3*best] - 1
	return &host.StateError{Group: dg.plan.Name, Neuron: best, Var: name, Step: s, Time: host.Time(s, dt),
		Value: math.Float32frombits(words[3+3*best])}, nil
}

// sampleCode is the GLSL of a neuron kernel that writes the samples of
// step step for thread i: of the records that sample after its ring
// inputs, or, after, of those that sample after the step program.
func sampleCode(dg *group, after bool) string {
	var b strings.Builder
	for k, rec := range dg.recs {
		rp := rec.plan
		if rp.AfterStep != after {
			continue
		}
		m := len(rp.Neurons)
		fmt.Fprintf(&b, "\t\tif (step %% %du == 0u) {\n\t\t\tuint p = smap[%du + i];\n\t\t\tif (p != 0u) {\n", rp.Every, k*dg.plan.N)
		fmt.Fprintf(&b, "\t\t\t\tuint o = %du + (step / %du - (clock_base / %du + (clock_base %% %du != 0u ? 1u : 0u))) * %du + p - 1u;\n",
			rec.off, rp.Every, rp.Every, rp.Every, len(rp.Arrays)*m)
		for a, name := range rp.Arrays {
			e, _ := dg.arrays.read(name, "vars", "i")
			fmt.Fprintf(&b, "\t\t\t\tsamples[o + %du] = %s;\n", a*m, e)
		}
		b.WriteString("\t\t\t}\n\t\t}\n")
	}
	return b.String()
}

// faultCode is the GLSL of a neuron kernel that checks thread i's
// non-Const arrays after the step program.
func faultCode(dg *group) string {
	if len(dg.arrays.slot) == 0 {
		return ""
	}
	var order, limits []string
	for _, name := range host.FaultOrder(dg.plan) {
		if k, ok := dg.arrays.slot[name]; ok {
			order = append(order, fmt.Sprintf("%du", k))
			limits = append(limits, fmt.Sprintf("0x%08xu", host.FaultLimit(dg.plan, name)))
		}
	}
	if len(order) == 0 {
		return ""
	}
	return fmt.Sprintf(`		const uint order[%d] = uint[](%s);
		const uint limits[%d] = uint[](%s);
		for (uint k = 0u; k < %du; k++) {
			uint a = order[k];
			float x = vars[a * N + i];
			if ((floatBitsToUint(x) & 0x7fffffffu) > limits[k]) {
				if (fault[1u + 3u * i] == 0u) {
					fault[1u + 3u * i] = pc.row + 1u;
					fault[2u + 3u * i] = a;
					fault[3u + 3u * i] = floatBitsToUint(x);
					atomicOr(fault[0], 1u);
				}
				break;
			}
		}
`, len(order), strings.Join(order, ", "), len(limits), strings.Join(limits, ", "), len(order))
}
