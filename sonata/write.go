package sonata

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// write writes every file of the export.
func (e *exporter) write(es []*edges) error {
	var neurons, virtual []*population
	for _, p := range e.pops {
		if p.virtual {
			virtual = append(virtual, p)
		} else {
			neurons = append(neurons, p)
		}
	}
	var nodeFiles []map[string]string
	for _, set := range []struct {
		h5, csv string
		pops    []*population
	}{{"nodes.h5", "node_types.csv", neurons}, {"virtual_nodes.h5", "virtual_node_types.csv", virtual}} {
		if len(set.pops) == 0 {
			continue
		}
		if err := e.writeNodes(set.h5, set.pops); err != nil {
			return err
		}
		if err := e.writeNodeTypes(set.csv, set.pops); err != nil {
			return err
		}
		nodeFiles = append(nodeFiles, map[string]string{
			"nodes_file": "$NETWORK_DIR/" + set.h5, "node_types_file": "$NETWORK_DIR/" + set.csv})
	}
	var edgeFiles []map[string]string
	if len(es) > 0 {
		if err := e.writeEdges(es); err != nil {
			return err
		}
		edgeFiles = append(edgeFiles, map[string]string{
			"edges_file": "$NETWORK_DIR/edges.h5", "edge_types_file": "$NETWORK_DIR/edge_types.csv"})
	}
	if len(virtual) > 0 {
		if err := e.writeSpikes(virtual); err != nil {
			return err
		}
	}
	return e.writeConfigs(nodeFiles, edgeFiles, virtual)
}

// writeNodes writes the node populations pops into network/name:
// ids, types, one group "0", and the per-node values of the variables
// that differ within a node type (NEST reads only the type's values,
// so its runner applies these itself).
func (e *exporter) writeNodes(name string, pops []*population) error {
	path := filepath.Join(e.dir, networkDir, name)
	w := createH5(path)
	w.group("/nodes")
	for _, p := range pops {
		n := len(p.typeOf)
		base := "/nodes/" + p.name
		w.group(base)
		ids := make([]uint64, n)
		for k := range ids {
			ids[k] = uint64(k)
		}
		w.dataset(base+"/node_id", ids)
		w.dataset(base+"/node_type_id", p.typeOf)
		w.dataset(base+"/node_group_id", make([]uint32, n))
		w.dataset(base+"/node_group_index", ids)
		w.group(base + "/0")
		if p.model == nil {
			continue
		}
		if len(p.perNode) > 0 {
			w.group(base + "/0/dynamics_params")
		}
		for _, v := range p.perNode {
			w.dataset(base+"/0/dynamics_params/"+v.name, v.values)
		}
	}
	return e.done(w, networkDir, name)
}

// done closes w and lists its file.
func (e *exporter) done(w *h5w, dir, name string) error {
	if err := w.close(); err != nil {
		return fmt.Errorf("sonata: %w", err)
	}
	e.res.Files = append(e.res.Files, filepath.Join(dir, name))
	return nil
}

// perNode is a variable of the target that differs within a node type.
type perNode struct {
	name   string
	values []float64
}

// values returns the target's variables of population p that differ
// within one of its node types (one value per node), and the others as
// one value (or list, for a list parameter) per node type.
func (e *exporter) values(p *population) ([]perNode, []map[string]any, error) {
	gp := e.compiled.Plan.Groups[p.group]
	arrays := map[string][]float32{}
	for _, a := range gp.Arrays {
		arrays[a.Name] = a.Init
	}
	// sv is a float32 value as the shortest decimal that reads back as
	// it (56.7, not 56.70000076293945): what the user wrote, which the
	// target gets in double precision.
	sv := func(name string, k int) float64 {
		a := arrays[name]
		if len(a) == 0 {
			return 0
		}
		return decimal(a[min(k, len(a)-1)])
	}
	uniform := func(x []float64) bool {
		for _, t := range p.types {
			for k := t.lo; k < t.hi; k++ {
				if x[k] != x[t.lo] {
					return false
				}
			}
		}
		return true
	}
	var varying []perNode
	perType := make([]map[string]any, len(p.types))
	for t := range perType {
		perType[t] = map[string]any{}
	}
	for _, prm := range p.model.params(e.opt.Target) {
		switch {
		case prm.elems != nil:
			lists := make([][]float64, len(p.types))
			for _, el := range prm.elems {
				x := make([]float64, len(p.typeOf))
				for k := range x {
					x[k] = sv(el, k) * prm.scale
				}
				if !uniform(x) {
					return nil, nil, fmt.Errorf("sonata: group %q: %s differs between neurons of one node type: %s's %s takes %s as one list per node type (give such neurons a subgroup each)",
						p.name, el, targetName(e.opt.Target), p.model.dialect(e.opt.Target).model, prm.name)
				}
				for ti, t := range p.types {
					if t.hi > t.lo {
						lists[ti] = append(lists[ti], x[t.lo])
					}
				}
			}
			for ti := range p.types {
				if lists[ti] != nil {
					perType[ti][prm.name] = lists[ti]
				}
			}
			continue
		case prm.sv == "":
			for ti := range p.types {
				perType[ti][prm.name] = prm.def
			}
			continue
		}
		x := make([]float64, len(p.typeOf))
		v := map[string]float64{}
		for k := range x {
			for _, name := range prm.variables() {
				v[name] = sv(name, k)
			}
			x[k] = prm.value(v)
		}
		if !uniform(x) {
			varying = append(varying, perNode{prm.name, x})
			continue
		}
		for ti, t := range p.types {
			if t.hi > t.lo {
				perType[ti][prm.name] = x[t.lo]
			}
		}
	}
	return varying, perType, nil
}

// writeNodeTypes writes the node types CSV of pops and the JSON of each
// neuron node type's uniform values in the target's names and units.
func (e *exporter) writeNodeTypes(name string, pops []*population) error {
	var b strings.Builder
	if pops[0].virtual {
		b.WriteString("node_type_id model_type pop_name\n")
	} else {
		b.WriteString("node_type_id model_type model_template dynamics_params pop_name\n")
	}
	for _, p := range pops {
		if p.virtual {
			for _, t := range p.types {
				fmt.Fprintf(&b, "%d virtual %s\n", t.id, t.name)
			}
			continue
		}
		for ti, t := range p.types {
			js := t.name + ".json"
			fmt.Fprintf(&b, "%d point_neuron %s %s %s\n", t.id, p.model.template(e.opt.Target), js, t.name)
			if err := e.writeParams(p, p.perType[ti], js); err != nil {
				return err
			}
		}
	}
	return e.writeFile(filepath.Join(networkDir, name), []byte(b.String()))
}

// writeParams writes a neuron type's dynamics-params JSON: the
// refractory period, where the target's model has one, then its uniform
// values in the order of the model's parameter table.
func (e *exporter) writeParams(p *population, values map[string]any, name string) error {
	var entries []string
	d := p.model.dialect(e.opt.Target)
	if d.tref != "" {
		entries = append(entries, fmt.Sprintf("  %q: %s", d.tref, num(p.refractory)))
	}
	if !math.IsNaN(p.tauMinus) {
		entries = append(entries, fmt.Sprintf("  %q: %s", tauMinusName, num(p.tauMinus)))
	}
	for _, prm := range d.params {
		switch v := values[prm.name].(type) {
		case float64:
			entries = append(entries, fmt.Sprintf("  %q: %s", prm.name, num(v)))
		case []float64:
			var list []string
			for _, x := range v {
				list = append(list, num(x))
			}
			entries = append(entries, fmt.Sprintf("  %q: [%s]", prm.name, strings.Join(list, ", ")))
		}
	}
	return e.writeFile(filepath.Join(neuronDir, name), []byte("{\n"+strings.Join(entries, ",\n")+"\n}\n"))
}

// decimal is x as the shortest decimal that reads back as x.
func decimal(x float32) float64 {
	d, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
	return d
}

// num formats x for JSON, exactly (the shortest text that reads back as x).
func num(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// writeFile writes data to the file rel of the export and lists it.
func (e *exporter) writeFile(rel string, data []byte) error {
	if err := os.WriteFile(filepath.Join(e.dir, rel), data, 0o644); err != nil {
		return fmt.Errorf("sonata: %w", err)
	}
	e.res.Files = append(e.res.Files, rel)
	return nil
}

// writeEdges writes edges.h5, one edge population per projection with
// exactly one group "0" (NEST reads no more), and the edge types CSV with
// a JSON per type.
func (e *exporter) writeEdges(es []*edges) error {
	w := createH5(filepath.Join(e.dir, networkDir, "edges.h5"))
	w.group("/edges")
	for _, ed := range es {
		base := "/edges/" + ed.name
		n := len(ed.src)
		w.group(base)
		w.dataset(base+"/source_node_id", ed.src)
		w.attrString(base+"/source_node_id", "node_population", ed.pre.name)
		w.dataset(base+"/target_node_id", ed.tgt)
		w.attrString(base+"/target_node_id", "node_population", ed.post.name)
		types := make([]uint32, n)
		for k := range types {
			types[k] = ed.typeID
		}
		w.dataset(base+"/edge_type_id", types)
		w.dataset(base+"/edge_group_id", make([]uint32, n))
		index := make([]uint64, n)
		for k := range index {
			index[k] = uint64(k)
		}
		w.dataset(base+"/edge_group_index", index)
		w.group(base + "/0")
		w.dataset(base+"/0/syn_weight", ed.weight)
		w.dataset(base+"/0/delay", ed.delay)
		if e.opt.Target == PyNN {
			// PyNN reads per-synapse delays only from dynamics_params.
			w.group(base + "/0/dynamics_params")
			w.link(base+"/0/delay", base+"/0/dynamics_params/delay")
		}
		switch {
		case ed.steps != nil:
			w.dataset(base+"/"+delayStepsName, ed.steps)
		case ed.uniformSteps:
			w.attrUint(base, delayStepsName, 0)
		}
	}
	if err := e.done(w, networkDir, "edges.h5"); err != nil {
		return err
	}
	var b strings.Builder
	if e.opt.Target == PyNN {
		b.WriteString("edge_type_id model_template receptor_type dynamics_params\n")
	} else {
		b.WriteString("edge_type_id model_template dynamics_params\n")
	}
	for _, ed := range es {
		if e.opt.Target == PyNN {
			fmt.Fprintf(&b, "%d %s %s %s\n", ed.typeID, ed.template, ed.receptor, ed.dynamicsParams)
		} else {
			fmt.Fprintf(&b, "%d %s %s\n", ed.typeID, ed.template, ed.dynamicsParams)
		}
		var entries []string
		for _, p := range ed.params {
			entries = append(entries, fmt.Sprintf("  %q: %s", p.name, num(p.value)))
		}
		js := "{}\n"
		if entries != nil {
			js = "{\n" + strings.Join(entries, ",\n") + "\n}\n"
		}
		if err := e.writeFile(filepath.Join(synapseDir, ed.dynamicsParams), []byte(js)); err != nil {
			return err
		}
	}
	return e.writeFile(filepath.Join(networkDir, "edge_types.csv"), []byte(b.String()))
}

// writeSpikes writes the spikes of the virtual populations, sorted by
// time, as /spikes/<population>/{timestamps,node_ids}.
func (e *exporter) writeSpikes(pops []*population) error {
	var out []SpikePopulation
	for _, p := range pops {
		sp := SpikePopulation{Name: p.name}
		for i, steps := range p.spikes {
			for _, s := range steps {
				sp.NodeIDs = append(sp.NodeIDs, int64(i))
				sp.Times = append(sp.Times, float64(s)*e.desc.DT)
			}
		}
		out = append(out, sp)
	}
	if err := WriteSpikes(filepath.Join(e.dir, inputSpikes), out); err != nil {
		return err
	}
	e.res.Files = append(e.res.Files, inputSpikes)
	return nil
}

// writeConfigs writes circuit_config.json, simulation_config.json and the
// node sets (one per population, which the inputs name).
func (e *exporter) writeConfigs(nodes, edges []map[string]string, virtual []*population) error {
	sim := targetName(e.opt.Target)
	circuit := map[string]any{
		"manifest": map[string]string{
			"$BASE_DIR": "${configdir}", "$NETWORK_DIR": "$BASE_DIR/" + networkDir, "$COMPONENT_DIR": "$BASE_DIR/components"},
		"components": map[string]string{
			"point_neuron_models_dir": "$COMPONENT_DIR/point_neuron_models",
			"synaptic_models_dir":     "$COMPONENT_DIR/synaptic_models"},
		"networks":         map[string]any{"nodes": nodes, "edges": orEmpty(edges)},
		"target_simulator": sim,
	}
	sets := map[string]any{}
	for _, p := range e.pops {
		sets[p.name] = map[string]string{"population": p.name}
	}
	inputs := map[string]any{}
	for _, p := range virtual {
		inputs[p.name+"_spikes"] = map[string]string{
			"input_type": "spikes", "module": "sonata", "input_file": "$INPUT_DIR/" + filepath.Base(inputSpikes), "node_set": p.name}
	}
	// $BASE_DIR appears only in other manifest entries: NEST's
	// SonataNetwork resolves it to "." there, and to nothing usable in a
	// value; relative paths are relative to the config's folder.
	simulation := map[string]any{
		"manifest": map[string]string{"$BASE_DIR": "${configdir}", "$OUTPUT_DIR": "$BASE_DIR/output",
			"$INPUT_DIR": "$BASE_DIR/" + filepath.Dir(inputSpikes)},
		"target_simulator": sim,
		"network":          CircuitConfig,
		"node_sets_file":   nodeSetsFile,
		"run":              map[string]float64{"tstart": 0, "tstop": e.opt.Duration, "dt": e.desc.DT},
		"inputs":           inputs,
		"output":           map[string]string{"output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5", "spikes_sort_order": "time"},
		"spikevk":          map[string]any{"seed": e.desc.Seed},
	}
	for _, f := range []struct {
		name string
		v    any
	}{{CircuitConfig, circuit}, {nodeSetsFile, sets}, {SimulationConfig, simulation}} {
		data, err := json.MarshalIndent(f.v, "", "  ")
		if err != nil {
			return fmt.Errorf("sonata: %s: %w", f.name, err)
		}
		if err := e.writeFile(f.name, append(data, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// orEmpty is x, or an empty list for JSON instead of null.
func orEmpty(x []map[string]string) []map[string]string {
	if x == nil {
		return []map[string]string{}
	}
	return x
}
