package validation

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMaxSize bounds a whole file and one NDJSON line (10 MiB, listen's --max-body).
const DefaultMaxSize = 10 << 20

// PathError is a path named on the command line that cannot be read.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string {
	if errors.Is(e.Err, fs.ErrNotExist) {
		return fmt.Sprintf("%s: no such file or directory", e.Path)
	}
	if errors.Is(e.Err, fs.ErrPermission) {
		return fmt.Sprintf("%s: permission denied", e.Path)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *PathError) Unwrap() error { return e.Err }

// checkPaths makes sure every path named on the command line exists, before anything
// is checked, so a typo fails fast.
func checkPaths(paths []string) error {
	stdin := 0
	for _, p := range paths {
		if p == "-" {
			if stdin++; stdin > 1 {
				return &PathError{"-", errors.New("stdin named twice")}
			}
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return &PathError{p, err}
		}
	}
	return nil
}

// isStreamName says whether a file holds one delivery per line by its extension.
func isStreamName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".ndjson" || ext == ".jsonl"
}

// isInputName says whether a file found in a directory is one to check.
func isInputName(name string) bool {
	return isStreamName(name) || strings.EqualFold(filepath.Ext(name), ".json")
}

// walk calls file for each input file under dir, in lexical order, skipping hidden
// directories (.git and the like). Unreadable entries go to bad.
func walk(dir string, file func(path string) bool, bad func(path string, err error) bool) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !bad(path, err) {
				return filepath.SkipAll
			}
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return nil // WalkDir does not follow links to directories; neither do we
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if isInputName(d.Name()) && !file(path) {
			return filepath.SkipAll
		}
		return nil
	})
}

// readFile reads a whole file of at most max bytes into buf (reused across calls on
// one worker) and returns it.
func readFile(path string, max int64, buf []byte) ([]byte, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, &tooLargeError{max}
		}
		if err == io.EOF || (n == 0 && err == nil) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

type tooLargeError struct{ max int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("larger than %s (name it .ndjson if it holds one delivery per line)", sizeString(e.max))
}

func sizeString(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileItems splits a whole file into items: one, or one per line when the file turns
// out to be NDJSON (several lines, the first of which is a JSON value on its own).
func fileItems(source string, data []byte) []Item {
	if !looksLikeStream(data) {
		return []Item{{Source: source, Data: data}}
	}
	var items []Item
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		items = append(items, Item{Source: source, Line: line, Data: bytes.TrimRight(l, "\r")})
	}
	return items
}

func looksLikeStream(data []byte) bool {
	i := bytes.IndexByte(data, '\n')
	if i < 0 || len(bytes.TrimSpace(data[i+1:])) == 0 {
		return false
	}
	first := bytes.TrimSpace(data[:i])
	return len(first) > 0 && json.Valid(first)
}

// lineReader reads an NDJSON stream line by line, with 1-based line numbers, bounding
// the length of a line.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int
	long []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its line ending, its number, and whether it was
// cut for being longer than max. The bytes are valid until the next call.
func (lr *lineReader) next() (line []byte, n int, tooLong bool, err error) {
	lr.line++
	b, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			if len(lr.long) <= lr.max {
				lr.long = append(lr.long, b...)
			}
		}
		b = lr.long
	}
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	if err != nil {
		return nil, lr.line, false, err
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) > lr.max {
		return nil, lr.line, true, nil
	}
	return b, lr.line, false, nil
}

// buffered reports whether a line can be read without blocking on the source.
func (lr *lineReader) buffered() bool { return lr.br.Buffered() > 0 }
