package spikevk

import (
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/units"
)

// BuiltinSynapses returns the built-in synapse model called name (see
// `spikevk models`): stdp_song2000, stdp_multiplicative or
// tsodyks_markram. Its parameters take their defaults, which
// Projection.Set overrides per synapse, and its variables their initial
// values.
func BuiltinSynapses(name string) Synapses {
	return fromFile(models.BuiltinSynapse(name))
}

// LoadSynapses reads a synapse model file (YAML, see models.SynapseFile).
func LoadSynapses(path string) Synapses {
	data, err := os.ReadFile(path)
	if err != nil {
		return Synapses{err: err}
	}
	return fromFile(models.ParseSynapseFile(path, data))
}

// FileSynapses is the synapses of a parsed synapse model file, such as
// the inline synapses of a network file (models.ParseSynapseNode).
func FileSynapses(f *models.SynapseFile) Synapses { return fromFile(f, nil) }

// fromFile is the synapses of a model file.
func fromFile(f *models.SynapseFile, err error) Synapses {
	if err != nil {
		return Synapses{err: err}
	}
	return Synapses{Model: f.Equations, OnPre: f.OnPre, OnPost: f.OnPost, file: f}
}

// withFile is s with its texts from the model file f, or with the error
// err.
func (s Synapses) withFile(f *models.SynapseFile, err error) Synapses {
	if err != nil {
		s.err = err
		return s
	}
	t := fromFile(f, nil)
	t.defaults = s.defaults
	return t
}

// Target returns s with its on_pre (and on_post) acting on the
// postsynaptic variable x instead of the one its model file names, such
// as "g_i" instead of "g_e".
func (s Synapses) Target(x string) Synapses {
	if s.err != nil {
		return s
	}
	if s.file == nil {
		s.err = fmt.Errorf("Target %s: the synapses come from no model file; write the variable in OnPre", x)
		return s
	}
	return s.withFile(s.file.WithTarget(x))
}

// Default returns s with the default of the parameter name of its model
// file replaced by value, an expression such as "0.5*nS".
func (s Synapses) Default(name, value string) Synapses {
	if s.err != nil {
		return s
	}
	if s.file == nil || !slices.ContainsFunc(s.file.Parameters, func(p models.Setting) bool { return p.Name == name }) {
		s.err = fmt.Errorf("Default %s: the synapse model has no parameter %s", name, name)
		return s
	}
	s.defaults = maps.Clone(s.defaults)
	if s.defaults == nil {
		s.defaults = map[string]string{}
	}
	s.defaults[name] = value
	return s
}

// withUnitOf returns s with the parameter name declared in the unit of
// value and value as its default, for models whose weight follows the
// unit of the target.
func (s Synapses) withUnitOf(name, value string) Synapses {
	if s.err != nil {
		return s
	}
	dim, err := models.ExprDim(value)
	if err != nil {
		s.err = fmt.Errorf("%s = %s: %w", name, value, err)
		return s
	}
	unit, err := unitName(dim)
	if err != nil {
		s.err = fmt.Errorf("%s = %s: %w", name, value, err)
		return s
	}
	return s.withFile(s.file.WithUnit(name, unit)).Default(name, value)
}

// unitName is the name of the SI unit of dimension d, as the model
// language reads it.
func unitName(d units.Dim) (string, error) {
	if d.IsDimensionless() {
		return "1", nil
	}
	for _, name := range []string{"siemens", "amp", "volt", "farad", "ohm", "second", "hertz", "coulomb", "meter", "mole"} {
		if u, ok := units.Lookup(name); ok && u.Dim.Equal(d) {
			return name, nil
		}
	}
	return "", fmt.Errorf("a value in %s, which has no unit of its own here (use siemens, amp, volt or another SI unit)", d)
}

// fileValues are the values a model file gives every synapse: its
// parameters' defaults, then its initial values, in file order.
func (s Synapses) fileValues() []host.Value {
	var out []host.Value
	for _, p := range s.file.Parameters {
		v := p.Value
		if d, ok := s.defaults[p.Name]; ok {
			v = d
		}
		out = append(out, host.Value{Var: p.Name, Expr: v})
	}
	for _, p := range s.file.Initial {
		out = append(out, host.Value{Var: p.Name, Expr: p.Value})
	}
	return out
}
