// Package fuzztest bounds the time of one fuzz input, so that an input
// that hangs fails the fuzzer, which then keeps it as it keeps any other
// failing input.
package fuzztest

import (
	"runtime/debug"
	"testing"
	"time"
)

// Limit is how long one input may take. The parsers and checkers answer
// in milliseconds; a hundred times more is a hang.
const Limit = 5 * time.Second

// Within runs f and fails t when f panics or takes longer than Limit (f
// then goes on in the background until the fuzzer stops).
func Within(t testing.TB, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- r
				return
			}
			done <- nil
		}()
		f()
	}()
	select {
	case r := <-done:
		if r != nil {
			t.Fatalf("panic: %v\n%s", r, debug.Stack())
		}
	case <-time.After(Limit):
		t.Fatalf("the input took longer than %v: a hang", Limit)
	}
}
