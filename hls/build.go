// This file implements the g++ build of a written project and runs of the
// compiled firmware on samples: what nnhls csim does. A build is reused
// when the sources, the headers and the compiler command are unchanged.

package hls

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// BuildOptions says how to compile.
type BuildOptions struct {
	// CXX is the compiler, "g++" when empty.
	CXX string
	// Flags replace the default flags -std=c++14 -O1 -Wall -Wextra.
	Flags []string
}

// defaultFlags are the compiler flags of a build.
var defaultFlags = []string{"-std=c++14", "-O1", "-Wall", "-Wextra"}

// ReadManifest reads a project's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not an nnhls project: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if !identRE.MatchString(m.Project) {
		return nil, fmt.Errorf("%s: bad project name %q", filepath.Join(dir, ManifestFile), m.Project)
	}
	return &m, nil
}

// Build compiles the project in dir into build/<project>_csim and returns
// the binary's path and whether it was compiled now (false: the previous
// build was up to date). Compiler output goes into build/compile.log (empty
// for a warning-free build) and, on failure, into the returned error.
func Build(dir string, opt BuildOptions) (bin string, built bool, err error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return "", false, err
	}
	cxx := opt.CXX
	if cxx == "" {
		cxx = "g++"
	}
	flags := opt.Flags
	if flags == nil {
		flags = defaultFlags
	}
	ap := m.APTypes
	if !filepath.IsAbs(ap) {
		ap = filepath.Join(dir, ap)
	}
	inc := []string{"-I" + filepath.Join(dir, "firmware"), "-I" + ap}
	build := filepath.Join(dir, "build")
	bin = filepath.Join(build, m.Project+"_csim")
	// The firmware and the testbench compile at once, into objects that
	// are then linked: on two cores that halves the wait.
	srcs := []string{filepath.Join(dir, "firmware", m.Project+".cpp"), filepath.Join(dir, "tb", m.Project+"_test.cpp")}
	objs := []string{filepath.Join(build, m.Project+".o"), filepath.Join(build, m.Project+"_test.o")}
	var cmds [][]string
	for k, src := range srcs {
		c := append(append(append([]string(nil), flags...), inc...), "-c", src, "-o", objs[k])
		cmds = append(cmds, c)
	}
	link := append(append([]string(nil), flags...), objs[0], objs[1], "-o", bin)
	var all []string
	for _, c := range cmds {
		all = append(all, strings.Join(c, " "))
	}
	key, err := buildKey(dir, ap, cxx, append(all, strings.Join(link, " ")))
	if err != nil {
		return "", false, err
	}
	stamp := filepath.Join(build, "stamp")
	if old, err := os.ReadFile(stamp); err == nil && string(old) == key {
		if _, err := os.Stat(bin); err == nil {
			return bin, false, nil
		}
	}
	if err := os.MkdirAll(build, 0o755); err != nil {
		return "", false, err
	}
	_ = os.Remove(stamp)
	outs := make([]bytes.Buffer, len(cmds))
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for k, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(cxx, c...)
			cmd.Stdout, cmd.Stderr = &outs[k], &outs[k]
			errs[k] = cmd.Run()
		}()
	}
	wg.Wait()
	var out bytes.Buffer
	runErr := errors.Join(errs...)
	for k := range outs {
		out.Write(outs[k].Bytes())
	}
	if runErr == nil {
		cmd := exec.Command(cxx, link...)
		cmd.Stdout, cmd.Stderr = &out, &out
		runErr = cmd.Run()
	}
	if err := os.WriteFile(filepath.Join(build, "compile.log"), out.Bytes(), 0o644); err != nil {
		return "", false, err
	}
	if runErr != nil {
		return "", false, fmt.Errorf("%s: %w\n%s", cxx, runErr, out.String())
	}
	if err := os.WriteFile(stamp, []byte(key), 0o644); err != nil {
		return "", false, err
	}
	return bin, true, nil
}

// buildKey hashes the compiler command and every source and header the
// build reads.
func buildKey(dir, ap, cxx string, args []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cxx, strings.Join(args, "\x00"))
	var files []string
	for _, root := range []string{filepath.Join(dir, "firmware"), filepath.Join(dir, "tb"), ap} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Predict runs the compiled firmware bin of the project in dir on samples
// (each: all inputs flattened and concatenated) and returns its outputs
// (each: all outputs concatenated).
func Predict(dir, bin string, samples [][]float64) ([][]float64, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	nIn, nOut := 0, 0
	for _, t := range m.Inputs {
		nIn += t.Size()
	}
	for _, t := range m.Outputs {
		nOut += t.Size()
	}
	for s, x := range samples {
		if len(x) != nIn {
			return nil, fmt.Errorf("sample %d has %d values, the model takes %d", s, len(x), nIn)
		}
	}
	tmp, err := os.MkdirTemp("", "nnhls-csim-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "in.dat"), filepath.Join(tmp, "out.dat")
	if err := os.WriteFile(in, formatSamples(samples), 0o644); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(abs, "--predict", in, out)
	cmd.Dir = dir
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", bin, err, msg.String())
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var res [][]float64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != nOut {
			return nil, fmt.Errorf("%s: sample %d has %d outputs, want %d", bin, len(res), len(fields), nOut)
		}
		y := make([]float64, nOut)
		for i, s := range fields {
			if y[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%s: sample %d: %w", bin, len(res), err)
			}
		}
		res = append(res, y)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res) != len(samples) {
		return nil, fmt.Errorf("%s: %d outputs for %d samples", bin, len(res), len(samples))
	}
	return res, nil
}
