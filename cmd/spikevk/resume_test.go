package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/sbinet/npyio/npz"
)

// TestMain runs the command itself when the test binary is started as a
// child process by TestKillAndResume.
func TestMain(m *testing.M) {
	if os.Getenv("SPIKEVK_TEST_CHILD") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestKillAndResume kills a run with -checkpoint-every at random moments
// after its first checkpoint (SIGKILL twice: no chance to clean up; then
// SIGINT, as Ctrl-C, which ends it with a checkpoint where it stopped),
// checks that every file it left in its folder is whole, resumes it with
// -resume, and compares the spike files with those of a run never
// interrupted: the same bit for bit.
func TestKillAndResume(t *testing.T) {
	args := []string{"run", "-backend", "cpu", "-set", "size=2000", "-t", "2000"}
	ref := filepath.Join(t.TempDir(), "ref")
	start := time.Now()
	if code, out := runArgs(append(args, "-out", ref)); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, out)
	}
	wall := time.Since(start)
	seed := uint64(time.Now().UnixNano())
	t.Logf("uninterrupted run: %v; kill times from seed %d", wall, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for k, sig := range []os.Signal{os.Kill, os.Kill, os.Interrupt} {
		dir := filepath.Join(t.TempDir(), "cut")
		child := exec.Command(os.Args[0], append(args, "-out", dir, "-checkpoint-every", "100")...)
		child.Env = append(os.Environ(), "SPIKEVK_TEST_CHILD=1")
		var childErr bytes.Buffer
		child.Stderr = &childErr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
			if found, _ := filepath.Glob(filepath.Join(dir, "checkpoint_*.json")); len(found) > 0 {
				break
			}
			if time.Now().After(deadline) {
				child.Process.Kill()
				t.Fatal("no checkpoint after a minute")
			}
		}
		delay := time.Duration(r.Float64() * 0.8 * float64(wall))
		time.Sleep(delay)
		child.Process.Signal(sig)
		child.Wait()
		if sig == os.Interrupt && child.ProcessState.ExitCode() != 0 && !strings.Contains(childErr.String(), "spikevk: interrupted") { // (0: it ended before the signal)
			t.Errorf("after ^C the run says %q, want spikevk: interrupted", lastLine(childErr.String()))
		}
		checkWhole(t, dir, sig == os.Kill)
		code, out := runArgs(append(args, "-resume", dir))
		if code != 0 {
			t.Fatalf("%v %d after %v: resume: exit %d\n%s", sig, k, delay, code, out)
		}
		t.Logf("%v %d after %v past the first checkpoint: %s", sig, k, delay, firstLine(out))
		checkWhole(t, dir, false)
		for _, name := range []string{"spikes_neurons.npz"} {
			if a, b := spikesOf(t, filepath.Join(ref, name)), spikesOf(t, filepath.Join(dir, name)); !slices.Equal(a, b) {
				t.Errorf("%v %d after %v: %s differs from the uninterrupted run's (%d and %d values)", sig, k, delay, name, len(b), len(a))
			}
		}
	}
}

func runArgs(args []string) (int, string) {
	var out bytes.Buffer
	code := run(args, &out, &out)
	return code, out.String()
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }

// checkWhole opens every .npz and .json file of dir and reads it through,
// and finds no other file but, where killed, the hidden temporary files
// of writes the kill interrupted.
func checkWhole(t *testing.T, dir string, killed bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	for _, path := range slices.Concat(files, hidden) {
		switch ext := filepath.Ext(path); {
		case killed && strings.HasPrefix(filepath.Base(path), ".") && strings.Trim(ext, ".0123456789") == "":
			// a temporary file: never an output, removed by -resume
		case ext == ".npz":
			// Reading every entry to its end checks its CRC.
			z, err := zip.OpenReader(path)
			if err != nil {
				t.Errorf("%s after the kill: %v", filepath.Base(path), err)
				continue
			}
			for _, f := range z.File {
				rc, err := f.Open()
				if err == nil {
					_, err = io.Copy(io.Discard, rc)
					rc.Close()
				}
				if err != nil {
					t.Errorf("%s after the kill: %s: %v", filepath.Base(path), f.Name, err)
				}
			}
			z.Close()
		case ext == ".json":
			data, err := os.ReadFile(path)
			if err == nil && !json.Valid(data) {
				err = os.ErrInvalid
			}
			if err != nil {
				t.Errorf("%s after the kill: %v", filepath.Base(path), err)
			}
		default:
			t.Errorf("after the kill, %s is neither an .npz nor a .json file (a temporary file left behind?)", filepath.Base(path))
		}
	}
}

// spikesOf reads i and t of a spike file into one slice.
func spikesOf(t *testing.T, path string) []float64 {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var i []int32
	var ts []float64
	if err := r.Read("i.npy", &i); err != nil {
		t.Fatal(err)
	}
	if err := r.Read("t.npy", &ts); err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 0, 2*len(i))
	for k := range i {
		out = append(out, float64(i[k]), ts[k])
	}
	return out
}
