package input

import (
	"bufio"
	"bytes"
	"io"
)

// LineReader reads an NDJSON stream line by line, with 1-based line numbers, bounding
// the length of a line: a longer line is reported, never cut or merged with the next.
type LineReader struct {
	br   *bufio.Reader
	max  int
	line int
	long []byte
}

// NewLineReader reads lines of at most max bytes from r.
func NewLineReader(r io.Reader, max int) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Next returns the next line without its line ending, its number, and whether it was
// longer than max (then line is nil). The bytes are valid until the next call. At
// the end it returns io.EOF.
func (lr *LineReader) Next() (line []byte, n int, tooLong bool, err error) {
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

// Buffered reports whether a line can be read without blocking on the source.
func (lr *LineReader) Buffered() bool { return lr.br.Buffered() > 0 }

// Rest is what has not been read yet: the buffered bytes, then the source.
func (lr *LineReader) Rest() io.Reader { return lr.br }
