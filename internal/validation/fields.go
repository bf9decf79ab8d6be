package validation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsonpointer"
)

// shape is what the catalog knows of a JSON value: the fields of an object, the shape
// of an array's items. Only closed objects (the catalog lists their fields) have
// unknown fields; the strict schemas draw the same line (unevaluatedProperties: false
// on every object with listed fields).
type shape struct {
	closed bool
	props  map[string]*shape
	items  *shape
}

// fieldIndex caches one shape per provider and event.
type fieldIndex struct {
	// shapes maps an event (*catalog.Event), or a provider (*catalog.Provider) for its
	// envelope alone, to its *shape. Pointer keys go into the map's interface without
	// an allocation: this runs for every delivery listen receives.
	shapes sync.Map
}

func newFieldIndex() *fieldIndex { return &fieldIndex{} }

// unknown lists the fields of doc that the catalog does not know for event e of p (or
// for p's envelope when e is nil), sorted by pointer.
func (x *fieldIndex) unknown(p *catalog.Provider, e *catalog.Event, doc any) []Problem {
	if len(p.Events) == 0 {
		// A provider without an event list (Standard Webhooks) has a free-form body.
		return nil
	}
	var k any = p
	if e != nil {
		k = e
	}
	s, ok := x.shapes.Load(k)
	if !ok {
		s, _ = x.shapes.LoadOrStore(k, buildShape(p, e))
	}
	var out []Problem
	var path [8]string
	walkShape(s.(*shape), doc, path[:0], &out)
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Pointer, b.Pointer) })
	return out
}

func buildShape(p *catalog.Provider, e *catalog.Event) *shape {
	root := objectShape(p.Envelope)
	if e == nil || !e.Documented || len(e.Fields) == 0 {
		return root
	}
	cur := root
	for _, seg := range strings.Split(strings.Trim(p.PayloadAt, "/"), "/") {
		if seg == "" {
			continue
		}
		if cur.props == nil {
			cur.props = map[string]*shape{}
		}
		next := cur.props[seg]
		if next == nil {
			next = &shape{}
			cur.props[seg] = next
		}
		cur = next
	}
	cur.closed = true
	if cur.props == nil {
		cur.props = map[string]*shape{}
	}
	for _, f := range e.Fields {
		cur.props[f.Name] = fieldShape(f)
	}
	return root
}

func objectShape(fields []catalog.Field) *shape {
	s := &shape{closed: len(fields) > 0, props: map[string]*shape{}}
	for _, f := range fields {
		s.props[f.Name] = fieldShape(f)
	}
	return s
}

func fieldShape(f catalog.Field) *shape {
	switch {
	case f.Type == "object":
		return objectShape(f.Fields)
	case f.Type == "array" && f.Items != nil:
		return &shape{items: fieldShape(*f.Items)}
	}
	return &shape{}
}

// walkShape reports the fields of v that s does not know. path holds the keys and
// indexes down to v; a pointer is only built for a field that is reported.
func walkShape(s *shape, v any, path []string, out *[]Problem) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			child, known := s.props[k]
			if !known {
				if s.closed {
					*out = append(*out, Problem{Pointer: jsonpointer.Join(append(path, k)...), Message: fmt.Sprintf("field %q is not in the catalog", k)})
				}
				continue
			}
			if child.props != nil || child.items != nil {
				walkShape(child, val, append(path, k), out)
			}
		}
	case []any:
		if s.items == nil {
			return
		}
		for i, el := range v {
			walkShape(s.items, el, append(path, strconv.Itoa(i)), out)
		}
	}
}
