package jsonvalue

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Parse decodes one JSON value into the same Go values as encoding/json does into an
// `any` (map[string]any, []any, string, float64, bool, nil), in one pass and with fewer
// allocations: decoding is a third of the cost of checking a delivery. It reports only
// that the input is bad; Decode then asks encoding/json for the exact error, so the
// messages stay the standard library's. FuzzParse holds the two to the same results.
// Invalid UTF-8 inside strings is not checked here (Decode refuses it first).
//
// Allocations are what it saves: the input is copied to a string once, and every key
// and escape-free string value is a substring of it; objects and arrays are collected
// on a scratch stack and allocated at their final size.
func Parse(data []byte) (any, bool) {
	p := parser{data: data, src: string(data)}
	p.ws()
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.ws()
	return v, p.i == len(p.data)
}

type parser struct {
	data    []byte
	src     string // data as a string, for substrings
	i       int
	members []member // scratch stack of object members being read
	items   []any    // scratch stack of array items being read
}

type member struct {
	k string
	v any
}

func (p *parser) ws() { p.i = SkipSpace(p.data, p.i) }

// SkipSpace returns the index of the first byte at or after i that is not JSON white
// space (len(data) when there is none).
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// next reads what follows a member or element: true after a comma (and the space after
// it), false after close; ok is false for anything else or the end of the input.
func (p *parser) next(close byte) (more, ok bool) {
	p.ws()
	if p.i >= len(p.data) {
		return false, false
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		p.ws()
		return true, true
	case close:
		p.i++
		return false, true
	}
	return false, false
}

func (p *parser) value(depth int) (any, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, ok := p.string()
		return s, ok
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, false
}

func (p *parser) literal(s string) bool {
	if len(p.data)-p.i < len(s) || string(p.data[p.i:p.i+len(s)]) != s {
		return false
	}
	p.i += len(s)
	return true
}

func (p *parser) object(depth int) (any, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	p.i++ // {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return map[string]any{}, true
	}
	mark := len(p.members)
	defer func() { p.members = p.members[:mark] }()
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		k, ok := p.string()
		if !ok {
			return nil, false
		}
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.ws()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.members = append(p.members, member{k, v})
		more, ok := p.next('}')
		if !ok {
			return nil, false
		}
		if !more {
			ms := p.members[mark:]
			m := make(map[string]any, len(ms))
			for _, kv := range ms {
				m[kv.k] = kv.v // a repeated key: the last one wins, as in encoding/json
			}
			return m, true
		}
	}
}

func (p *parser) array(depth int) (any, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	p.i++ // [
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return []any{}, true
	}
	mark := len(p.items)
	defer func() { p.items = p.items[:mark] }()
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.items = append(p.items, v)
		more, ok := p.next(']')
		if !ok {
			return nil, false
		}
		if !more {
			return append([]any(nil), p.items[mark:]...), true
		}
	}
}

// string reads a string; the input is known to be valid UTF-8.
func (p *parser) string() (string, bool) {
	start := p.i + 1
	for j := start; j < len(p.data); j++ {
		switch c := p.data[j]; {
		case c == '"':
			p.i = j + 1
			return p.src[start:j], true
		case c == '\\':
			return p.escaped(start, j)
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// escaped finishes a string that has escapes, from its first backslash at j.
func (p *parser) escaped(start, j int) (string, bool) {
	buf := make([]byte, 0, j-start+16)
	buf = append(buf, p.data[start:j]...)
	for j < len(p.data) {
		c := p.data[j]
		switch {
		case c == '"':
			p.i = j + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c != '\\':
			buf = append(buf, c)
			j++
			continue
		}
		if j+1 >= len(p.data) {
			return "", false
		}
		switch e := p.data[j+1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(p.data, j+2)
			if !ok {
				return "", false
			}
			j += 6
			if utf16.IsSurrogate(r) {
				// A pair decodes to one rune; a lone half becomes U+FFFD, as in encoding/json.
				if r2, ok := hex4(p.data, j+2); ok && j+1 < len(p.data) && p.data[j] == '\\' && p.data[j+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						buf = utf8.AppendRune(buf, dec)
						j += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
			continue
		default:
			return "", false
		}
		j += 2
	}
	return "", false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number with JSON's grammar and converts it as encoding/json does.
func (p *parser) number() (any, bool) {
	start := p.i
	d := p.data
	i := p.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.i = i
	f, err := strconv.ParseFloat(p.src[start:i], 64)
	if err != nil {
		return nil, false
	}
	return f, true
}
