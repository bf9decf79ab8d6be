package validation

import (
	"fmt"
	"sort"
	"strconv"
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
	shapes sync.Map // shapeKey -> *shape
}

type shapeKey struct {
	p *catalog.Provider
	e *catalog.Event
}

func newFieldIndex() *fieldIndex { return &fieldIndex{} }

// unknown lists the fields of doc that the catalog does not know for event e of p (or
// for p's envelope when e is nil), sorted by pointer.
func (x *fieldIndex) unknown(p *catalog.Provider, e *catalog.Event, doc any) []Problem {
	if len(p.Events) == 0 {
		// A provider without an event list (Standard Webhooks) has a free-form body.
		return nil
	}
	k := shapeKey{p, e}
	s, ok := x.shapes.Load(k)
	if !ok {
		s, _ = x.shapes.LoadOrStore(k, buildShape(p, e))
	}
	var out []Problem
	walkShape(s.(*shape), doc, "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

func buildShape(p *catalog.Provider, e *catalog.Event) *shape {
	root := objectShape(p.Envelope)
	if e == nil || !e.Documented || len(e.Fields) == 0 {
		return root
	}
	cur := root
	segs, _ := jsonpointer.Split(p.PayloadAt) // checked by catalog.Load
	for _, seg := range segs {
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

func walkShape(s *shape, v any, ptr string, out *[]Problem) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			child, known := s.props[k]
			if !known {
				if s.closed {
					*out = append(*out, Problem{Pointer: jsonpointer.Append(ptr, k), Message: fmt.Sprintf("field %q is not in the catalog", k)})
				}
				continue
			}
			if child.props != nil || child.items != nil {
				walkShape(child, val, jsonpointer.Append(ptr, k), out)
			}
		}
	case []any:
		if s.items == nil {
			return
		}
		for i, el := range v {
			walkShape(s.items, el, ptr+"/"+strconv.Itoa(i), out)
		}
	}
}
