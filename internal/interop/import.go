package interop

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/jsontree"
)

// ImportOptions say what an OpenAPI document does not: the provider's id and scheme.
type ImportOptions struct {
	// Provider is the id of the provider the catalog file adds.
	Provider string
	// Scheme is one of catalog.Schemes.
	Scheme string
	// Source names the file read, for the provider's source line.
	Source string
	// TypeAt is the JSON pointer to the event type in a body; "" infers it from the
	// schemas (the property every event's schema pins to its own type).
	TypeAt string
	// IDAt is the JSON pointer (or header:Name) to the delivery id; "" means "/id".
	IDAt string
}

// Import reads an OpenAPI 3.1 document's `webhooks` (or a 3.0 document's `x-webhooks`)
// and returns the provider they describe: one event per webhook, named after it, with
// the operation's description, its request body schema (local
// #/components/schemas references resolved, any other reference refused) and its
// example as the fixture.
func Import(data []byte, o ImportOptions) (*catalog.Provider, error) {
	if !slices.Contains(catalog.Schemes, o.Scheme) {
		return nil, fmt.Errorf("unknown scheme %q (one of %s)", o.Scheme, strings.Join(catalog.Schemes, ", "))
	}
	v, err := jsontree.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("not a JSON document: %w", err)
	}
	doc, ok := v.(*jsontree.Object)
	if !ok {
		return nil, fmt.Errorf("not an OpenAPI document: the top level is not an object")
	}
	version, _ := doc.Values["openapi"].(string)
	var key string
	switch {
	case strings.HasPrefix(version, "3.1."):
		key = "webhooks"
	case strings.HasPrefix(version, "3.0."):
		key = "x-webhooks"
	default:
		return nil, fmt.Errorf("not an OpenAPI 3.0 or 3.1 document: \"openapi\" is %s", describe(doc.Values["openapi"]))
	}
	r := &resolver{doc: doc}
	hooks, ok := doc.Values[key].(*jsontree.Object)
	if !ok || len(hooks.Keys) == 0 {
		return nil, fmt.Errorf("the document describes no webhooks (no %q section, or it is empty)", key)
	}
	p := &catalog.Provider{
		ID:       o.Provider,
		Name:     o.Provider,
		Aliases:  []string{},
		Scheme:   catalog.Scheme{Name: o.Scheme},
		Headers:  []catalog.Header{},
		Detect:   []string{},
		Envelope: []catalog.Field{},
		Fresh:    []catalog.Fresh{},
		IDAt:     o.IDAt,
		Success:  catalog.Success{Rule: "2xx"},
		Retry:    catalog.Retry{Note: "Imported from an OpenAPI description, which gives no retry schedule."},
	}
	if p.IDAt == "" {
		p.IDAt = "/id"
	}
	if info, ok := doc.Values["info"].(*jsontree.Object); ok {
		if title, ok := info.Values["title"].(string); ok && title != "" {
			p.Name = strings.TrimSuffix(title, " webhooks")
		}
	}
	p.Source = "imported from " + o.Source
	var only200 = true
	for _, name := range hooks.Keys {
		e, ct, codes, err := r.webhook(name, hooks.Values[name])
		if err != nil {
			return nil, err
		}
		if p.ContentType == "" {
			p.ContentType = ct
		}
		only200 = only200 && len(codes) == 1 && codes[0] == "200"
		p.Events = append(p.Events, e)
	}
	if only200 {
		p.Success.Rule = "200"
	}
	p.TypeAt = o.TypeAt
	if p.TypeAt == "" {
		if p.TypeAt, err = typeAt(p.Events); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// webhook turns one webhook's POST operation into an event.
func (r *resolver) webhook(name string, v any) (e *catalog.Event, contentType string, codes []string, err error) {
	where := fmt.Sprintf("webhook %q", name)
	item, err := r.object(v, where)
	if err != nil {
		return nil, "", nil, err
	}
	op, err := r.object(item.Values["post"], where+" post")
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s has no POST operation", where)
	}
	e = &catalog.Event{Type: name, Documented: true}
	e.Description = firstString(op.Values["description"], op.Values["summary"], item.Values["description"], item.Values["summary"])
	body, err := r.object(op.Values["requestBody"], where+" requestBody")
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s has no request body", where)
	}
	content, ok := body.Values["content"].(*jsontree.Object)
	if !ok || len(content.Keys) == 0 {
		return nil, "", nil, fmt.Errorf("%s: the request body has no content", where)
	}
	contentType = content.Keys[0]
	for _, ct := range content.Keys {
		if strings.HasSuffix(strings.ToLower(strings.Split(ct, ";")[0]), "json") {
			contentType = ct
			break
		}
	}
	media, err := r.object(content.Values[contentType], where+" "+contentType)
	if err != nil {
		return nil, "", nil, err
	}
	schema, ok := media.Values["schema"]
	if !ok {
		return nil, "", nil, fmt.Errorf("%s: the request body has no schema", where)
	}
	resolved, err := r.inline(schema, nil)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s: %w", where, err)
	}
	if e.Schema, err = jsontree.Marshal(resolved); err != nil {
		return nil, "", nil, err
	}
	example, err := r.example(media)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s: %w", where, err)
	}
	if e.Example, err = jsontree.Marshal(example); err != nil {
		return nil, "", nil, err
	}
	if responses, ok := op.Values["responses"].(*jsontree.Object); ok {
		for _, code := range responses.Keys {
			if strings.HasPrefix(code, "2") {
				codes = append(codes, code)
			}
		}
	}
	return e, contentType, codes, nil
}

// example is the media type's example, or the value of its first examples entry.
func (r *resolver) example(media *jsontree.Object) (any, error) {
	if ex, ok := media.Values["example"]; ok {
		return ex, nil
	}
	if exs, ok := media.Values["examples"].(*jsontree.Object); ok && len(exs.Keys) > 0 {
		ex, err := r.object(exs.Values[exs.Keys[0]], "example "+exs.Keys[0])
		if err != nil {
			return nil, err
		}
		if v, ok := ex.Values["value"]; ok {
			return v, nil
		}
	}
	return nil, fmt.Errorf("the request body has no example (whk keeps one per event as its fixture)")
}

// resolver follows references inside one document.
type resolver struct{ doc *jsontree.Object }

// maxRefDepth bounds chains and nesting of references.
const maxRefDepth = 64

// object resolves v, a Reference Object or an object, to an object.
func (r *resolver) object(v any, where string) (*jsontree.Object, error) {
	for range maxRefDepth {
		o, ok := v.(*jsontree.Object)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", where)
		}
		ref, isRef := o.Values["$ref"].(string)
		if !isRef {
			return o, nil
		}
		if v, ok = r.lookup(ref, "#/components/"); !ok {
			return nil, fmt.Errorf("%s: unsupported $ref %q (only #/components/... in the same document)", where, ref)
		}
	}
	return nil, fmt.Errorf("%s: $ref chain longer than %d", where, maxRefDepth)
}

// schemaRefs is the only place a schema may point to.
const schemaRefs = "#/components/schemas/"

// inline copies a schema with every #/components/schemas reference replaced by its
// target; seen holds the references being expanded, so a recursive schema is an error
// rather than an endless copy.
func (r *resolver) inline(v any, seen []string) (any, error) {
	switch v := v.(type) {
	case *jsontree.Object:
		out := object()
		if ref, ok := v.Values["$ref"].(string); ok {
			if slices.Contains(seen, ref) {
				return nil, fmt.Errorf("recursive $ref %q cannot be inlined", ref)
			}
			if len(seen) >= maxRefDepth {
				return nil, fmt.Errorf("$refs nested deeper than %d", maxRefDepth)
			}
			target, ok := r.lookup(ref, schemaRefs)
			if !ok {
				return nil, fmt.Errorf("unsupported $ref %q (only %s... in the same document)", ref, schemaRefs)
			}
			resolved, err := r.inline(target, append(seen, ref))
			if err != nil {
				return nil, err
			}
			if len(v.Keys) == 1 {
				return resolved, nil
			}
			// A $ref beside other keywords (allowed in 3.1): keep both, the target
			// as an allOf branch.
			out.Set("allOf", []any{resolved})
		}
		for _, k := range v.Keys {
			if k == "$ref" {
				continue
			}
			c, err := r.inline(v.Values[k], seen)
			if err != nil {
				return nil, err
			}
			if k == "allOf" && out.Values["allOf"] != nil {
				if list, ok := c.([]any); ok {
					c = append(out.Values["allOf"].([]any), list...)
				}
			}
			out.Set(k, c)
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			c, err := r.inline(x, seen)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return v, nil
}

// lookup resolves a local reference that starts with prefix.
func (r *resolver) lookup(ref, prefix string) (any, bool) {
	if !strings.HasPrefix(ref, prefix) {
		return nil, false
	}
	got := jsonpointer.Resolve(r.doc, strings.TrimPrefix(ref, "#"))
	if len(got) != 1 {
		return nil, false
	}
	return got[0], true
}

// typeAt finds the pointer at which every event's schema pins the event's own type
// (a const, or for an array of events a `contains` whose item pins it).
func typeAt(events []*catalog.Event) (string, error) {
	var common []string
	for i, e := range events {
		v, err := jsontree.Parse(e.Schema)
		if err != nil {
			return "", err
		}
		found := pins(v, e.Type, "", 0)
		if i == 0 {
			common = found
		} else {
			common = slices.DeleteFunc(common, func(p string) bool { return !slices.Contains(found, p) })
		}
	}
	if len(common) != 1 {
		return "", fmt.Errorf("cannot tell where a body names its event type: no single property holds each webhook's name as a const (give --type-at /pointer)")
	}
	return common[0], nil
}

// pins lists the pointers at which schema s requires the value typ.
func pins(s any, typ, at string, depth int) []string {
	o, ok := s.(*jsontree.Object)
	if !ok || depth > 6 {
		return nil
	}
	var out []string
	if c, ok := o.Values["const"].(string); ok && c == typ {
		out = append(out, at)
	}
	if props, ok := o.Values["properties"].(*jsontree.Object); ok {
		for _, k := range props.Keys {
			out = append(out, pins(props.Values[k], typ, at+"/"+jsonpointer.Escape(k), depth+1)...)
		}
	}
	if c, ok := o.Values["contains"]; ok {
		out = append(out, pins(c, typ, at+"/*", depth+1)...)
	}
	if all, ok := o.Values["allOf"].([]any); ok {
		for _, b := range all {
			out = append(out, pins(b, typ, at, depth+1)...)
		}
	}
	return out
}

// File is a provider as a catalog file for --catalog DIR.
func File(p *catalog.Provider) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	v, err := jsontree.Parse(b)
	if err != nil {
		return nil, err
	}
	return marshal(v)
}

// CheckFile loads a catalog file beside the built-in catalog, the way --catalog will,
// so that a file whk writes is one whk accepts (ids, types, pointers, examples).
func CheckFile(file []byte) error {
	dir, err := os.MkdirTemp("", "whk-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "import.json")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		return err
	}
	if _, err = catalog.Load(dir); err != nil {
		// The temporary path means nothing to the user: name only what is wrong.
		return errors.New(strings.TrimPrefix(err.Error(), "catalog "+path+": "))
	}
	return nil
}

func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func describe(v any) string {
	if v == nil {
		return "missing"
	}
	b, _ := jsontree.Marshal(v)
	if len(b) > 40 {
		b = append(b[:40], "..."...)
	}
	return string(b)
}
