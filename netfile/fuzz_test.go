package netfile_test

import (
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/examples"
	"github.com/spikevk/spikevk/internal/fuzztest"
	"github.com/spikevk/spikevk/netfile"
)

// FuzzParse checks that no network file makes Parse or Build panic or
// hang (fuzztest.Limit), and
// that every error of Parse names the file. Build draws nothing (the first
// Run does), so any size is cheap.
func FuzzParse(f *testing.F) {
	f.Add(string(examples.COBA))
	f.Add(base)
	f.Add(features)
	f.Add("groups: {g: {model: lif_cuba_exp, n: 3}}\nsubgroups: {E: g[1:]}\n")
	f.Fuzz(func(t *testing.T, text string) {
		fuzztest.Within(t, func() {
			file, err := netfile.Parse("fuzz.yaml", []byte(text))
			if err != nil {
				if !strings.Contains(err.Error(), "fuzz.yaml") {
					t.Errorf("error without the file's name: %v", err)
				}
				return
			}
			net, err := file.Build(spikevk.Config{Backend: "cpu"})
			if err != nil {
				return
			}
			net.Close()
		})
	})
}
