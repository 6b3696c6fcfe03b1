package spikevk

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/units"
)

// PoissonInput adds Brian2's PoissonInput to g: n independent Poisson
// sources of rate rate (a constant such as "5*Hz") that each neuron of g
// receives on variable with weight weight (an expression such as
// "0.1*mV"), without a synapse each. Every step, every neuron's variable
// grows by weight × a draw of Binomial(n, rate·dt), drawn exactly by
// inversion of the binomial distribution as float32 resolves it, or, as
// Brian2 does when n·p > 5 and n·(1-p) > 5, from the normal distribution
// of the same mean and variance, rounded to a whole count in 0 … n.
//
// It is built from what any network has: a source group of one neuron
// (named after g and the variable) that spikes every step, and a
// projection from it to g whose on_pre draws the count. So, as any spike,
// the input of step s lands at the start of step s+1 (host.Plan): step 0
// receives none.
func (g *Group) PoissonInput(variable string, n int, rate string, weight string) *Group {
	net := g.net
	what := fmt.Sprintf("%s: Poisson input to %s", g, variable)
	if !net.building(what) {
		return g
	}
	p, err := poissonProbability(rate, net.cfg.DT)
	switch {
	case err != nil:
		net.fail("%s: rate %q: %w", what, rate, err)
		return g
	case n < 0:
		net.fail("%s: %d sources is negative", what, n)
		return g
	case p > 1:
		net.fail("%s: rate %s gives a probability of %g per step of %g ms, more than 1", what, rate, p, net.cfg.DT)
		return g
	}
	name := fmt.Sprintf("%s_poissoninput_%s_%d", g.Name(), variable, len(net.desc.Groups))
	src := net.Group(name, 1, Model{file: &models.File{Name: poissonInputModel, Threshold: "t >= 0*ms"}})
	syn := Synapses{Model: "u : 1", OnPre: fmt.Sprintf("u = rand()\n%s_post += (%s) * (%s)", variable, weight, binomialCount(n, p))}
	net.Connect(name+"_synapses", src, g, syn, AllToAll())
	return g
}

// poissonInputModel names the model of PoissonInput's sources (Group.Internal).
const poissonInputModel = "poissoninput"

// poissonProbability evaluates a constant rate and returns rate·dt.
func poissonProbability(rate string, dt float64) (float64, error) {
	prog, err := models.CompileExpr(models.ExprSpec{Text: rate, Want: units.NewDim(0, 0, -1, 0, 0, 0, 0), What: "rate"})
	if err != nil {
		return 0, err
	}
	if len(prog.Inputs) > 0 {
		return 0, fmt.Errorf("a rate must be a constant, but it uses %s", strings.Join(prog.Inputs, ", "))
	}
	v, err := ir.EvalFloat64(prog, nil)
	if err != nil {
		return 0, err
	}
	if p := v[0] * dt; p >= 0 && !math.IsInf(p, 0) {
		return p, nil
	}
	return 0, fmt.Errorf("%g per ms is not a rate from 0 on", v[0])
}

// binomialCount is an expression of a Binomial(n, p) count that uses the
// uniform draw u in [0, 1): Σ_j (u > F(j)) over the values j of the distribution
// function F below 1 in float32 (inversion), or a rounded normal draw when
// Brian2 would approximate.
func binomialCount(n int, p float64) string {
	if float64(n)*p > 5 && float64(n)*(1-p) > 5 {
		mean, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
		return fmt.Sprintf("clip(floor(%s + %s*randn() + 0.5), 0, %d)", lit(mean), lit(sd), n)
	}
	terms := []string{"0"}
	lgn, _ := math.Lgamma(float64(n) + 1)
	cdf := 0.0
	for j := range n {
		lj, _ := math.Lgamma(float64(j) + 1)
		lnj, _ := math.Lgamma(float64(n-j) + 1)
		logPMF := lgn - lj - lnj + float64(n-j)*math.Log1p(-p)
		if j > 0 {
			logPMF += float64(j) * math.Log(p)
		}
		cdf += math.Exp(logPMF)
		if float32(cdf) >= 1 {
			break
		}
		terms = append(terms, fmt.Sprintf("ceil(u - %s)", lit(cdf))) // 1 when u > F(j), else 0 (u - F(j) > -1)
	}
	return strings.Join(terms, " + ")
}

// lit is a float64 literal of x rounded to float32, as the programs hold
// it.
func lit(x float64) string { return strconv.FormatFloat(float64(float32(x)), 'g', -1, 32) }
