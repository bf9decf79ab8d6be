// Package jsontree is a JSON value that keeps object keys in their order, so whk can
// change a few fields of a provider's example (fresh ids, --set) and send the rest as
// the provider wrote it.
package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/jsonpointer"
)

// Object is a JSON object with ordered keys.
type Object struct {
	Keys   []string
	Values map[string]any
}

// Value is one of: *Object, []any, string, json.Number, bool, nil.

// Parse decodes JSON into ordered values; numbers stay json.Number so they round-trip.
func Parse(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &Object{Values: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o.Set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// Set sets a key, keeping its position when it exists.
func (o *Object) Set(k string, v any) {
	if _, ok := o.Values[k]; !ok {
		o.Keys = append(o.Keys, k)
	}
	o.Values[k] = v
}

// MarshalJSON writes the keys in order, without HTML escaping.
func (o *Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.Keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, err := Marshal(k)
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := Marshal(o.Values[k])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Marshal encodes a value compactly, keeping <, > and & as they are.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SetPath sets the value at a dot-separated path from the root ("payload.overallRisk",
// "events.0.type"). Missing object keys are created; array indexes must exist.
func SetPath(root any, path string, v any) (any, error) {
	if path == "" {
		return v, nil
	}
	segs := strings.Split(path, ".")
	var set func(cur any, i int) (any, error)
	set = func(cur any, i int) (any, error) {
		if i == len(segs) {
			return v, nil
		}
		seg := segs[i]
		switch c := cur.(type) {
		case *Object:
			child, err := set(c.Values[seg], i+1)
			if err != nil {
				return nil, err
			}
			c.Set(seg, child)
			return c, nil
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(c) {
				return nil, fmt.Errorf("%s: %q is not an index of an array of %d", strings.Join(segs[:i+1], "."), seg, len(c))
			}
			child, err := set(c[n], i+1)
			if err != nil {
				return nil, err
			}
			c[n] = child
			return c, nil
		case nil:
			o := &Object{Values: map[string]any{}}
			return set(o, i)
		default:
			return nil, fmt.Errorf("%s: cannot set a field inside a %s", strings.Join(segs[:i], "."), kind(cur))
		}
	}
	return set(root, 0)
}

// ParseSetValue reads a --set value: JSON when it parses (42, true, null, "42"), else
// the text as a string.
func ParseSetValue(s string) any {
	if v, err := Parse([]byte(s)); err == nil {
		return v
	}
	return s
}

// Field returns the value of a key; it lets jsonpointer.Resolve step into an Object.
func (o *Object) Field(name string) (any, bool) {
	v, ok := o.Values[name]
	return v, ok
}

// Get returns the values at a JSON pointer; see jsonpointer.Resolve ("*" matches every
// array element).
func Get(root any, pointer string) []any {
	return jsonpointer.Resolve(root, pointer)
}

// SetPointer replaces every existing value at a JSON pointer ("*" for all elements)
// with the result of fn. It returns how many values it replaced; the whole document
// and invalid pointers replace nothing.
func SetPointer(root any, pointer string, fn func(old any) any) int {
	segs, err := jsonpointer.Split(pointer)
	if err != nil || len(segs) == 0 {
		return 0
	}
	n := 0
	var walk func(cur any, i int)
	walk = func(cur any, i int) {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case *Object:
			v, ok := c.Values[segs[i]]
			if !ok {
				return
			}
			if last {
				c.Values[segs[i]] = fn(v)
				n++
				return
			}
			walk(v, i+1)
		case []any:
			for j := range c {
				if segs[i] != jsonpointer.Wildcard && segs[i] != strconv.Itoa(j) {
					continue
				}
				if last {
					c[j] = fn(c[j])
					n++
				} else {
					walk(c[j], i+1)
				}
			}
		}
	}
	walk(root, 0)
	return n
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	}
	return "value"
}
