// This file implements Run: a batch of samples through a Program on all
// cores, with optional counters and trace.

package sim

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nnhls/nnhls/ops"
)

// RunOptions says what to compute besides the outputs.
type RunOptions struct {
	// Workers is the number of goroutines; 0 means runtime.NumCPU(). The
	// results do not depend on it.
	Workers int
	// Tally counts, per node, the casts that rounded, saturated or
	// wrapped, and records the observed range of every node's output.
	Tally bool
	// Trace keeps every node's output, not only the graph outputs.
	Trace bool
	// Progress, if set, is called from the workers with the number of
	// samples done so far (not in order, not for every sample).
	Progress func(done int)
}

// Result holds what a run computed. Values are exact: raw * 2^-F in
// float64 (every result type is at most 62 bits wide, and a float64 holds
// such a value exactly when it has at most 53 significant bits, which the
// types of real networks have; wider values round to nearest).
type Result struct {
	N int
	// Outputs[i] holds graph output i for all samples, sample-major:
	// N × size.
	Outputs [][]float64
	// Nodes[i] holds node i's output for all samples when tracing, else
	// nil.
	Nodes [][]float64
	// Tallies[i] and Ranges[i] are node i's counts and observed range
	// when counting, else nil.
	Tallies []ops.Tally
	Ranges  []Range
}

// A Range is the observed range of a node's output values.
type Range struct {
	Min, Max float64
	// Seen is false when no value was observed (N = 0).
	Seen bool
}

// rawRange is a Range on raw values, merged at the end.
type rawRange struct {
	lo, hi int64
	seen   bool
}

// worker owns one goroutine's buffers and counters.
type worker struct {
	p       *Program
	buf     []int64
	fbuf    []float64
	scratch []int64
	ins     [][][]int64
	outs    [][]int64
	fins    [][][]float64
	fouts   [][]float64
	tallies []ops.Tally
	ranges  []rawRange
}

func (p *Program) newWorker(tally bool) *worker {
	w := &worker{p: p}
	if p.float {
		w.fbuf = make([]float64, p.words)
		for _, st := range p.steps {
			ins := make([][]float64, len(st.in))
			for j, in := range st.in {
				ins[j] = w.fbuf[p.nodes[in].off : p.nodes[in].off+p.nodes[in].size]
			}
			w.fins = append(w.fins, ins)
			ni := p.nodes[st.node]
			w.fouts = append(w.fouts, w.fbuf[ni.off:ni.off+ni.size])
		}
		return w
	}
	w.buf = make([]int64, p.words)
	w.scratch = make([]int64, p.scratch)
	for _, st := range p.steps {
		ins := make([][]int64, len(st.in))
		for j, in := range st.in {
			ins[j] = w.buf[p.nodes[in].off : p.nodes[in].off+p.nodes[in].size]
		}
		w.ins = append(w.ins, ins)
		ni := p.nodes[st.node]
		w.outs = append(w.outs, w.buf[ni.off:ni.off+ni.size])
	}
	if tally {
		w.tallies = make([]ops.Tally, len(p.nodes))
		w.ranges = make([]rawRange, len(p.nodes))
	}
	return w
}

// sample runs one sample whose inputs are x[i] (one slice per graph input).
func (w *worker) sample(x [][]float64) {
	p := w.p
	if p.float {
		for i, in := range p.g.Inputs {
			ni := &p.nodes[in]
			copy(w.fbuf[ni.off:ni.off+ni.size], x[i])
		}
		for i := range p.steps {
			p.steps[i].fk.Run(w.fins[i], w.fouts[i])
		}
		return
	}
	for i, in := range p.g.Inputs {
		ni := &p.nodes[in]
		dst := w.buf[ni.off : ni.off+ni.size]
		c := p.inCasts[i]
		if w.tallies == nil {
			for j, v := range x[i][:len(dst)] {
				dst[j] = c.Raw(v)
			}
			continue
		}
		t := &w.tallies[in][ops.SlotResult]
		for j, v := range x[i][:len(dst)] {
			r, f := c.Apply(v)
			dst[j] = r
			t.Add(f)
			t.Observe(v)
		}
	}
	if w.tallies == nil {
		for i := range p.steps {
			p.steps[i].k.Run(w.ins[i], w.outs[i], w.scratch, nil)
		}
		return
	}
	for i := range p.steps {
		st := &p.steps[i]
		st.k.Run(w.ins[i], w.outs[i], w.scratch, &w.tallies[st.node])
	}
	for i := range p.nodes {
		ni := &p.nodes[i]
		r := &w.ranges[i]
		for _, v := range w.buf[ni.off : ni.off+ni.size] {
			if !r.seen {
				r.lo, r.hi, r.seen = v, v, true
			}
			r.lo = min(r.lo, v)
			r.hi = max(r.hi, v)
		}
	}
}

// store copies node i's output of the current sample into dst as exact
// values.
func (w *worker) store(i int, dst []float64) {
	ni := &w.p.nodes[i]
	if w.p.float {
		copy(dst, w.fbuf[ni.off:ni.off+ni.size])
		return
	}
	for j, v := range w.buf[ni.off : ni.off+ni.size] {
		dst[j] = float64(v) * ni.lsb
	}
}

// InputSize returns the number of values of graph input i per sample.
func (p *Program) InputSize(i int) int { return p.nodes[p.g.Inputs[i]].size }

// Run evaluates n samples. x[i] holds graph input i for all samples,
// sample-major (n × InputSize(i) values).
func (p *Program) Run(x [][]float64, n int, opt RunOptions) (*Result, error) {
	if len(x) != len(p.g.Inputs) {
		return nil, fmt.Errorf("the model has %d inputs, got %d", len(p.g.Inputs), len(x))
	}
	for i := range x {
		if len(x[i]) != n*p.InputSize(i) {
			return nil, fmt.Errorf("input %d: %d values for %d samples of %d", i, len(x[i]), n, p.InputSize(i))
		}
	}
	tally := opt.Tally && !p.float
	res := &Result{N: n, Outputs: make([][]float64, len(p.g.Outputs))}
	for i, o := range p.g.Outputs {
		res.Outputs[i] = make([]float64, n*p.nodes[o].size)
	}
	if opt.Trace {
		res.Nodes = make([][]float64, len(p.nodes))
		for i := range p.nodes {
			res.Nodes[i] = make([]float64, n*p.nodes[i].size)
		}
	}
	nw := opt.Workers
	if nw <= 0 {
		nw = runtime.NumCPU()
	}
	nw = max(min(nw, n), 1)
	workers := make([]*worker, nw)
	var done atomic.Int64
	var wg sync.WaitGroup
	for k := range nw {
		w := p.newWorker(tally)
		workers[k] = w
		lo, hi := k*n/nw, (k+1)*n/nw
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.chunk(x, lo, hi, res, opt.Progress, &done)
		}()
	}
	wg.Wait()
	if tally {
		res.Tallies = make([]ops.Tally, len(p.nodes))
		res.Ranges = make([]Range, len(p.nodes))
		raw := make([]rawRange, len(p.nodes))
		for _, w := range workers {
			for i := range p.nodes {
				res.Tallies[i].Merge(&w.tallies[i])
				r := w.ranges[i]
				if !r.seen {
					continue
				}
				if !raw[i].seen {
					raw[i] = r
					continue
				}
				raw[i].lo, raw[i].hi = min(raw[i].lo, r.lo), max(raw[i].hi, r.hi)
			}
		}
		for i, r := range raw {
			if r.seen {
				lsb := p.nodes[i].lsb
				res.Ranges[i] = Range{Min: float64(r.lo) * lsb, Max: float64(r.hi) * lsb, Seen: true}
			}
		}
	}
	return res, nil
}

// progressEvery is how many samples a worker runs between progress calls.
const progressEvery = 1024

// chunk runs samples lo..hi-1.
func (w *worker) chunk(x [][]float64, lo, hi int, res *Result, progress func(int), done *atomic.Int64) {
	p := w.p
	xs := make([][]float64, len(x))
	for s := lo; s < hi; s++ {
		for i := range x {
			sz := p.InputSize(i)
			xs[i] = x[i][s*sz : (s+1)*sz]
		}
		w.sample(xs)
		for i, o := range p.g.Outputs {
			sz := p.nodes[o].size
			w.store(o, res.Outputs[i][s*sz:(s+1)*sz])
		}
		if res.Nodes != nil {
			for i := range p.nodes {
				sz := p.nodes[i].size
				w.store(i, res.Nodes[i][s*sz:(s+1)*sz])
			}
		}
		if progress != nil && (s-lo+1)%progressEvery == 0 {
			progress(int(done.Add(progressEvery)))
		}
	}
	if progress != nil {
		progress(int(done.Add(int64((hi - lo) % progressEvery))))
	}
}
