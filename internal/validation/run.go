package validation

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"runtime"

	"github.com/whk-cli/whk/internal/input"
)

// Stats count what a run checked.
type Stats struct {
	Checked int
	Valid   int
	Invalid int
	// Warned counts valid and invalid items with at least one warning.
	Warned int
	// Unreadable counts items whose source could not be read (an I/O error).
	Unreadable int
}

// Config says where a run reads and how hard it works.
type Config struct {
	// Paths are files, directories and "-" (Stdin), in the order to check them.
	Paths []string
	Stdin io.Reader
	// Workers is the number of items checked at once; 0 means GOMAXPROCS.
	Workers int
	// MaxSize bounds a whole file and one NDJSON line; 0 means DefaultMaxSize.
	MaxSize int64
	// Idle, when set, is called whenever no finished result is waiting: the moment to
	// flush buffered output, so a live stream (listen --json | whk validate -) is
	// reported as it arrives.
	Idle func() error
}

// batchItems and batchBytes bound the NDJSON lines one worker takes at a time; with the
// output window (workers*8 jobs) they bound the memory a run holds.
const (
	batchItems = 64
	batchBytes = 64 << 10
)

// job is one unit of work: a whole file to read, NDJSON lines already read, or a
// result known in advance (an unreadable path).
type job struct {
	path  string
	items []Item
	fixed *Result
	done  chan []Result
}

// Run checks every item of cfg.Paths with c on all cores and calls emit with each
// result in input order (a directory's files in lexical order, a stream's lines in
// order). It returns a *PathError, before checking anything, when a named path does
// not exist. Memory stays bounded whatever the input size: at most a few batches per
// worker are in flight.
func Run(ctx context.Context, c *Checker, cfg Config, emit func(*Result) error) (Stats, error) {
	var st Stats
	if err := checkPaths(cfg.Paths); err != nil {
		return st, err
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	work := make(chan *job, workers)
	order := make(chan *job, workers*8)
	for i := 0; i < workers; i++ {
		go func() {
			var rd input.Reader
			for j := range work {
				j.done <- c.do(j, cfg.MaxSize, &rd)
			}
		}()
	}
	p := &producer{ctx: ctx, work: work, order: order, cfg: cfg}
	go p.run()

	var emitErr error
	for {
		var j *job
		var ok bool
		select {
		case j, ok = <-order:
		case <-ctx.Done():
			if emitErr != nil {
				return st, emitErr
			}
			return st, ctx.Err()
		}
		if !ok {
			break
		}
		var rs []Result
		select {
		case rs = <-j.done:
		case <-ctx.Done():
			if emitErr != nil {
				return st, emitErr
			}
			return st, ctx.Err()
		}
		for i := range rs {
			r := &rs[i]
			st.Checked++
			switch {
			case r.Unreadable:
				st.Unreadable++
				st.Invalid++
			case r.Valid():
				st.Valid++
			default:
				st.Invalid++
			}
			if len(r.Warnings) > 0 {
				st.Warned++
			}
			if emitErr == nil {
				if emitErr = emit(r); emitErr != nil {
					cancel()
				}
			}
		}
		if len(order) == 0 && cfg.Idle != nil && emitErr == nil {
			if emitErr = cfg.Idle(); emitErr != nil {
				cancel()
			}
		}
	}
	if emitErr != nil {
		return st, emitErr
	}
	return st, ctx.Err()
}

// do checks one job's items; it runs on a worker.
func (c *Checker) do(j *job, max int64, rd *input.Reader) []Result {
	if j.fixed != nil {
		return []Result{*j.fixed}
	}
	items := j.items
	if j.path != "" {
		data, err := rd.Read(j.path, max)
		if err != nil {
			if _, big := err.(*input.TooLargeError); big {
				return []Result{{Source: j.path, Errors: []Problem{{Message: tooLarge(max)}}}}
			}
			return []Result{unreadable(j.path, err)}
		}
		items = fileItems(j.path, data)
	}
	out := make([]Result, 0, len(items))
	for _, it := range items {
		if r := c.Check(it); !r.skip {
			out = append(out, r)
		}
	}
	return out
}

func unreadable(path string, err error) Result {
	msg := (&PathError{path, err}).Error()
	if pe, ok := err.(*os.PathError); ok {
		msg = (&PathError{path, pe.Err}).Error()
	}
	return Result{Source: path, Unreadable: true, Errors: []Problem{{Message: "cannot read " + msg}}}
}

// producer turns the paths into jobs, in order.
type producer struct {
	ctx   context.Context
	work  chan<- *job
	order chan<- *job
	cfg   Config
}

// send queues a job for a worker and its place in the output; false means stop.
func (p *producer) send(j *job) bool {
	j.done = make(chan []Result, 1)
	select {
	case p.order <- j:
	case <-p.ctx.Done():
		return false
	}
	select {
	case p.work <- j:
		return true
	case <-p.ctx.Done():
		// The consumer is gone; let it not wait for this job.
		j.done <- nil
		return false
	}
}

func (p *producer) run() {
	defer close(p.work)
	defer close(p.order)
	for _, path := range p.cfg.Paths {
		if path == "-" {
			if !p.stdin() {
				return
			}
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			if !p.send(&job{fixed: ptr(unreadable(path, err))}) {
				return
			}
			continue
		}
		if !st.IsDir() {
			if !p.file(path, st.Mode().IsRegular()) {
				return
			}
			continue
		}
		ok := true
		input.Walk(path, func(f string) bool {
			ok = p.file(f, true)
			return ok
		}, func(f string, err error) bool {
			ok = p.send(&job{fixed: ptr(unreadable(f, err))})
			return ok
		})
		if !ok {
			return
		}
	}
}

func ptr[T any](v T) *T { return &v }

// file queues a whole regular file for a worker, or streams an NDJSON file line by
// line. A FIFO or device named on the command line (process substitution) is read
// here, bounded, as the workers' raw reads are for regular files only.
func (p *producer) file(path string, regular bool) bool {
	if !input.IsStreamName(path) {
		if regular {
			return p.send(&job{path: path})
		}
		data, err := input.ReadFile(path, p.cfg.MaxSize)
		switch err.(type) {
		case nil:
			return p.send(&job{items: fileItems(path, data)})
		case *input.TooLargeError:
			return p.send(&job{fixed: &Result{Source: path, Errors: []Problem{{Message: tooLarge(p.cfg.MaxSize)}}}})
		}
		return p.send(&job{fixed: ptr(unreadable(path, err))})
	}
	f, err := os.Open(path)
	if err != nil {
		return p.send(&job{fixed: ptr(unreadable(path, err))})
	}
	defer f.Close()
	return p.stream(path, input.NewLineReader(f, int(p.cfg.MaxSize)))
}

// stdin streams NDJSON when the first line is a JSON value on its own, or longer than
// the limit (an item that fails, then the lines after it), and otherwise reads the
// input as one document.
func (p *producer) stdin() bool {
	in := p.cfg.Stdin
	if in == nil {
		in = bytes.NewReader(nil)
	}
	lr := input.NewLineReader(in, int(p.cfg.MaxSize))
	var seen []byte // the lines read while deciding, for the one-document case
	for {
		l, n, long, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			r := unreadable("-", err)
			r.Line = n
			return p.send(&job{fixed: &r})
		}
		if long {
			return p.stream("-", &firstThen{n: n, long: true, rest: lr})
		}
		if t := bytes.TrimSpace(l); len(t) > 0 {
			// A HAR on one line is one document, not a stream.
			if json.Valid(t) && input.Sniff(t) != input.HAR {
				return p.stream("-", &firstThen{first: append([]byte(nil), l...), n: n, rest: lr})
			}
			seen = append(seen, l...)
			seen = append(seen, '\n')
			break
		}
		seen = append(seen, '\n')
	}
	// One document, maybe pretty-printed: what was read so far plus the rest.
	data, err := input.ReadAll(io.MultiReader(bytes.NewReader(seen), lr.Rest()), p.cfg.MaxSize)
	switch err.(type) {
	case nil:
	case *input.TooLargeError:
		return p.send(&job{fixed: &Result{Source: "-", Errors: []Problem{{Message: tooLarge(p.cfg.MaxSize)}}}})
	default:
		return p.send(&job{fixed: ptr(unreadable("-", err))})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return p.send(&job{fixed: &Result{Source: "-", Errors: []Problem{{Message: "empty: no JSON value on stdin"}}}})
	}
	return p.send(&job{items: fileItems("-", data)})
}

// firstThen yields one line already read, then the rest of a stream.
type firstThen struct {
	first []byte
	n     int
	long  bool
	done  bool
	rest  *input.LineReader
}

func (f *firstThen) Next() ([]byte, int, bool, error) {
	if !f.done {
		f.done = true
		return f.first, f.n, f.long, nil
	}
	return f.rest.Next()
}

func (f *firstThen) Buffered() bool { return !f.done || f.rest.Buffered() }

// stream sends an NDJSON stream in batches of lines. A batch goes out early when the
// source has nothing more buffered, so live input is checked as it arrives.
func (p *producer) stream(source string, lr lines) bool {
	var (
		items []Item
		buf   []byte
	)
	flush := func() bool {
		if len(items) == 0 {
			return true
		}
		j := &job{items: items}
		items, buf = nil, nil
		return p.send(j)
	}
	for {
		if len(items) > 0 && !lr.Buffered() && !flush() {
			return false
		}
		l, n, long, err := lr.Next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			if !flush() {
				return false
			}
			r := unreadable(source, err)
			r.Line = n
			return p.send(&job{fixed: &r})
		}
		if long {
			items = append(items, Item{Source: source, Line: n, fail: "line is longer than " + input.SizeString(p.cfg.MaxSize)})
		} else if len(bytes.TrimSpace(l)) > 0 {
			if buf == nil {
				buf = make([]byte, 0, 64<<10)
			}
			if len(buf)+len(l) > cap(buf) {
				// Start a new buffer: earlier items still point into the old one.
				buf = make([]byte, 0, max(64<<10, len(l)))
			}
			start := len(buf)
			buf = append(buf, l...)
			items = append(items, Item{Source: source, Line: n, Data: buf[start:len(buf):len(buf)]})
		}
		if (len(items) >= batchItems || len(buf) >= batchBytes) && !flush() {
			return false
		}
	}
}

// lines is a source of NDJSON lines.
type lines interface {
	Next() (line []byte, n int, tooLong bool, err error)
	Buffered() bool
}
