package listener

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/record"
)

// HARRecorder writes deliveries as the entries of one HAR 1.2 document (listen --record
// FILE.har): the request as it came (secrets redacted, as in every record), the answer
// whk or the --forward-to app gave, the timings, and whk's verdicts in "_whk". The file
// is a whole document after every delivery: an entry is written over the document's
// closing bytes together with them, in one write at the end of the file, so a reader
// (a browser's HAR viewer, whk replay) never needs listen to stop first, and a new
// delivery costs one write, not a rewrite of the file (a HAR rewritten atomically per
// delivery would cost the whole file each time: quadratic over a day of deliveries).
// Write returns once the entry is in the file, before its delivery is answered.
//
// A write that fails (a full disk) puts the closing bytes back, so the document stays
// whole without that entry, which is reported as lost. A file that already holds a HAR
// this recorder wrote gains entries; any other file is refused, never cut.
type HARRecorder struct {
	path string
	name string
	f    harFile
	now  func() time.Time
	tally

	mu      sync.Mutex
	origin  string
	end     int64 // where the closing bytes start
	entries bool  // the document holds an entry: the next one needs a comma
	closed  bool
}

// harFile is what a HARRecorder needs of its file once open (a test gives one that
// fails).
type harFile interface {
	io.WriterAt
	Truncate(size int64) error
	Sync() error
	Close() error
}

// IsHARPath says whether --record PATH names a HAR file (a path ending in .har, in any
// case).
func IsHARPath(path string) bool { return input.IsHARName(path) }

// NewHARRecorder opens the HAR document at path, creating it readable by the owner only
// (and its directory likewise), with version as the creator's version. firstFailure,
// when not nil, is called once, with the first record that could not be written.
func NewHARRecorder(path, version string, firstFailure func(error)) (*HARRecorder, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	// The listener gives its own origin (setOrigin); HAR wants an absolute URL anyway.
	r := &HARRecorder{path: path, name: filepath.Base(path), f: f, now: time.Now, origin: "http://localhost", tally: tally{firstFailure: firstFailure}}
	if err := r.open(f, version); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// open finds where entries go: after the head of a new document, or before the closing
// bytes of one this recorder wrote before.
func (r *HARRecorder) open(f *os.File, version string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", r.path)
	}
	head, tail := record.HARHead(version), []byte(record.HARTail)
	if st.Size() == 0 {
		doc := append(append([]byte(nil), head...), tail...)
		if _, err := f.WriteAt(doc, 0); err != nil {
			return err
		}
		r.end = int64(len(head))
		return nil
	}
	const whkHead = `{"log":{"version":"1.2","creator":{"name":"whk"`
	start := make([]byte, len(whkHead))
	end := make([]byte, len(tail)+1)
	if st.Size() < int64(len(whkHead)+len(end)) {
		return errNotWhkHAR
	}
	if _, err := f.ReadAt(start, 0); err != nil {
		return err
	}
	if _, err := f.ReadAt(end, st.Size()-int64(len(end))); err != nil {
		return err
	}
	if string(start) != whkHead || !bytes.Equal(end[1:], tail) {
		return errNotWhkHAR
	}
	r.end = st.Size() - int64(len(tail))
	r.entries = end[0] == '}'
	return nil
}

// errNotWhkHAR refuses a file listen did not write: adding to it would mean rewriting
// what someone else wrote.
var errNotWhkHAR = errors.New("it holds something other than a HAR that whk listen wrote; name a new file")

// setOrigin is the listener's scheme and host, which a HAR entry's URL needs.
func (r *HARRecorder) setOrigin(origin string) {
	r.mu.Lock()
	r.origin = origin
	r.mu.Unlock()
}

// Path is the HAR file records go to.
func (r *HARRecorder) Path() string { return r.path }

// Write adds one delivery's entry, as Recorder.Write says; line only tells whether the
// record could be encoded.
func (r *HARRecorder) Write(rec *record.Record, line []byte) *record.Stored {
	err := r.write(rec, line)
	r.count(1, err)
	if err != nil {
		return &record.Stored{Status: record.StoredFailed, Error: err.Error()}
	}
	return &record.Stored{Status: record.StoredWritten, File: r.name}
}

func (r *HARRecorder) write(rec *record.Record, line []byte) error {
	if len(line) == 0 {
		return errUnencodable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errRecorderClosed
	}
	entry, err := record.MarshalHAREntry(record.NewHAREntry(rec, r.origin, r.now().Sub(rec.ReceivedAt)))
	if err != nil {
		return errUnencodable
	}
	buf := make([]byte, 0, len(entry)+len(record.HARTail)+2)
	if r.entries {
		buf = append(buf, ",\n"...)
	}
	buf = append(append(buf, entry...), record.HARTail...)
	n, err := r.f.WriteAt(buf, r.end)
	if err == nil && n < len(buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		// Put the closing bytes back over what was written in part (their blocks are
		// the file's already, so this write needs no new space) and cut the rest.
		if _, terr := r.f.WriteAt([]byte(record.HARTail), r.end); terr == nil {
			r.f.Truncate(r.end + int64(len(record.HARTail)))
		}
		return err
	}
	r.end += int64(len(buf) - len(record.HARTail))
	r.entries = true
	return nil
}

// Close asks the OS to put the document on disk and returns how many entries were
// written and, when some were not, a *RecordsLostError.
func (r *HARRecorder) Close() (written int, err error) {
	r.mu.Lock()
	first := !r.closed
	r.closed = true
	r.mu.Unlock()
	var ferr error
	if first {
		ferr = r.f.Sync()
		if cerr := r.f.Close(); ferr == nil {
			ferr = cerr
		}
	}
	return r.result(r.path, ferr)
}
