package cpu

import (
	"runtime"
	"sync/atomic"
	"time"
)

// spinTime is how long a waiting member of a team polls for work before
// it sleeps: longer than the gap between the phases of a time step, so
// that a step's phases hand over without waking a thread, and short
// enough not to hold a core long after a Run.
const spinTime = 200 * time.Microsecond

// team is a set of goroutines that share the phases of time steps (the
// neuron step, the propagation, the learning) for the length of a Run.
// Between phases its members spin for a while before they sleep, so that a
// phase of a few microseconds starts on every core without the cost of
// starting goroutines and waking threads, which is larger than the phase
// itself for networks of some thousand neurons.
//
// The goroutine that calls newTeam and do is member 0; a team of one runs
// every task in it.
type team struct {
	gen atomic.Uint64 // the number of phases handed out
	_   [cacheLine - 8]byte
	// pending counts the members still working on the current phase; it
	// has a line of its own, apart from gen, which the members poll.
	pending atomic.Int64
	_       [cacheLine - 8]byte
	size    int
	tasks   int // the number of tasks of the current phase
	workers int // the members that take tasks in this phase
	task    func(w, c int)
	quit    bool // set by stop
	// crowded says that the team has more members than GOMAXPROCS
	// (Options.Workers above it): spinning members then yield, so that
	// the others run.
	crowded bool
	asleep  []atomic.Bool
	wake    []chan struct{}
}

// newTeam starts a team of size members: the caller and size-1 goroutines.
func newTeam(size int) *team {
	t := &team{size: max(1, size), asleep: make([]atomic.Bool, size), wake: make([]chan struct{}, size),
		crowded: size > runtime.GOMAXPROCS(0)}
	for w := 1; w < size; w++ {
		t.wake[w] = make(chan struct{}, 1)
		go t.member(w, 0)
	}
	return t
}

// stop ends the goroutines of the team; do runs every task in the caller
// afterwards.
func (t *team) stop() {
	if t.size > 1 {
		t.quit = true
		t.handOut()
	}
	t.size = 1
}

// do runs task(w, c) for every c in [0, n) on min(n, workers) members, w
// numbering the member, and returns when all are done.
func (t *team) do(n, workers int, task func(w, c int)) {
	workers = min(n, workers, t.size)
	if workers <= 1 {
		for c := range n {
			task(0, c)
		}
		return
	}
	t.tasks, t.workers, t.task = n, workers, task
	t.pending.Store(int64(t.size - 1))
	t.handOut()
	t.work(0)
	for spin := 0; t.pending.Load() != 0; spin++ {
		if spin%64 == 63 {
			runtime.Gosched()
		}
	}
	t.task = nil
}

// handOut starts a phase: the members that spin see the new generation,
// and those asleep are woken.
func (t *team) handOut() {
	t.gen.Add(1)
	for w := 1; w < t.size; w++ {
		if t.asleep[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
}

// work runs member w's share of the current phase: a contiguous range of
// its tasks, the same range in every phase of the same size, so that the
// neurons of a group stay in the caches of the core that updated them in
// the previous step (handing out tasks one by one moves them between
// cores and costs more than the balance gains).
func (t *team) work(w int) {
	if w >= t.workers {
		return
	}
	for c := t.tasks * w / t.workers; c < t.tasks*(w+1)/t.workers; c++ {
		t.task(w, c)
	}
}

// member is the loop of member w: wait for a phase newer than seen, work
// on it, report, until the team stops.
func (t *team) member(w int, seen uint64) {
	for {
		seen = t.await(w, seen)
		if t.quit {
			return
		}
		t.work(w)
		t.pending.Add(-1)
	}
}

// await waits until a phase newer than seen is handed out and returns its
// generation: it polls for spinTime, then sleeps until handOut wakes it.
func (t *team) await(w int, seen uint64) uint64 {
	start := time.Now()
	for spin := 1; ; spin++ {
		if g := t.gen.Load(); g != seen {
			return g
		}
		if spin%256 != 0 {
			continue
		}
		if time.Since(start) < spinTime {
			if t.crowded {
				runtime.Gosched()
			}
			continue
		}
		t.asleep[w].Store(true)
		if g := t.gen.Load(); g != seen {
			// handOut may have seen the flag already: then its token
			// is on the way and must be taken.
			if !t.asleep[w].CompareAndSwap(true, false) {
				<-t.wake[w]
			}
			return g
		}
		<-t.wake[w]
		start = time.Now()
	}
}
