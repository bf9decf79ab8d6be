package listener

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/record"
)

// Recorder writes one file per delivery into a directory (listen --record), readable by
// the owner only (bodies may hold personal data). Files are written atomically (temp
// file + rename) by workers; Write waits for its file, so a delivery's outcome is known
// before it is printed, and nothing that prints (a stdout nobody reads) holds a record
// back. A failure is counted, the first one is reported at once through the callback
// given to NewRecorder, and Close returns them all as an error.
type Recorder struct {
	dir          string
	run          string
	jobs         chan recordJob
	wg           sync.WaitGroup
	firstFailure func(error)

	mu      sync.Mutex
	seq     int
	written int
	failed  int
	err     error
}

type recordJob struct {
	name string
	data []byte
	done chan<- error
}

// NewRecorder creates dir if needed, readable by the owner only (file names reveal
// when deliveries came, from which provider, of which type), and starts workers
// writers. firstFailure, when not nil, is called once, with the first record that could
// not be written.
func NewRecorder(dir string, workers int, firstFailure func(error)) (*Recorder, error) {
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
	r := &Recorder{dir: dir, run: hex.EncodeToString(tag), jobs: make(chan recordJob, 1024), firstFailure: firstFailure}
	for i := 0; i < workers; i++ {
		r.wg.Add(1)
		go r.work()
	}
	return r, nil
}

// Dir is the directory records go to.
func (r *Recorder) Dir() string { return r.dir }

// errUnencodable is the failure of a record that has no JSON to write.
var errUnencodable = errors.New("the record could not be encoded as JSON")

// Write writes one record and returns the outcome; line is its JSON (Record.Marshal),
// with or without the newline the file ends with (Delivery.Line has it; Write keeps but
// never changes it, and is done with it when it returns). A nil line is a failure.
// Names sort by the time the delivery arrived, then by arrival order within this run.
func (r *Recorder) Write(rec *record.Record, line []byte) *record.Stored {
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
	name += ".json"
	var err error
	if len(line) == 0 {
		err = errUnencodable
		r.count(err)
	} else {
		data := line
		if line[len(line)-1] != '\n' {
			data = make([]byte, 0, len(line)+1)
			data = append(append(data, line...), '\n')
		}
		done := make(chan error, 1)
		r.jobs <- recordJob{name: name, data: data, done: done}
		err = <-done
	}
	if err != nil {
		return &record.Stored{Status: record.StoredFailed, Error: err.Error()}
	}
	return &record.Stored{Status: record.StoredWritten, File: name}
}

func (r *Recorder) work() {
	defer r.wg.Done()
	for j := range r.jobs {
		path, err := atomicfile.JoinInside(r.dir, j.name)
		if err == nil {
			err = atomicfile.WriteUnsynced(path, j.data, 0o600)
		}
		r.count(err)
		j.done <- err
	}
}

// count adds one outcome, and reports the first failure.
func (r *Recorder) count(err error) {
	r.mu.Lock()
	first := false
	if err != nil {
		r.failed++
		if r.err == nil {
			r.err, first = err, true
		}
	} else {
		r.written++
	}
	r.mu.Unlock()
	if first && r.firstFailure != nil {
		r.firstFailure(err)
	}
}

// RecordsLostError says how many records could not be written, and the first reason.
type RecordsLostError struct {
	Dir    string
	Failed int
	First  error
}

func (e *RecordsLostError) Error() string {
	return fmt.Sprintf("%d record(s) could not be written to %s", e.Failed, e.Dir)
}

func (e *RecordsLostError) Unwrap() error { return e.First }

// Close waits for every queued record, asks the OS to flush them to disk, and
// returns how many were written and, when some were not, a *RecordsLostError.
func (r *Recorder) Close() (written int, err error) {
	close(r.jobs)
	r.wg.Wait()
	ferr := atomicfile.Flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.written, &RecordsLostError{Dir: r.dir, Failed: r.failed, First: r.err}
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
