package spikevk

import "strings"

// ParseSpikeText gives the tests of package spikevk_test (FuzzReadSpikes)
// the text parser of ReadSpikes, without a file: the spikes of text and
// the line of each.
func ParseSpikeText(name, text string) (indices []int, timesMs []float64, lines []int, err error) {
	s, err := parseSpikeText(name, strings.NewReader(text))
	if err != nil {
		return nil, nil, nil, err
	}
	return s.indices, s.timesMs, s.lines, nil
}
