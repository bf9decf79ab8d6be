// Package input finds and reads deliveries for validate, replay and verify: the
// directory walk, bounded reads of files and stdin, and sniffing what a file holds
// (one JSON document, NDJSON lines, a raw HTTP request or a HAR capture). It imports nothing of whk,
// so the catalog loader and the key readers can use its bounded reads too.
package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// DefaultMaxSize bounds a whole file, stdin and one NDJSON line (10 MiB, listen's
// --max-body).
const DefaultMaxSize = 10 << 20

// ErrNotRegular is a file that is not a regular file (a FIFO, a device, a socket):
// reading one may never end.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is an input over its size limit. It is never silently cut short.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string { return "larger than " + SizeString(e.Max) }

// SizeString writes a limit the way a user gave it: "10 MiB" or "1500 bytes".
func SizeString(n int64) string {
	if n > 0 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n > 0 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadAll reads all of r, which must hold at most max bytes (DefaultMaxSize when max
// is 0 or less).
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxSize
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &TooLargeError{max}
	}
	return b, nil
}

// ReadFile reads a file of at most max bytes (DefaultMaxSize when max is 0 or less).
// It never blocks on opening a FIFO; a named FIFO or device (process substitution,
// /dev/stdin) is read up to max, a directory is refused. Files found by walking a
// directory go through Walk, which passes regular files only.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if st.Mode().IsRegular() && max > 0 && st.Size() > max {
		return nil, &TooLargeError{max}
	}
	return ReadAll(f, max)
}

// ReadRegular is ReadFile for a file that must be a regular file: one named in a
// directory someone else may write to (a catalog directory).
func ReadRegular(fsys fs.FS, name string, max int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	if max <= 0 {
		max = DefaultMaxSize
	}
	if st.Size() > max {
		return nil, &TooLargeError{max}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, max)
}

// Reader reads the regular files Walk finds, one after another, reusing one buffer. It
// skips the stat a general open costs, which matters at twenty thousand small files.
type Reader struct {
	buf []byte
}

// Read reads a whole regular file of at most max bytes. The bytes are valid until the
// next call.
func (r *Reader) Read(path string, max int64) ([]byte, error) {
	if r.buf == nil {
		r.buf = make([]byte, 0, 16<<10)
	}
	f, err := openRaw(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := r.buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, &TooLargeError{max}
		}
		if err == io.EOF || (n == 0 && err == nil) {
			if cap(buf) > cap(r.buf) && cap(buf) <= 1<<20 {
				r.buf = buf[:0] // keep a grown buffer, unless it is huge
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
