package models

import (
	"math"
	"strings"
	"testing"
)

// TestOrnsteinUhlenbeck: dv/dt = -v/tau + sigma*sqrt(2/tau)*xi is stationary
// with mean 0 and standard deviation sigma. Over 4000 neurons after 10 tau,
// the sample mean must be within 5 standard errors of 0 and the sample
// standard deviation within 5% of sigma (its standard error is about 1.1%,
// plus the O(dt/tau) = 1% bias of Euler–Maruyama).
func TestOrnsteinUhlenbeck(t *testing.T) {
	n, err := Compile(NeuronSpec{Equations: "dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt\ntau : second\nsigma : volt", DT: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if n.Method != "euler" {
		t.Errorf("method %s, want euler (Euler–Maruyama for additive noise)", n.Method)
	}
	const size, tau, sigma = 4000, 10.0, 2.0
	state := map[string][]float32{"v": make([]float32, size)}
	params := map[string][]float32{"tau": make([]float32, size), "sigma": make([]float32, size)}
	for i := range size {
		params["tau"][i], params["sigma"][i] = tau, sigma
	}
	final, _ := sim(t, n, 0.1, size, 1000, state, params)
	var sum, sq float64
	for _, v := range final["v"] {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean := sum / size
	sd := math.Sqrt(sq/size - mean*mean)
	t.Logf("mean %.4f mV, sd %.4f mV (sigma %g)", mean, sd, sigma)
	if math.Abs(mean) > 5*sigma/math.Sqrt(size) {
		t.Errorf("mean %.4f mV, want 0 ± %.3f", mean, 5*sigma/math.Sqrt(size))
	}
	if math.Abs(sd/sigma-1) > 0.05 {
		t.Errorf("standard deviation %.4f mV, want %g ± 5%%", sd, sigma)
	}
}

func TestStochasticMethods(t *testing.T) {
	for _, tc := range []struct {
		eqs, method, want, errPart string
	}{
		{"dv/dt = -v/ms + v*xi/sqrt(ms) : volt", "", "heun", ""},
		{"dv/dt = -v/ms + v*xi/sqrt(ms) : volt", "euler", "", "needs additive noise"},
		{"dv/dt = -v/ms + mV*xi_1/sqrt(ms) + mV*xi_2/sqrt(ms) : volt", "", "euler", ""},
		{"dv/dt = -v/ms + mV*xi/sqrt(ms) : volt", "rk4", "", "must be euler or heun"},
		{"dv/dt = -v/ms + mV*exp(xi*sqrt(ms))/ms : volt", "", "", "must enter dv/dt linearly"},
		{"dv/dt = -v/ms + xi : volt", "", "", `different dimensions: V/s and s^-0.5`},
	} {
		n, err := Compile(NeuronSpec{Equations: tc.eqs, Method: tc.method, DT: 0.1})
		switch {
		case tc.errPart != "":
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s (%s): err = %v, want %q", tc.eqs, tc.method, err, tc.errPart)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.eqs, err)
		case n.Method != tc.want:
			t.Errorf("%s: method %s, want %s", tc.eqs, n.Method, tc.want)
		}
	}
}
