package spikevk_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models"
)

// parityRef is what testdata/brian2/parity.py computed in Brian2 2.5.1,
// one entry per item of the parity suite.
type parityRef struct {
	Simulator string  `json:"simulator"`
	DT        float64 `json:"dt_ms"`
	Functions struct {
		N           int                  `json:"n"`
		X           []float64            `json:"x"`
		Y           []float64            `json:"y"`
		Expressions map[string]string    `json:"expressions"`
		Values      map[string][]float64 `json:"values"`
		Bare        string               `json:"bare_condition"`
		BareRefused string               `json:"bare_condition_refused"`
	} `json:"functions"`
	Timestep struct {
		K, Early []float64
	} `json:"timestep"`
	Poisson struct {
		N     int `json:"n"`
		Draws []struct {
			Lambda float64 `json:"lam"`
			Mean   float64 `json:"mean"`
			Var    float64 `json:"var"`
			Zeros  float64 `json:"zeros"`
		} `json:"draws"`
	} `json:"poisson"`
	PairsOrder struct {
		I      []int     `json:"pairs_i"`
		J      []int     `json:"pairs_j"`
		W      []float64 `json:"w"`
		VAt2ms []float64 `json:"v_at_2ms"`
		VEnd   []float64 `json:"v_end"`
	} `json:"pairs_order"`
	DefaultMethod struct {
		Equations string    `json:"equations"`
		Method    string    `json:"method"`
		V         []float64 `json:"v_mV"`
	} `json:"default_method"`
	RateUnits struct {
		R []float64 `json:"r_Hz"`
	} `json:"rate_units"`
	SummedRates struct {
		Equations string      `json:"equations"`
		U         [][]float64 `json:"u"`
	} `json:"summed_rates"`
	InjectSummed struct {
		V [][]float64 `json:"v_mV"`
	} `json:"inject_summed"`
	SetInject struct {
		I0     []float64   `json:"I0_nA"`
		V      [][]float64 `json:"v_mV"`
		SpikeI []int32     `json:"spike_i"`
		SpikeT []float64   `json:"spike_t_ms"`
	} `json:"set_inject"`
	InjectSubgroup struct {
		V []float64 `json:"v_end_mV"`
	} `json:"inject_subgroup"`
}

func loadParity(t *testing.T) *parityRef {
	t.Helper()
	data, err := os.ReadFile("testdata/brian2/parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref parityRef
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("testdata/brian2/parity.json: %v", err)
	}
	return &ref
}

// onBothBackends runs one network on the CPU reference and on the Vulkan
// device: each run returns its numbers, which must be identical bit for
// bit, and are handed to check (the CPU's) for the comparison with Brian2.
func onBothBackends(t *testing.T, run func(t *testing.T, backend string) []float32) []float32 {
	t.Helper()
	cpu := run(t, "cpu")
	vulkanOrSkip(t)
	gpu := run(t, "vulkan")
	if len(cpu) != len(gpu) {
		t.Fatalf("cpu gave %d numbers, vulkan %d", len(cpu), len(gpu))
	}
	for k := range cpu {
		if math.Float32bits(cpu[k]) != math.Float32bits(gpu[k]) {
			t.Fatalf("number %d: cpu %v, vulkan %v", k, cpu[k], gpu[k])
		}
	}
	return cpu
}

// runFor runs net for ms milliseconds, failing the test on an error.
func runFor(t *testing.T, net *spikevk.Network, ms float64) {
	t.Helper()
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

// samples returns the samples of variable of a state monitor, sample
// after sample.
func samples(t *testing.T, m *spikevk.StateMonitor, variable string) []float32 {
	t.Helper()
	_, v, err := m.Values(variable)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Concat(v...)
}

// nearBrian2 fails the test where got and want differ by more than tol plus
// rel of want.
func nearBrian2(t *testing.T, what string, got []float32, want []float64, tol, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, Brian2 has %d", what, len(got), len(want))
	}
	for k := range want {
		g, w := float64(got[k]), want[k]
		if math.IsNaN(w) != math.IsNaN(g) || !math.IsNaN(w) && math.Abs(g-w) > tol+rel*math.Abs(w) {
			t.Errorf("%s[%d] = %v, Brian2 %v", what, k, g, w)
		}
	}
}

// TestBrian2Parity runs, item by item, the small networks of
// testdata/brian2/parity.py as a Brian2 user writes them, on both
// backends (identical bit for bit), and compares with what Brian2 2.5.1
// computed: within float32 rounding for deterministic values, spikes in
// the same step, and within 5 standard errors for random draws.
func TestBrian2Parity(t *testing.T) {
	ref := loadParity(t)
	dt := ref.DT

	// Every function and constant of Brian2's default namespace, on grids
	// of their domains, as subexpressions sampled in the first step.
	t.Run("functions", func(t *testing.T) {
		f := ref.Functions
		names := make([]string, 0, len(f.Expressions))
		for name := range f.Expressions {
			names = append(names, name)
		}
		slices.Sort(names)
		eqs := "x : 1\ny : 1\nc : 1"
		vars := []string{"c"}
		for _, name := range names {
			eqs += "\nf_" + name + " = " + f.Expressions[name] + " : 1"
			vars = append(vars, "f_"+name)
		}
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", f.N, spikevk.Equations{Equations: eqs}.Model())
			g.SetArray("x", f.X, "1").SetArray("y", f.Y, "1")
			// Brian2 2.5.1 refuses a bare condition in arithmetic; spikevk
			// reads it as int(condition), as later Brian2 versions do.
			g.Set("c", f.Bare)
			m := net.StateMonitor(g, vars, dt)
			runFor(t, net, dt)
			var out []float32
			for _, v := range vars {
				out = append(out, samples(t, m, v)...)
			}
			return out
		})
		if f.BareRefused == "" {
			t.Errorf("Brian2 accepted the bare condition %q: compare its values too", f.Bare)
		}
		bare := make([]float64, f.N)
		for i := range bare {
			bare[i] = f.Values["conditions"][i]
		}
		nearBrian2(t, "c = "+f.Bare, got[:f.N], bare, 0, 0)
		for k, name := range names {
			nearBrian2(t, name+": "+f.Expressions[name], got[(k+1)*f.N:(k+2)*f.N], f.Values[name], 2e-7, 2e-6)
		}
	})

	t.Run("timestep", func(t *testing.T) {
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 1, spikevk.Equations{Equations: "k = 1.0*timestep(t, dt) : 1\nearly = 1.0*timestep(t - 0.0002*ms, dt) : 1"}.Model())
			m := net.StateMonitor(g, []string{"k", "early"}, dt)
			runFor(t, net, 1)
			return slices.Concat(samples(t, m, "k"), samples(t, m, "early"))
		})
		nearBrian2(t, "timestep(t, dt)", got[:len(ref.Timestep.K)], ref.Timestep.K, 0, 0)
		nearBrian2(t, "timestep(t - 0.0002*ms, dt)", got[len(ref.Timestep.K):], ref.Timestep.Early, 0, 0)
	})

	// poisson(λ) drawn once per neuron: mean, variance and share of zeros
	// against Brian2's own sample of the same size, within 5 standard
	// errors of the difference of two samples.
	t.Run("poisson", func(t *testing.T) {
		p := ref.Poisson
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Seed: 5, Backend: backend})
			defer net.Close()
			var ms []*spikevk.StateMonitor
			for k, d := range p.Draws {
				g := net.Group("g"+string(rune('a'+k)), p.N, spikevk.Equations{Equations: "k = poisson(lam) : 1\nlam : 1"}.Model())
				g.SetArray("lam", slices.Repeat([]float64{d.Lambda}, p.N), "1")
				ms = append(ms, net.StateMonitor(g, []string{"k"}, dt))
			}
			runFor(t, net, dt)
			var out []float32
			for _, m := range ms {
				out = append(out, samples(t, m, "k")...)
			}
			return out
		})
		n := float64(p.N)
		for k, d := range p.Draws {
			var sum, sum2, zeros float64
			for _, c := range got[k*p.N : (k+1)*p.N] {
				sum, sum2 = sum+float64(c), sum2+float64(c)*float64(c)
				if c == 0 {
					zeros++
				}
			}
			mean := sum / n
			variance, p0 := sum2/n-mean*mean, math.Exp(-d.Lambda)
			l := d.Lambda
			if se := math.Sqrt(2 * l / n); math.Abs(mean-d.Mean) > 5*se {
				t.Errorf("poisson(%g): mean %g, Brian2 %g (5 SE %g)", l, mean, d.Mean, 5*se)
			}
			if se := math.Sqrt(2 * (l + 2*l*l) / n); math.Abs(variance-d.Var) > 5*se {
				t.Errorf("poisson(%g): variance %g, Brian2 %g (5 SE %g)", l, variance, d.Var, 5*se)
			}
			if se := math.Sqrt(2 * p0 * (1 - p0) / n); math.Abs(zeros/n-d.Zeros) > 5*se+1e-12 {
				t.Errorf("poisson(%g): zeros %g, Brian2 %g (5 SE %g)", l, zeros/n, d.Zeros, 5*se)
			}
		}
	})

	// Values given per pair follow the pairs as given.
	t.Run("pairs_order", func(t *testing.T) {
		r := ref.PairsOrder
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			src := net.SpikeGenerator("src", 2, []int{0, 1}, []float64{1, 3})
			tgt := net.Group("tgt", 2, spikevk.Equations{Equations: "v : 1"}.Model()) // on_pre adds to a parameter, as Brian2 allows
			net.Connect("s", src, tgt, spikevk.Synapses{Model: "w : 1", OnPre: "v_post += w"}, spikevk.Pairs(r.I, r.J)).SetArray("w", r.W, "1")
			m := net.StateMonitor(tgt, []string{"v"}, dt)
			runFor(t, net, 5)
			v, err := tgt.Get("v")
			if err != nil {
				t.Fatal(err)
			}
			return slices.Concat(samples(t, m, "v")[2*20:2*20+2], v)
		})
		nearBrian2(t, "v at 2 ms", got[:2], r.VAt2ms, 0, 0)
		nearBrian2(t, "v at 5 ms", got[2:], r.VEnd, 0, 0)
	})

	// Without a method Brian2 integrates conductance equations with Euler
	// and spikevk with exponential Euler (README, Models); method euler
	// gives Brian2's default trace.
	t.Run("default_method", func(t *testing.T) {
		r := ref.DefaultMethod
		m, err := models.Check(&models.File{Equations: r.Equations}, dt)
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != "euler" || m.Neuron.Method != "exponential_euler" {
			t.Errorf("without a method Brian2 chose %s and spikevk %s; the README says euler and exponential_euler", r.Method, m.Neuron.Method)
		}
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 1, spikevk.Equations{Equations: r.Equations, Method: "euler"}.Model())
			g.Set("v", "-60*mV").Set("g_e", "100*nS")
			mon := net.StateMonitor(g, []string{"v"}, dt)
			runFor(t, net, 20)
			return samples(t, mon, "v")
		})
		nearBrian2(t, "v (mV), method euler", got, r.V, 1e-3, 0)
	})

	// Values in SI units, and the internal unit of Get stated.
	t.Run("rate_units", func(t *testing.T) {
		want := ref.RateUnits.R
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 3, spikevk.Equations{Equations: "dr/dt = (r_inf - r)/(10*ms) : Hz\nr_inf : Hz"}.Model())
			g.SetArray("r", []float64{0, 59.9, 120}, "Hz").Set("r_inf", "50*Hz")
			runFor(t, net, 5)
			si, unit, err := g.GetSI("r")
			if err != nil {
				t.Fatal(err)
			}
			if unit != "Hz" {
				t.Errorf("GetSI(r): unit %q, want Hz", unit)
			}
			internal, err := g.Get("r")
			if err != nil {
				t.Fatal(err)
			}
			out := make([]float32, len(si))
			for k, x := range si {
				out[k] = float32(x)
				if d := math.Abs(float64(internal[k]) - x/1000); d > 1e-6*x/1000 {
					t.Errorf("Get(r)[%d] = %v, want %v (1/ms)", k, internal[k], x/1000)
				}
			}
			return out
		})
		nearBrian2(t, "r (Hz)", got, want, 0, 1e-5)
	})

	// A rate network whose two summed inputs read the presynaptic
	// subexpression r.
	t.Run("summed_rates", func(t *testing.T) {
		r := ref.SummedRates
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			rates := net.Group("rates", 3, spikevk.Equations{Equations: r.Equations, Method: "euler"}.Model())
			rates.SetArray("u", []float64{-1, 0, 2}, "1")
			drive := net.Group("drive", 2, spikevk.Equations{Equations: "du/dt = (2 - u)/(5*ms) : 1\nr = u*u : 1", Method: "euler"}.Model())
			net.Connect("rec", rates, rates, spikevk.Synapses{Model: "w : 1\nI_rec_post = w*r_pre : 1 (summed)"}, spikevk.AllToAll()).
				Set("w", "0.5 - 0.25*i + 0.1*j")
			net.Connect("ext", drive, rates, spikevk.Synapses{Model: "w : 1\nI_ext_post = w*r_pre : 1 (summed)"}, spikevk.AllToAll()).
				Set("w", "-0.3 + 0.2*i*j")
			m := net.StateMonitor(rates, []string{"u"}, 1)
			runFor(t, net, 30)
			return samples(t, m, "u")
		})
		nearBrian2(t, "u", got, slices.Concat(r.U...), 1e-5, 1e-5)
	})

	// A current injected into a variable that gap junctions sum into:
	// the two add up.
	t.Run("inject_summed", func(t *testing.T) {
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 2, spikevk.Equations{Equations: "dv/dt = (-v + 100*Mohm*I_gap)/(10*ms) : volt\nI_gap : amp"}.Model())
			g.SetArray("v", []float64{0, 10}, "mV")
			net.Connect("gap", g, g, spikevk.Synapses{Model: "w : siemens\nI_gap_post = w*(v_pre - v_post) : amp (summed)"}, spikevk.AllToAll()).
				Set("w", "2*nS")
			g.Inject("I_gap", spikevk.Step([]float64{5}, []string{"0.1*nA"}))
			m := net.StateMonitor(g, []string{"v"}, 1)
			runFor(t, net, 20)
			return samples(t, m, "v")
		})
		nearBrian2(t, "v (mV)", got, slices.Concat(ref.InjectSummed.V...), 1e-3, 0)
	})

	// A value set per neuron plus a sinusoid injected into the same
	// current: the two add up (I = I0 + 0.2 nA·sin(2π·25 Hz·t)).
	t.Run("set_inject", func(t *testing.T) {
		r := ref.SetInject
		var spikesI []int32
		var spikesT []float64
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 3, spikevk.Equations{
				Equations: "dv/dt = (-70*mV - v + 100*Mohm*I)/(10*ms) : volt (unless refractory)\nI : amp",
				Threshold: "v > -50*mV", Reset: "v = -70*mV", Refractory: "2*ms", Method: "euler"}.Model())
			g.Set("v", "-70*mV").SetArray("I", r.I0, "nA")
			g.Inject("I", spikevk.Sinusoid("0.2*nA", 25, "", ""))
			m := net.StateMonitor(g, []string{"v"}, 1)
			s := net.SpikeMonitor(g)
			runFor(t, net, 100)
			spikesI, spikesT = s.Spikes()
			return samples(t, m, "v")
		})
		nearBrian2(t, "v (mV)", got, slices.Concat(r.V...), 1e-3, 0)
		if len(r.SpikeI) == 0 {
			t.Fatal("Brian2's neurons did not spike")
		}
		if !slices.Equal(spikesI, r.SpikeI) {
			t.Fatalf("spiking neurons %v, Brian2 %v", spikesI, r.SpikeI)
		}
		for k := range spikesT {
			if math.Abs(spikesT[k]-r.SpikeT[k]) > dt/2 {
				t.Errorf("spike %d at %v ms, Brian2 %v ms", k, spikesT[k], r.SpikeT[k])
			}
		}
	})

	t.Run("inject_subgroup", func(t *testing.T) {
		got := onBothBackends(t, func(t *testing.T, backend string) []float32 {
			net := spikevk.New(spikevk.Config{Backend: backend})
			defer net.Close()
			g := net.Group("g", 4, spikevk.Equations{Equations: "dv/dt = (-v + 100*Mohm*I)/(10*ms) : volt\nI : amp"}.Model())
			g.Slice(2, 4).Inject("I", spikevk.DC("0.15*nA"))
			runFor(t, net, 10)
			v, err := g.Get("v")
			if err != nil {
				t.Fatal(err)
			}
			return v
		})
		nearBrian2(t, "v (mV)", got, ref.InjectSubgroup.V, 1e-4, 1e-5)
	})
}
