package netfile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// TestReadmeExample builds and briefly runs the network file of the
// README's "Network files" section, with the files it names.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## Network files")
	_, block, ok := strings.Cut(section, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in the README's Network files section")
	}
	dir := t.TempDir()
	caps := strings.Repeat("200\n", 4000)
	for name, text := range map[string]string{"net.yaml": block, "caps.csv": caps, "stim.txt": "i,t\n0,5\n1,7.5\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := netfile.Load(filepath.Join(dir, "net.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if len(net.Schedule) != 2 || net.Duration() != 330 {
		t.Errorf("schedule %+v", net.Schedule)
	}
	if err := net.Network.Run(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
}
