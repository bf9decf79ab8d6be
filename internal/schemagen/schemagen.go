// Package schemagen turns the catalog into JSON Schemas (draft 2020-12) and fixture
// bodies. `go generate ./...` writes them to schemas/ and fixtures/; whk also builds them
// in memory for catalogs extended with --catalog.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsontree"

	"github.com/whk-cli/whk/internal/jsonpointer"
)

// Draft is the JSON Schema dialect of every generated schema.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// BaseID prefixes every generated schema's $id.
const BaseID = "https://whk.dev/schemas/"

// File is one generated file, with a slash-separated path relative to the repository root.
type File struct {
	Path string
	Data []byte
}

// Options change what the generator asserts.
type Options struct {
	// Strict forbids fields the catalog does not know (unevaluatedProperties: false) in
	// documented objects. The checked-in schemas are not strict.
	Strict bool
}

// Generate returns every schema and fixture of the catalog, sorted by path.
func Generate(c *catalog.Catalog) ([]File, error) {
	files, err := Schemas(c.Providers(), Options{})
	if err != nil {
		return nil, err
	}
	for _, p := range c.Providers() {
		for _, e := range p.Events {
			fx, err := Fixture(e)
			if err != nil {
				return nil, err
			}
			files = append(files, File{FixturePath(p, e), fx})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// Schemas returns the schemas of the providers, each provider's envelope schema
// followed by its events' schemas in catalog order (what `whk schema --out` writes).
func Schemas(providers []*catalog.Provider, o Options) ([]File, error) {
	var files []File
	for _, p := range providers {
		ps, err := ProviderSchema(p, o)
		if err != nil {
			return nil, err
		}
		files = append(files, File{SchemaPath(p, nil), ps})
		for _, e := range p.Events {
			es, err := EventSchema(p, e, o)
			if err != nil {
				return nil, err
			}
			files = append(files, File{SchemaPath(p, e), es})
		}
	}
	return files, nil
}

// SchemaPath is where a schema lives: schemas/<provider>.schema.json for the provider's
// schema (e == nil), schemas/<provider>/<event>.schema.json for one event.
func SchemaPath(p *catalog.Provider, e *catalog.Event) string {
	if e == nil {
		return "schemas/" + p.ID + ".schema.json"
	}
	return "schemas/" + p.ID + "/" + e.FileName() + ".schema.json"
}

// FixturePath is where an event's fixture lives: fixtures/<provider>/<event>.json.
func FixturePath(p *catalog.Provider, e *catalog.Event) string {
	return "fixtures/" + p.ID + "/" + e.FileName() + ".json"
}

// ID is the $id of a schema at the given repository path.
func ID(repoPath string) string { return BaseID + strings.TrimPrefix(repoPath, "schemas/") }

// Fixture is the event's example body, indented, with a final newline.
func Fixture(e *catalog.Event) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, e.Example, "", "  "); err != nil {
		return nil, fmt.Errorf("event %s: %w", e.Type, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// EventSchema is the schema of one event's whole delivery body.
func EventSchema(p *catalog.Provider, e *catalog.Event, o Options) ([]byte, error) {
	s := newObj()
	s.set("$schema", Draft)
	s.set("$id", ID(SchemaPath(p, e)))
	s.set("title", p.Name+" "+e.Type)
	desc := e.Description
	if !e.Documented {
		desc += " The payload of this event is not documented: this schema checks the envelope only."
	}
	s.set("description", desc)
	if len(e.Schema) > 0 {
		given, err := givenSchema(e)
		if err != nil {
			return nil, err
		}
		s.merge(given)
		return marshal(s)
	}
	body, err := eventBody(p, e, o)
	if err != nil {
		return nil, err
	}
	s.merge(body)
	return marshal(s)
}

// ProviderSchema accepts a delivery of any of the provider's events: the envelope, plus
// the event's own schema when the type is one the catalog knows. An unknown type passes
// on the envelope alone; whk validate decides whether that is a failure.
func ProviderSchema(p *catalog.Provider, o Options) ([]byte, error) {
	s := newObj()
	s.set("$schema", Draft)
	s.set("$id", ID(SchemaPath(p, nil)))
	s.set("title", p.Name+" webhook delivery")
	s.set("description", fmt.Sprintf("Any %s delivery: the envelope, then the schema of the event named at %s. Source: %s.", p.Name, p.TypeAt, p.Source))
	// The envelope stays lenient here even with o.Strict: unevaluatedProperties in a
	// nested object cannot see the fields an event's branch adds, so strictness lives in
	// each event's definition, which carries the whole body.
	s.merge(envelope(p, Options{}))
	if len(p.Events) == 0 || strings.Contains(p.TypeAt, "*") {
		// Oneflow's per-event schemas only pin the type inside events[]: the envelope
		// already says everything the catalog knows.
		return marshal(s)
	}
	defs := newObj()
	var branches []any
	for _, e := range p.Events {
		body, err := eventBody(p, e, o)
		if err != nil {
			return nil, err
		}
		def := newObj()
		def.set("description", e.Summary())
		def.merge(body)
		defs.set(e.Type, def)
		cond := newObj()
		cond.merge(pathSchema(p.TypeAt, constOf(e.Type)))
		then := newObj()
		then.set("$ref", "#/$defs/"+jsonpointer.Escape(e.Type))
		branch := newObj()
		branch.set("if", cond)
		branch.set("then", then)
		branches = append(branches, branch)
	}
	s.set("allOf", branches)
	s.set("$defs", defs)
	return marshal(s)
}

// givenSchema is an imported event's schema without its own $schema and $id, which
// the generated file sets: the rest is kept as the description gave it.
func givenSchema(e *catalog.Event) (*obj, error) {
	v, err := jsontree.Parse(e.Schema)
	if err != nil {
		return nil, fmt.Errorf("event %s: schema: %w", e.Type, err)
	}
	given, ok := v.(*jsontree.Object)
	if !ok {
		return nil, fmt.Errorf("event %s: schema must be a JSON object", e.Type)
	}
	s := newObj()
	for _, k := range given.Keys {
		if k != "$schema" && k != "$id" {
			s.set(k, given.Values[k])
		}
	}
	return s, nil
}

// eventBody is the envelope with the event's type pinned and its fields filled in, or
// the event's given schema when it was imported with one.
func eventBody(p *catalog.Provider, e *catalog.Event, o Options) (*obj, error) {
	if len(e.Schema) > 0 {
		return givenSchema(e)
	}
	env := envelope(p, o)
	if strings.Contains(p.TypeAt, "*") {
		// The type sits in an array (Oneflow events[].type): require one element of it.
		arr, rest, _ := strings.Cut(p.TypeAt, "/*")
		item := newObj()
		item.merge(pathSchema(rest, constOf(e.Type)))
		contains := newObj()
		contains.set("contains", item)
		env.mergeAt(arr, contains)
	} else {
		pin := newObj()
		pin.set("const", e.Type)
		env.mergeAt(p.TypeAt, pin)
	}
	if e.Documented && (len(e.Fields) > 0 || len(e.Rules) > 0) {
		payload := objectSchema(e.Fields, o)
		if len(e.Rules) > 0 {
			payload.set("allOf", rules(e.Rules))
		}
		env.mergeAt(p.PayloadAt, payload)
	}
	return env, nil
}

func envelope(p *catalog.Provider, o Options) *obj {
	return objectSchema(p.Envelope, o)
}

// objectSchema describes an object with the given fields. Unknown fields stay allowed
// unless o.Strict.
func objectSchema(fields []catalog.Field, o Options) *obj {
	s := newObj()
	s.set("type", "object")
	var req []string
	props := newObj()
	for _, f := range fields {
		props.set(f.Name, fieldSchema(f, o))
		if f.Required {
			req = append(req, f.Name)
		}
	}
	if len(req) > 0 {
		s.set("required", req)
	}
	if len(fields) > 0 {
		s.set("properties", props)
		if o.Strict {
			s.set("unevaluatedProperties", false)
		}
	}
	return s
}

func fieldSchema(f catalog.Field, o Options) *obj {
	var s *obj
	switch f.Type {
	case "object":
		s = objectSchema(f.Fields, o)
	default:
		s = newObj()
		s.set("type", f.Type)
	}
	if f.Nullable {
		s.set("type", []string{f.Type, "null"})
	}
	if f.Description != "" {
		s.set("description", f.Description)
	}
	if len(f.Const) > 0 {
		s.set("const", f.Const)
	}
	if len(f.Enum) > 0 {
		enum := append([]json.RawMessage(nil), f.Enum...)
		if f.Nullable {
			enum = append(enum, json.RawMessage("null"))
		}
		s.set("enum", enum)
	}
	if f.Format != "" {
		s.set("format", f.Format)
	}
	if f.Pattern != "" {
		s.set("pattern", f.Pattern)
	}
	if f.Type == "array" && f.Items != nil {
		s.set("items", fieldSchema(*f.Items, o))
	}
	return s
}

// rules turns "when field = value, these are (not) null" into if/then branches.
func rules(rs []catalog.Rule) []any {
	var out []any
	for _, r := range rs {
		cond := newObj()
		cond.set("required", []string{r.When.Field})
		cp := newObj()
		cp.set(r.When.Field, constOf(r.When.Equals))
		cond.set("properties", cp)
		then := newObj()
		tp := newObj()
		var req []string
		for _, n := range r.Null {
			t := newObj()
			t.set("type", "null")
			tp.set(n, t)
		}
		for _, n := range r.NotNull {
			t := newObj()
			t.set("not", map[string]string{"type": "null"})
			tp.set(n, t)
			req = append(req, n)
		}
		if len(req) > 0 {
			then.set("required", req)
		}
		then.set("properties", tp)
		b := newObj()
		b.set("if", cond)
		b.set("then", then)
		out = append(out, b)
	}
	return out
}

func constOf(v string) *obj {
	c := newObj()
	c.set("const", v)
	return c
}

// pathSchema builds {"properties":{"a":{"properties":{"b": leaf}, "required":["b"]}}, "required":["a"]}
// for pointer /a/b.
func pathSchema(pointer string, leaf *obj) *obj {
	segs := splitPointer(pointer)
	cur := leaf
	for i := len(segs) - 1; i >= 0; i-- {
		o := newObj()
		o.set("required", []string{segs[i]})
		props := newObj()
		props.set(segs[i], cur)
		o.set("properties", props)
		cur = o
	}
	return cur
}

// splitPointer splits a catalog pointer, which catalog.Load has already checked.
func splitPointer(p string) []string {
	segs, _ := jsonpointer.Split(p)
	return segs
}

// marshal indents with two spaces and keeps <, > and & as they are.
func marshal(s *obj) ([]byte, error) {
	b, err := jsontree.Marshal(s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// obj is a JSON object that keeps its keys in insertion order, so generated files are
// stable and read in a natural order.
type obj struct{ jsontree.Object }

func newObj() *obj { return &obj{jsontree.Object{Values: map[string]any{}}} }

func (o *obj) set(k string, v any) { o.Set(k, v) }

func (o *obj) get(k string) (any, bool) { v, ok := o.Values[k]; return v, ok }

// merge copies other's keys into o, merging nested objects and uniting "required".
func (o *obj) merge(other *obj) {
	for _, k := range other.Keys {
		nv := other.Values[k]
		ov, ok := o.Values[k]
		switch {
		case !ok:
			o.set(k, nv)
		case k == "required":
			o.set(k, unite(ov.([]string), nv.([]string)))
		default:
			a, aok := ov.(*obj)
			b, bok := nv.(*obj)
			if aok && bok {
				a.merge(b)
			} else {
				o.set(k, nv)
			}
		}
	}
}

// mergeAt merges add into the schema of the value at pointer (through "properties").
func (o *obj) mergeAt(pointer string, add *obj) {
	cur := o
	for _, seg := range splitPointer(pointer) {
		props, ok := cur.get("properties")
		if !ok {
			props = newObj()
			cur.set("properties", props)
		}
		pm := props.(*obj)
		child, ok := pm.get(seg)
		if !ok {
			child = newObj()
			pm.set(seg, child)
		}
		cur = child.(*obj)
	}
	cur.merge(add)
}

func unite(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
