package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxDepth is encoding/json's own nesting limit; its scanner checks it before decoding,
// so a body nested 100,000 levels deep costs one linear pass and no deep recursion.
const maxDepth = 10000

// inputError is bad bytes at a byte offset of the item.
type inputError struct {
	msg    string
	offset int64 // -1 when the error has no position
}

func (e *inputError) Error() string { return e.msg }

// decode checks that data is one JSON value in valid UTF-8 and decodes it.
func decode(data []byte) (any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &inputError{"empty: no JSON value", -1}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &inputError{"binary data, not JSON: a NUL byte", int64(i)}
	}
	if !utf8.Valid(data) {
		return nil, &inputError{"invalid UTF-8", int64(firstInvalidUTF8(data))}
	}
	if v, ok := parse(data); ok {
		return v, nil
	}
	// The fast parser only says no: ask encoding/json what is wrong.
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			msg := se.Error()
			if strings.Contains(msg, "exceeded max depth") {
				msg = fmt.Sprintf("nested more than %d levels deep", maxDepth)
			}
			if msg == "unexpected end of JSON input" {
				return nil, &inputError{"malformed JSON: unexpected end of input", int64(len(data))}
			}
			return nil, &inputError{"malformed JSON: " + msg, se.Offset - 1}
		case errors.As(err, &te):
			return nil, &inputError{fmt.Sprintf("%s is out of range", te.Value), te.Offset - 1}
		}
		return nil, &inputError{"malformed JSON: " + err.Error(), -1}
	}
	return v, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// decodeProblem turns a decode error into a problem with its position: the line and
// column in a whole file, the column in an NDJSON line (whose line is ndjsonLine).
func decodeProblem(err error, data []byte, ndjsonLine int) Problem {
	var ie *inputError
	if !errors.As(err, &ie) {
		return Problem{Message: err.Error(), Line: ndjsonLine}
	}
	if ie.offset < 0 {
		return Problem{Message: ie.msg, Line: ndjsonLine}
	}
	line, col := position(data, int(ie.offset))
	if ndjsonLine > 0 {
		return Problem{Message: fmt.Sprintf("%s (column %d)", ie.msg, col), Line: ndjsonLine}
	}
	return Problem{Message: fmt.Sprintf("%s (line %d, column %d)", ie.msg, line, col), Line: line}
}

// position is the 1-based line and column (in bytes) of a byte offset.
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}
