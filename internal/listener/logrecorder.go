package listener

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/whk-cli/whk/internal/record"
)

// LogRecorder appends one line per delivery to a log (listen --record FILE.ndjson):
// the same record as a DirRecorder's file, in the order Write was called, in a file
// readable by the owner only and opened for appending, so an existing log grows and is
// never cut. Writes are grouped: while one batch goes to the file, the records that
// arrive wait for the next, and each Write returns once its batch is in the file. So a
// record is readable before its delivery is answered (nothing waits in whk's memory
// for a flush), and one write call carries many records under load.
//
// A batch that is written in part (a full disk) leaves a torn line: the next batch
// starts on a new line, so a reader finds one bad line and the records after it. A log
// that ends in a torn line from an earlier run is treated the same way.
type LogRecorder struct {
	path string
	name string
	f    logFile
	tally

	mu     sync.Mutex
	next   *logBatch // the records waiting for the writer
	closed bool
	kick   chan struct{}

	// The writer's own.
	stopped chan struct{}
	torn    bool // the file may end in a partial line
	spare   *logBatch
}

// logFile is what a LogRecorder needs of its file (a test gives one that fails).
type logFile interface {
	io.Writer
	Sync() error
	Close() error
}

// logBatch is the records one write call carries.
type logBatch struct {
	buf  []byte
	ends []int // where each record's line ends in buf
	done chan struct{}
	// Set before done is closed: the records written whole, and why the rest were not.
	written int
	err     error
}

// maxSpare bounds the batch buffer kept for reuse: a batch of large bodies is let go.
const maxSpare = 1 << 20

// errRecorderClosed is the failure of a record written after Close.
var errRecorderClosed = errors.New("the recorder is closed")

// NewLogRecorder opens the log at path for appending, creating it readable by the
// owner only (and its directory, if missing, likewise). firstFailure, when not nil, is
// called once, with the first record that could not be written.
func NewLogRecorder(path string, firstFailure func(error)) (*LogRecorder, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// A FIFO or device would block the open or never hold the records.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	torn, err := endsTorn(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return newLogRecorder(path, f, torn, firstFailure), nil
}

// endsTorn says whether f is not empty and does not end with a newline.
func endsTorn(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if !st.Mode().IsRegular() {
		return false, fmt.Errorf("%s is not a regular file", f.Name())
	}
	if st.Size() == 0 {
		return false, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

func newLogRecorder(path string, f logFile, torn bool, firstFailure func(error)) *LogRecorder {
	r := &LogRecorder{
		path: path, name: filepath.Base(path), f: f, tally: tally{firstFailure: firstFailure},
		next: newBatch(nil), kick: make(chan struct{}, 1), stopped: make(chan struct{}), torn: torn,
	}
	go r.run()
	return r
}

func newBatch(reuse *logBatch) *logBatch {
	if reuse == nil {
		return &logBatch{done: make(chan struct{})}
	}
	return &logBatch{buf: reuse.buf[:0], ends: reuse.ends[:0], done: make(chan struct{})}
}

// Path is the log records go to.
func (r *LogRecorder) Path() string { return r.path }

// Write appends one record's line, as Recorder.Write says, and returns once the line
// is in the file or could not be written.
func (r *LogRecorder) Write(rec *record.Record, line []byte) *record.Stored {
	line = bytes.TrimSuffix(line, []byte("\n"))
	var err error
	switch {
	case len(line) == 0:
		err = errUnencodable
	case bytes.IndexByte(line, '\n') >= 0:
		// Compact JSON has none; one would split the record into two bad lines.
		err = errors.New("the record's JSON holds a line break")
	}
	if err != nil {
		r.count(1, err)
		return &record.Stored{Status: record.StoredFailed, Error: err.Error()}
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.count(1, errRecorderClosed)
		return &record.Stored{Status: record.StoredFailed, Error: errRecorderClosed.Error()}
	}
	b := r.next
	b.buf = append(append(b.buf, line...), '\n')
	b.ends = append(b.ends, len(b.buf))
	i := len(b.ends) - 1
	select {
	case r.kick <- struct{}{}:
	default: // the writer is already told
	}
	r.mu.Unlock()
	<-b.done
	if i < b.written {
		return &record.Stored{Status: record.StoredWritten, File: r.name}
	}
	return &record.Stored{Status: record.StoredFailed, Error: b.err.Error()}
}

// run is the writer: it writes the waiting records each time it is told there are
// some, and once more after Close.
func (r *LogRecorder) run() {
	defer close(r.stopped)
	for range r.kick {
		r.flush()
	}
	r.flush()
}

// flush writes the waiting records in one call and tells their Writes how it went.
func (r *LogRecorder) flush() {
	r.mu.Lock()
	b := r.next
	if len(b.ends) == 0 {
		r.mu.Unlock()
		return
	}
	r.next = newBatch(r.spare)
	r.spare = nil
	r.mu.Unlock()

	var err error
	if r.torn {
		// End the torn line, so this batch's first record starts a line of its own.
		if _, err = r.f.Write([]byte{'\n'}); err == nil {
			r.torn = false
		}
	}
	n := 0
	if err == nil {
		n, err = r.f.Write(b.buf)
		if err == nil && n < len(b.buf) {
			err = io.ErrShortWrite
		}
		if n > 0 {
			r.torn = b.buf[n-1] != '\n'
		}
	}
	for b.written < len(b.ends) && b.ends[b.written] <= n {
		b.written++
	}
	b.err = err
	r.count(b.written, nil)
	if failed := len(b.ends) - b.written; failed > 0 {
		r.count(failed, err)
	}
	close(b.done)
	if cap(b.buf) <= maxSpare {
		r.spare = b
	}
}

// Close waits for the records being written, asks the OS to put the log on disk, and
// returns how many were written and, when some were not, a *RecordsLostError.
func (r *LogRecorder) Close() (written int, err error) {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.kick)
	}
	r.mu.Unlock()
	<-r.stopped
	ferr := r.f.Sync()
	if cerr := r.f.Close(); ferr == nil {
		ferr = cerr
	}
	return r.result(r.path, ferr)
}
