package fuzztest

import (
	"testing"
	"time"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(string, ...any)          { r.failed = true }
func (r *recorder) Errorf(format string, a ...any) { r.failed = true }

// TestWithin: a quick f passes, a panicking one fails.
func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		fail bool
	}{
		{"quick", func() { time.Sleep(time.Millisecond) }, false},
		{"panic", func() { panic("boom") }, true},
	} {
		r := &recorder{TB: t}
		Within(r, tc.f)
		if r.failed != tc.fail {
			t.Errorf("%s: failed %v, want %v", tc.name, r.failed, tc.fail)
		}
	}
}
