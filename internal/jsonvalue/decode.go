// Package jsonvalue decodes JSON bodies into encoding/json's values (map[string]any,
// []any, string, float64, bool, nil) with a fast one-pass parser, and says what is wrong
// with the bytes it refuses, at which offset. `whk validate` and `whk listen` both
// decode every body with it.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDepth is encoding/json's own nesting limit; its scanner checks it before decoding,
// so a body nested 100,000 levels deep costs one linear pass and no deep recursion.
const MaxDepth = 10000

// Error is bad bytes, at a byte offset of the input.
type Error struct {
	Msg string
	// Offset is where the problem is, -1 when it has no position (an empty input).
	Offset int64
}

func (e *Error) Error() string { return e.Msg }

// Decode checks that data is one JSON value in valid UTF-8 and decodes it. Every
// refusal is an *Error: empty input, a NUL byte (binary data), invalid UTF-8 (which
// encoding/json would accept, replacing the bad bytes), malformed JSON, nesting deeper
// than MaxDepth, a number out of float64's range.
func Decode(data []byte) (any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{"empty: no JSON value", -1}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &Error{"binary data, not JSON: a NUL byte", int64(i)}
	}
	if !utf8.Valid(data) {
		return nil, &Error{"invalid UTF-8", int64(firstInvalidUTF8(data))}
	}
	if v, ok := Parse(data); ok {
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
				msg = fmt.Sprintf("nested more than %d levels deep", MaxDepth)
			}
			if msg == "unexpected end of JSON input" {
				return nil, &Error{"malformed JSON: unexpected end of input", int64(len(data))}
			}
			return nil, &Error{"malformed JSON: " + msg, se.Offset - 1}
		case errors.As(err, &te):
			return nil, &Error{fmt.Sprintf("%s is out of range", te.Value), te.Offset - 1}
		}
		return nil, &Error{"malformed JSON: " + err.Error(), -1}
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
