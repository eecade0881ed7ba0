// This file implements opening a file, navigating groups, and the guard that
// turns a panic inside the HDF5 library into an error.

package h5

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/scigolib/hdf5"
)

// MaxBytes caps the decoded size of any one dataset or attribute. The largest
// Keras layer nnhls is meant for holds a few million weights (tens of MB);
// a claim beyond 1 GiB is a corrupt or hostile file, refused before the
// library tries to allocate it.
const MaxBytes = 1 << 30

// An Error is a problem with one object of one file.
type Error struct {
	File   string // the file's path
	Object string // the HDF5 object path ("/model_weights/fc1"), "/" for the file
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %v", e.File, e.Object, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// A File is an open HDF5 file.
type File struct {
	path string
	size int64
	lib  *hdf5.File
	root *Group
}

// Open opens an HDF5 file for reading. A file that is not HDF5, is truncated
// or is malformed gives an *Error.
func Open(path string) (f *File, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Object: "/", Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{File: path, Object: "/", Err: errors.New("not a regular file")}
	}
	if err := checkSignature(path); err != nil {
		return nil, &Error{File: path, Object: "/", Err: err}
	}
	if err := scan(path, st.Size()); err != nil {
		return nil, &Error{File: path, Object: "/", Err: fmt.Errorf("malformed HDF5 file: %w", err)}
	}
	defer guard(path, "/", &err)
	lib, err := hdf5.Open(path)
	if err != nil {
		return nil, &Error{File: path, Object: "/", Err: fmt.Errorf("malformed or truncated HDF5 file: %w", err)}
	}
	f = &File{path: path, size: st.Size(), lib: lib}
	f.root = &Group{f: f, path: "/", lib: lib.Root()}
	return f, nil
}

// checkSignature reports a clear error for a file that is not HDF5 at all,
// before the library sees it. HDF5 allows the superblock at 0, 512, 1024,
// ...; files written by h5py put it at 0.
func checkSignature(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	var sig [8]byte
	if _, err := fh.ReadAt(sig[:], 0); err != nil || string(sig[:]) != "\x89HDF\r\n\x1a\n" {
		return errors.New("not an HDF5 file (no HDF5 signature at offset 0)")
	}
	return nil
}

// guard recovers a panic raised inside the HDF5 library and stores it in
// *err as an error naming the file and the object being read.
func guard(file, object string, err *error) {
	if r := recover(); r != nil {
		*err = &Error{File: file, Object: object, Err: fmt.Errorf("malformed HDF5 data (reader panicked: %v)", r)}
	}
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Close closes the file.
func (f *File) Close() error { return f.lib.Close() }

// Root returns the root group.
func (f *File) Root() *Group { return f.root }

// A Group is an HDF5 group.
type Group struct {
	f    *File
	path string
	lib  *hdf5.Group
}

// Path returns the group's absolute path inside the file.
func (g *Group) Path() string { return g.path }

// File returns the file the group belongs to.
func (g *Group) File() *File { return g.f }

// Members returns the names of the group's direct members in file order.
func (g *Group) Members() []string {
	kids := g.lib.Children()
	out := make([]string, 0, len(kids))
	for _, k := range kids {
		if k != nil {
			out = append(out, k.Name())
		}
	}
	return out
}

// child looks up a direct member by name.
func (g *Group) child(name string) hdf5.Object {
	for _, k := range g.lib.Children() {
		if k != nil && k.Name() == name {
			return k
		}
	}
	return nil
}

// join returns the absolute path of a member.
func (g *Group) join(name string) string {
	if g.path == "/" {
		return "/" + name
	}
	return g.path + "/" + name
}

// lookup walks a relative path ("dense/kernel:0") from g. It returns the
// object, or nil and the path of the first missing component.
func (g *Group) lookup(rel string) (hdf5.Object, *Group, string) {
	cur := g
	parts := strings.Split(strings.Trim(rel, "/"), "/")
	for i, p := range parts {
		obj := cur.child(p)
		if obj == nil {
			return nil, cur, cur.join(p)
		}
		if i == len(parts)-1 {
			return obj, cur, cur.join(p)
		}
		sub, ok := obj.(*hdf5.Group)
		if !ok {
			return nil, cur, cur.join(p)
		}
		cur = &Group{f: g.f, path: cur.join(p), lib: sub}
	}
	return nil, cur, g.path
}

// Has reports whether the relative path names a member.
func (g *Group) Has(rel string) bool {
	obj, _, _ := g.lookup(rel)
	return obj != nil
}

// Group returns the subgroup at a relative path ("model_weights/fc1").
func (g *Group) Group(rel string) (*Group, error) {
	obj, _, full := g.lookup(rel)
	if obj == nil {
		return nil, &Error{File: g.f.path, Object: full, Err: errors.New("no such group")}
	}
	sub, ok := obj.(*hdf5.Group)
	if !ok {
		return nil, &Error{File: g.f.path, Object: full, Err: errors.New("not a group")}
	}
	return &Group{f: g.f, path: full, lib: sub}, nil
}

// Dataset returns the dataset at a relative path ("fc1/kernel:0").
func (g *Group) Dataset(rel string) (*Dataset, error) {
	obj, _, full := g.lookup(rel)
	if obj == nil {
		return nil, &Error{File: g.f.path, Object: full, Err: errors.New("no such dataset")}
	}
	ds, ok := obj.(*hdf5.Dataset)
	if !ok {
		return nil, &Error{File: g.f.path, Object: full, Err: errors.New("not a dataset")}
	}
	return &Dataset{f: g.f, path: full, lib: ds}, nil
}

// Datasets returns every dataset under the group, recursively, as paths
// relative to g, in file order.
func (g *Group) Datasets() []string {
	var out []string
	var walk func(prefix string, lib *hdf5.Group, depth int)
	walk = func(prefix string, lib *hdf5.Group, depth int) {
		if depth > 64 { // a cycle in a corrupt file; real files nest a few levels
			return
		}
		for _, k := range lib.Children() {
			switch o := k.(type) {
			case *hdf5.Dataset:
				out = append(out, prefix+o.Name())
			case *hdf5.Group:
				walk(prefix+o.Name()+"/", o, depth+1)
			}
		}
	}
	walk("", g.lib, 0)
	return out
}
