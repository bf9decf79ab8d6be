package listener

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/record"
)

// Recorder writes one file per delivery into a directory (listen --record), readable by
// the owner only (bodies may hold personal data). Files are written atomically (temp
// file + rename) by workers off the request path, so a slow disk does not hold up the
// answers; a full queue makes Add wait (nothing is dropped), and Close waits for every
// queued record before it returns.
type Recorder struct {
	dir  string
	run  string
	jobs chan recordJob
	wg   sync.WaitGroup

	mu      sync.Mutex
	seq     int
	written int
	failed  int
	err     error
}

type recordJob struct {
	name string
	data []byte
}

// NewRecorder creates dir if needed, readable by the owner only (file names reveal
// when deliveries came, from which provider, of which type), and starts workers writers.
func NewRecorder(dir string, workers int) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	if workers <= 0 {
		workers = 4
	}
	tag := make([]byte, 2)
	rand.Read(tag)
	r := &Recorder{dir: dir, run: hex.EncodeToString(tag), jobs: make(chan recordJob, 1024)}
	for i := 0; i < workers; i++ {
		r.wg.Add(1)
		go r.work()
	}
	return r, nil
}

// Dir is the directory records go to.
func (r *Recorder) Dir() string { return r.dir }

// Add queues one record; line is its JSON (Record.Marshal), with or without the
// newline the file ends with (Delivery.Line has it; Add keeps but never changes it).
// Names sort by the time the delivery arrived, then by arrival order within this run.
func (r *Recorder) Add(rec *record.Record, line []byte) {
	r.mu.Lock()
	r.seq++
	seq := r.seq
	r.mu.Unlock()
	name := fmt.Sprintf("%s-%s-%06d", rec.ReceivedAt.UTC().Format("20060102T150405.000000Z"), r.run, seq)
	if rec.Provider != "" {
		name += "-" + safeName(rec.Provider)
	}
	if rec.Type != "" {
		name += "-" + safeName(rec.Type)
	}
	data := line
	if n := len(line); n == 0 || line[n-1] != '\n' {
		data = make([]byte, 0, len(line)+1)
		data = append(append(data, line...), '\n')
	}
	r.jobs <- recordJob{name: name + ".json", data: data}
}

func (r *Recorder) work() {
	defer r.wg.Done()
	for j := range r.jobs {
		path, err := atomicfile.JoinInside(r.dir, j.name)
		if err == nil {
			err = atomicfile.WriteUnsynced(path, j.data, 0o600)
		}
		r.mu.Lock()
		if err != nil {
			r.failed++
			if r.err == nil {
				r.err = err
			}
		} else {
			r.written++
		}
		r.mu.Unlock()
	}
}

// Close waits for every queued record, asks the OS to flush them to disk, and
// returns how many were written and the first error.
func (r *Recorder) Close() (written int, err error) {
	close(r.jobs)
	r.wg.Wait()
	ferr := atomicfile.Flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.written, fmt.Errorf("%d record(s) could not be written to %s: %w", r.failed, r.dir, r.err)
	}
	return r.written, ferr
}

// safeName keeps a file name portable: letters, digits, '.', '_' and '-', at most 64.
func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 64 {
			break
		}
	}
	return b.String()
}
