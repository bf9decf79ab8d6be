// Package jsonpointer reads and writes JSON pointers (RFC 6901), the one place whk
// escapes, splits and resolves them: catalog paths, schema problem locations and the
// lines validate points at all go through it.
package jsonpointer

import (
	"errors"
	"strconv"
	"strings"
)

// Wildcard is whk's one extension to RFC 6901: as a whole token it matches every
// element of an array (Oneflow carries several events in one body: /events/*/type).
// On an object it is the plain key "*", so a resolution never depends on map order.
const Wildcard = "*"

// ErrSyntax reports a pointer that is neither empty nor starts with "/", or a "~" not
// followed by "0" or "1".
var ErrSyntax = errors.New("invalid JSON pointer")

// Escape encodes one reference token: "~" becomes "~0" and "/" becomes "~1".
func Escape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// Unescape decodes one reference token; "~01" is "~1", not "/", because "~1" is
// decoded before "~0" would be (RFC 6901 section 4).
func Unescape(token string) (string, error) {
	if !strings.Contains(token, "~") {
		return token, nil
	}
	var b strings.Builder
	b.Grow(len(token))
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(token) {
			return "", ErrSyntax
		}
		switch token[i+1] {
		case '0':
			b.WriteByte('~')
		case '1':
			b.WriteByte('/')
		default:
			return "", ErrSyntax
		}
		i++
	}
	return b.String(), nil
}

// Split decodes a pointer into its reference tokens: "" (the whole document) has none,
// "/" has one empty token (the key ""), "/a~1b/0" has "a/b" and "0".
func Split(pointer string) ([]string, error) {
	if pointer == "" {
		return nil, nil
	}
	if pointer[0] != '/' {
		return nil, ErrSyntax
	}
	tokens := strings.Split(pointer[1:], "/")
	for i, t := range tokens {
		u, err := Unescape(t)
		if err != nil {
			return nil, err
		}
		tokens[i] = u
	}
	return tokens, nil
}

// Join builds a pointer from reference tokens, escaping each; no tokens is "".
func Join(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Append adds one reference token to a pointer.
func Append(pointer, token string) string {
	return pointer + "/" + Escape(token)
}

// Object is an ordered JSON object (jsontree's) that Resolve can step into as it does
// a map[string]any.
type Object interface {
	Field(name string) (any, bool)
}

// Resolve returns the values at pointer in a decoded document (map[string]any or
// Object, []any, scalars), in document order; Wildcard matches every array element.
// A pointer that resolves nowhere, or is not a valid pointer, matches nothing.
func Resolve(doc any, pointer string) []any {
	tokens, err := Split(pointer)
	if err != nil {
		return nil
	}
	cur := []any{doc}
	for _, t := range tokens {
		var next []any
		for _, v := range cur {
			switch v := v.(type) {
			case map[string]any:
				if x, ok := v[t]; ok {
					next = append(next, x)
				}
			case Object:
				if x, ok := v.Field(t); ok {
					next = append(next, x)
				}
			case []any:
				if t == Wildcard {
					next = append(next, v...)
				} else if i, ok := Index(t, len(v)); ok {
					next = append(next, v[i])
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		cur = next
	}
	return cur
}

// Index reads an array index token: decimal digits without a leading zero (RFC 6901
// section 4), below n.
func Index(token string, n int) (int, bool) {
	if token == "" || len(token) > 1 && token[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(token); i++ {
		if token[i] < '0' || token[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(token)
	if err != nil || i >= n {
		return 0, false
	}
	return i, true
}
