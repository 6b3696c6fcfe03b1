package npyfile

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// TestRead reads arrays of several dtypes back as float64, and refuses a
// header that claims more elements than its file could hold.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "a.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, []int32{3, -1, 7}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	a, err := ReadNPY(filepath.Join(dir, "a.npy"))
	if err != nil || !slices.Equal(a.Data, []float64{3, -1, 7}) || !slices.Equal(a.Shape, []int{3}) {
		t.Errorf("a.npy: %+v, %v", a, err)
	}
	zpath := filepath.Join(dir, "b.npz")
	if err := npz.Write(zpath, map[string]any{"x": []float32{0.5, 2}, "u": []uint8{1}}); err != nil {
		t.Fatal(err)
	}
	arrays, err := ReadNPZ(zpath)
	if err != nil || !slices.Equal(arrays["x"].Data, []float64{0.5, 2}) || !slices.Equal(arrays["u"].Data, []float64{1}) {
		t.Errorf("b.npz: %+v, %v", arrays, err)
	}
	forged := filepath.Join(dir, "forged.npz")
	zf, _ := os.Create(forged)
	zw := zip.NewWriter(zf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: zip.Store})
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': (9999999999,), }"
	header += strings.Repeat(" ", 64-(10+len(header)+1)%64) + "\n"
	w.Write(append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(header)), byte(len(header) >> 8)}, header...))
	zw.Close()
	zf.Close()
	if _, err := ReadNPZ(forged); err == nil || !strings.Contains(err.Error(), `array "x" claims 9999999999 elements`) {
		t.Errorf("forged header: %v", err)
	}
}
