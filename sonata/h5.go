//go:build !nohdf5

package sonata

// #cgo pkg-config: hdf5
// #include <hdf5.h>
// #include <stdlib.h>
//
// // link makes name in loc a hard link to the object at target (a path
// // from loc), as h5py's g[name] = g[target] does.
// static herr_t link(hid_t loc, const char *target, const char *name) {
// 	return H5Lcreate_hard(loc, target, loc, name, H5P_DEFAULT, H5P_DEFAULT);
// }
//
// // readDoubles and readLongs read a whole numeric dataset, converting
// // from its type in the file; they fail for any other class.
// static herr_t readDoubles(hid_t ds, double *buf) {
// 	return H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
// }
// static herr_t readLongs(hid_t ds, long long *buf) {
// 	return H5Dread(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
// }
// // quiet stops libhdf5 printing its error stack: the errors come back
// // to Go, which names the file and object.
// static void quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
//
// // kind is 1 for a dataset, 2 for a group, 0 for anything else, and
// // whether it holds the attribute attr, without libhdf5 errors.
// static int kind(hid_t file, const char *path, const char *attr, int *has) {
// 	hid_t o = H5Oopen(file, path, H5P_DEFAULT);
// 	if (o < 0) return 0;
// 	H5I_type_t t = H5Iget_type(o);
// 	*has = H5Aexists(o, attr) > 0;
// 	H5Oclose(o);
// 	return t == H5I_DATASET ? 1 : t == H5I_GROUP ? 2 : 0;
// }
//
// static int numeric(hid_t ds) {
// 	hid_t t = H5Dget_type(ds);
// 	if (t < 0) return 0;
// 	H5T_class_t c = H5Tget_class(t);
// 	H5Tclose(t);
// 	return c == H5T_INTEGER || c == H5T_FLOAT || c == H5T_ENUM;
// }
//
// // attrKind is the class of an attribute's type and its number of
// // elements.
// static int attrKind(hid_t a, long long *points) {
// 	hid_t t = H5Aget_type(a), s = H5Aget_space(a);
// 	int c = t < 0 ? -1 : H5Tget_class(t);
// 	*points = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
// 	if (t >= 0) H5Tclose(t);
// 	if (s >= 0) H5Sclose(s);
// 	return c;
// }
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"gonum.org/v1/hdf5"
)

func init() { C.quiet() }

// h5w writes one HDF5 file. Every object it opens is closed before the
// call that opened it returns: libhdf5 flushes a file only once nothing
// in it is open. The first error sticks, as for bufio.Writer.
type h5w struct {
	path string
	f    *hdf5.File
	err  error
}

// createH5 creates path with the SONATA root attributes magic and version.
func createH5(path string) *h5w {
	w := &h5w{path: path}
	w.f, w.err = hdf5.CreateFile(path, hdf5.F_ACC_TRUNC)
	if w.err != nil {
		w.err = fmt.Errorf("%s: %w", path, w.err)
		return w
	}
	root, err := w.f.OpenGroup("/")
	if w.check(err, "/") {
		w.attrUints(root, "magic", []uint32{magic})
		w.attrUints(root, "version", []uint32{0, 1})
		w.check(root.Close(), "/")
	}
	return w
}

// magic is the value of a SONATA file's root attribute magic.
const magic = 0x0A7A

// check records err about the object at path, and reports whether all
// went well so far.
func (w *h5w) check(err error, path string) bool {
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("%s: %s: %w", w.path, path, err)
	}
	return w.err == nil
}

// group creates the group path (its parents must exist) and closes it.
func (w *h5w) group(path string) {
	if w.err != nil {
		return
	}
	g, err := w.f.CreateGroup(path)
	if w.check(err, path) {
		w.check(g.Close(), path)
	}
}

// dataset writes data, a []uint64, []uint32, []uint16 or []float64, as the
// one-dimensional dataset path.
func (w *h5w) dataset(path string, data any) {
	if w.err != nil {
		return
	}
	var n int
	var elem, ptr any // ptr: the slice's address, as gonum/hdf5 wants it
	switch d := data.(type) {
	case []uint64:
		n, elem, ptr = len(d), uint64(0), &d
	case []uint32:
		n, elem, ptr = len(d), uint32(0), &d
	case []uint16:
		n, elem, ptr = len(d), uint16(0), &d
	case []float64:
		n, elem, ptr = len(d), float64(0), &d
	default:
		panic(fmt.Sprintf("sonata: dataset of %T", data))
	}
	dt, err := hdf5.NewDatatypeFromValue(elem)
	if !w.check(err, path) {
		return
	}
	defer dt.Close()
	space, err := hdf5.CreateSimpleDataspace([]uint{uint(n)}, nil)
	if !w.check(err, path) {
		return
	}
	defer space.Close()
	ds, err := w.f.CreateDataset(path, dt, space)
	if !w.check(err, path) {
		return
	}
	if n > 0 {
		w.check(ds.Write(ptr), path)
	}
	w.check(ds.Close(), path)
}

// at is an object that holds attributes.
type at interface {
	CreateAttribute(name string, dtype *hdf5.Datatype, dspace *hdf5.Dataspace) (*hdf5.Attribute, error)
}

// attrUints writes the uint32 attribute name of o: a scalar for one value.
func (w *h5w) attrUints(o at, name string, v []uint32) {
	if w.err != nil {
		return
	}
	var space *hdf5.Dataspace
	var err error
	if len(v) == 1 {
		space, err = hdf5.CreateDataspace(hdf5.S_SCALAR)
	} else {
		space, err = hdf5.CreateSimpleDataspace([]uint{uint(len(v))}, nil)
	}
	if !w.check(err, name) {
		return
	}
	defer space.Close()
	a, err := o.CreateAttribute(name, hdf5.T_NATIVE_UINT32, space)
	if !w.check(err, name) {
		return
	}
	w.check(a.Write(&v[0], hdf5.T_NATIVE_UINT32), name)
	w.check(a.Close(), name)
}

// attrString writes the scalar variable-length string attribute name of
// the object at path (SONATA's node_population).
func (w *h5w) attrString(path, name, value string) {
	if w.err != nil {
		return
	}
	space, err := hdf5.CreateDataspace(hdf5.S_SCALAR)
	if !w.check(err, path) {
		return
	}
	defer space.Close()
	var o interface {
		at
		Close() error
	}
	cp, cn := C.CString(path), C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cn))
	var has C.int
	var err2 error
	if C.kind(C.hid_t(w.f.ID()), cp, cn, &has) == 1 {
		o, err2 = w.f.OpenDataset(path)
	} else {
		o, err2 = w.f.OpenGroup(path)
	}
	if !w.check(err2, path) {
		return
	}
	defer func() { w.check(o.Close(), path) }()
	a, err := o.CreateAttribute(name, hdf5.T_GO_STRING, space)
	if !w.check(err, path+"@"+name) {
		return
	}
	w.check(a.Write(&value, hdf5.T_GO_STRING), path+"@"+name)
	w.check(a.Close(), path+"@"+name)
}

// attrUint writes the scalar uint32 attribute name of the group path.
func (w *h5w) attrUint(path, name string, v uint32) {
	if w.err != nil {
		return
	}
	g, err := w.f.OpenGroup(path)
	if w.check(err, path) {
		w.attrUints(g, name, []uint32{v})
		w.check(g.Close(), path)
	}
}

// link makes the path name a hard link to the object at target, both
// absolute: no bytes are written twice.
func (w *h5w) link(target, name string) {
	if w.err != nil {
		return
	}
	g, err := w.f.OpenGroup(filepath.Dir(name))
	if !w.check(err, name) {
		return
	}
	defer func() { w.check(g.Close(), name) }()
	ct, cn := C.CString(target), C.CString(filepath.Base(name))
	defer C.free(unsafe.Pointer(ct))
	defer C.free(unsafe.Pointer(cn))
	if C.link(C.hid_t(g.ID()), ct, cn) < 0 {
		w.check(errors.New("cannot create the hard link to "+target), name)
	}
}

// close closes the file and returns the first error.
func (w *h5w) close() error {
	if w.f != nil {
		w.check(w.f.Close(), "close")
	}
	return w.err
}

// h5r reads one HDF5 file.
type h5r struct {
	path string
	f    *hdf5.File
}

// openH5 opens path for reading.
func openH5(path string) (*h5r, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	if !hdf5.IsHDF5(path) {
		return nil, fmt.Errorf("%s: not an HDF5 file", path)
	}
	f, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &h5r{path: path, f: f}, nil
}

func (r *h5r) close() error { return r.f.Close() }

// exists reports whether the path (absolute, each part of it checked in
// turn) names an object.
func (r *h5r) exists(path string) bool {
	p := ""
	for _, part := range splitPath(path) {
		p += "/" + part
		if !r.f.LinkExists(p) {
			return false
		}
	}
	return true
}

// splitPath returns the parts of an absolute HDF5 path.
func splitPath(path string) []string {
	var parts []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// members lists the names in the group path.
func (r *h5r) members(path string) ([]string, error) {
	g, err := r.f.OpenGroup(path)
	if err != nil {
		return nil, fmt.Errorf("%s: group %s: %w", r.path, path, err)
	}
	defer g.Close()
	n, err := g.NumObjects()
	if err != nil {
		return nil, fmt.Errorf("%s: group %s: %w", r.path, path, err)
	}
	names := make([]string, 0, n)
	for k := range n {
		name, err := g.ObjectNameByIndex(k)
		if err != nil {
			return nil, fmt.Errorf("%s: group %s: %w", r.path, path, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// numbers reads the one-dimensional numeric dataset path as float64 and
// as int64 (ids; the float64 values of an integer dataset are exact below
// 2^53).
func (r *h5r) numbers(path string) ([]float64, []int64, error) {
	if !r.exists(path) {
		return nil, nil, fmt.Errorf("%s: no dataset %s", r.path, path)
	}
	ds, err := r.f.OpenDataset(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: dataset %s: %w", r.path, path, err)
	}
	defer ds.Close()
	space := ds.Space()
	if space == nil {
		return nil, nil, fmt.Errorf("%s: dataset %s: no dataspace", r.path, path)
	}
	dims, _, err := space.SimpleExtentDims()
	space.Close()
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("%s: dataset %s: %w", r.path, path, err)
	case len(dims) != 1:
		return nil, nil, fmt.Errorf("%s: dataset %s has %d dimensions, want 1", r.path, path, len(dims))
	case C.numeric(C.hid_t(ds.ID())) == 0:
		return nil, nil, fmt.Errorf("%s: dataset %s is not numeric", r.path, path)
	}
	n := int(dims[0])
	if n == 0 {
		return []float64{}, []int64{}, nil
	}
	f := make([]float64, n)
	ints := make([]int64, n)
	if C.readDoubles(C.hid_t(ds.ID()), (*C.double)(unsafe.Pointer(&f[0]))) < 0 ||
		C.readLongs(C.hid_t(ds.ID()), (*C.longlong)(unsafe.Pointer(&ints[0]))) < 0 {
		return nil, nil, fmt.Errorf("%s: dataset %s: cannot read it as numbers", r.path, path)
	}
	return f, ints, nil
}

// object opens the dataset or group at path when it has the attribute
// name; o is nil when it has none.
func (r *h5r) object(path, name string) (o interface {
	OpenAttribute(string) (*hdf5.Attribute, error)
	Close() error
}, err error) {
	cp, cn := C.CString(path), C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cn))
	var has C.int
	switch C.kind(C.hid_t(r.f.ID()), cp, cn, &has) {
	case 1:
		if has != 0 {
			return r.f.OpenDataset(path)
		}
	case 2:
		if has != 0 {
			return r.f.OpenGroup(path)
		}
	default:
		return nil, fmt.Errorf("%s: no dataset or group %s", r.path, path)
	}
	return nil, nil
}

// attrString reads the string attribute name of the object at path; ok
// is false when there is none.
func (r *h5r) attrString(path, name string) (s string, ok bool, err error) {
	o, err := r.object(path, name)
	if o == nil || err != nil {
		return "", false, err
	}
	defer o.Close()
	a, err := o.OpenAttribute(name)
	if err != nil {
		return "", false, fmt.Errorf("%s: %s@%s: %w", r.path, path, name, err)
	}
	defer a.Close()
	var points C.longlong
	if C.attrKind(C.hid_t(a.ID()), &points) != C.H5T_STRING || points != 1 {
		return "", false, fmt.Errorf("%s: %s@%s is not one string", r.path, path, name)
	}
	if err := a.Read(&s, hdf5.T_GO_STRING); err != nil {
		return "", false, fmt.Errorf("%s: %s@%s: %w", r.path, path, name, err)
	}
	return s, true, nil
}

// attrUint reads the scalar unsigned integer attribute name of the
// object at path; ok is false when there is none.
func (r *h5r) attrUint(path, name string) (v uint32, ok bool, err error) {
	o, err := r.object(path, name)
	if o == nil || err != nil {
		return 0, false, err
	}
	defer o.Close()
	a, err := o.OpenAttribute(name)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %s@%s: %w", r.path, path, name, err)
	}
	defer a.Close()
	var points C.longlong
	if C.attrKind(C.hid_t(a.ID()), &points) != C.H5T_INTEGER || points != 1 {
		return 0, false, fmt.Errorf("%s: %s@%s is not one integer", r.path, path, name)
	}
	if err := a.Read(&v, hdf5.T_NATIVE_UINT32); err != nil {
		return 0, false, fmt.Errorf("%s: %s@%s: %w", r.path, path, name, err)
	}
	return v, true, nil
}
