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
	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/record"
)

// Recorder writes each delivery's record for listen --record: a DirRecorder (one file
// per delivery), a LogRecorder (one line per delivery in an append-only log) or a
// HARRecorder (one entry per delivery in a HAR document).
type Recorder interface {
	// Write writes one record and returns the outcome; line is its JSON
	// (Record.Marshal), with or without the newline a record ends with. Write keeps but
	// never changes line and is done with it when it returns. A nil line is a failure.
	// The first failure is reported at once through the callback the recorder was
	// made with.
	Write(rec *record.Record, line []byte) *record.Stored
	// Close waits for every record being written, flushes them, and returns how many
	// were written and, when some were not, a *RecordsLostError.
	Close() (written int, err error)
	// Path is where records go: the directory or the log file, as given.
	Path() string
}

// IsLogPath says whether --record PATH names an append-only log (a path ending in
// .ndjson or .jsonl, in any case) rather than a directory.
func IsLogPath(path string) bool { return input.IsStreamName(path) }

// NewRecorder opens the recorder path names: a LogRecorder for a log (IsLogPath), a
// HARRecorder for a HAR file (IsHARPath), a DirRecorder with one writer otherwise.
// firstFailure, when not nil, is called once, with the first record that could not be
// written.
func NewRecorder(path string, firstFailure func(error)) (Recorder, error) {
	return NewRecorderAs(path, "", "", firstFailure)
}

// Record formats: how --record-format names the recorders.
const (
	RecordDir = "dir"
	RecordLog = "ndjson"
	RecordHAR = "har"
)

// RecordFormats are the values --record-format takes.
var RecordFormats = []string{RecordDir, RecordLog, RecordHAR}

// RecordFormatOf is the format a --record path gets when none is given: ndjson for a
// path ending in .ndjson or .jsonl, har for .har, dir otherwise.
func RecordFormatOf(path string) string {
	switch {
	case IsLogPath(path):
		return RecordLog
	case IsHARPath(path):
		return RecordHAR
	}
	return RecordDir
}

// NewRecorderAs is NewRecorder with the format given (one of RecordFormats; "" means
// RecordFormatOf the path) and whk's version, which a HAR names as its creator's.
func NewRecorderAs(path, format, version string, firstFailure func(error)) (Recorder, error) {
	if format == "" {
		format = RecordFormatOf(path)
	}
	switch format {
	case RecordLog:
		return NewLogRecorder(path, firstFailure)
	case RecordHAR:
		return NewHARRecorder(path, version, firstFailure)
	case RecordDir:
	default:
		return nil, fmt.Errorf("unknown record format %q", format)
	}
	// One writer: files in one directory serialise on its lock in the kernel, and
	// more writers only spin on it (measured: 1 writer 18-19k req/s, 2 writers 17k,
	// 4 writers 16k on the listen benchmark).
	return NewDirRecorder(path, 1, firstFailure)
}

// DirRecorder writes one file per delivery into a directory (listen --record), readable by
// the owner only (bodies may hold personal data). Files are written atomically (temp
// file + rename) by workers; Write waits for its file, so a delivery's outcome is known
// before it is printed, and nothing that prints (a stdout nobody reads) holds a record
// back. A failure is counted, the first one is reported at once through the callback
// given to NewRecorder, and Close returns them all as an error.
type DirRecorder struct {
	dir  string
	run  string
	jobs chan recordJob
	wg   sync.WaitGroup
	tally

	mu  sync.Mutex
	seq int
}

type recordJob struct {
	name string
	data []byte
	done chan<- error
}

// NewDirRecorder creates dir if needed, readable by the owner only (file names reveal
// when deliveries came, from which provider, of which type), and starts workers
// writers. firstFailure, when not nil, is called once, with the first record that could
// not be written.
func NewDirRecorder(dir string, workers int, firstFailure func(error)) (*DirRecorder, error) {
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
	r := &DirRecorder{dir: dir, run: hex.EncodeToString(tag), jobs: make(chan recordJob, 1024), tally: tally{firstFailure: firstFailure}}
	for i := 0; i < workers; i++ {
		r.wg.Add(1)
		go r.work()
	}
	return r, nil
}

// Path is the directory records go to.
func (r *DirRecorder) Path() string { return r.dir }

// errUnencodable is the failure of a record that has no JSON to write.
var errUnencodable = errors.New("the record could not be encoded as JSON")

// Write writes one record into its own file, as Recorder.Write says. Names sort by the time the delivery arrived, then by arrival order within this run.
func (r *DirRecorder) Write(rec *record.Record, line []byte) *record.Stored {
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
		r.count(1, err)
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

func (r *DirRecorder) work() {
	defer r.wg.Done()
	for j := range r.jobs {
		path, err := atomicfile.JoinInside(r.dir, j.name)
		if err == nil {
			err = atomicfile.WriteUnsynced(path, j.data, 0o600)
		}
		r.count(1, err)
		j.done <- err
	}
}

// tally counts a recorder's outcomes and reports the first failure at once.
type tally struct {
	firstFailure func(error)

	mu      sync.Mutex
	written int
	failed  int
	err     error
}

// count adds n records' outcome, and reports the first failure.
func (t *tally) count(n int, err error) {
	t.mu.Lock()
	first := false
	if err != nil {
		t.failed += n
		if t.err == nil {
			t.err, first = err, true
		}
	} else {
		t.written += n
	}
	t.mu.Unlock()
	if first && t.firstFailure != nil {
		t.firstFailure(err)
	}
}

// result is what Close returns: the records written and a *RecordsLostError when some
// were not, else flushErr.
func (t *tally) result(path string, flushErr error) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.written, &RecordsLostError{Path: path, Failed: t.failed, First: t.err}
	}
	return t.written, flushErr
}

// RecordsLostError says how many records could not be written, and the first reason.
type RecordsLostError struct {
	// Path is the recorder's directory or log file.
	Path   string
	Failed int
	First  error
}

func (e *RecordsLostError) Error() string {
	return fmt.Sprintf("%d record(s) could not be written to %s", e.Failed, e.Path)
}

func (e *RecordsLostError) Unwrap() error { return e.First }

// Close waits for every queued record, asks the OS to flush them to disk, and
// returns how many were written and, when some were not, a *RecordsLostError.
func (r *DirRecorder) Close() (written int, err error) {
	close(r.jobs)
	r.wg.Wait()
	return r.result(r.dir, atomicfile.Flush())
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
