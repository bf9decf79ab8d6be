package catalog

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/jsonpointer"
)

// AmbiguousError says a body matches several providers' shapes.
type AmbiguousError struct{ Choices []string }

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("cannot tell the provider apart: the body matches %s (pass -p)", strings.Join(e.Choices, ", "))
}

// NotDetectedError says no provider matches a body.
type NotDetectedError struct{ Choices []string }

func (e *NotDetectedError) Error() string {
	return fmt.Sprintf("no provider's envelope matches this body (pass -p with one of: %s)", strings.Join(e.Choices, ", "))
}

// Detect finds the provider of a delivery from its headers (when given) and the shape
// of its decoded JSON body. A signature header decides on its own; otherwise the
// provider whose detect keys are all present at the top level wins.
func (c *Catalog) Detect(h http.Header, doc any) (*Provider, error) {
	if h != nil {
		var hits []*Provider
		for _, p := range c.providers {
			if name := p.identifyingHeader(); name != "" && h.Get(name) != "" {
				hits = append(hits, p)
			}
		}
		if len(hits) == 1 {
			return hits[0], nil
		}
	}
	obj, _ := doc.(map[string]any)
	var hits []*Provider
	for _, p := range c.providers {
		if len(p.Detect) == 0 || obj == nil {
			continue
		}
		all := true
		for _, k := range p.Detect {
			if _, ok := obj[k]; !ok {
				all = false
				break
			}
		}
		if all {
			hits = append(hits, p)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return nil, &NotDetectedError{Choices: c.IDs()}
	}
	ids := make([]string, len(hits))
	for i, p := range hits {
		ids[i] = p.ID
	}
	return nil, &AmbiguousError{Choices: ids}
}

// identifyingHeader is a header only this provider sends (its signature header), or "".
func (p *Provider) identifyingHeader() string {
	if spec, ok, err := p.Scheme.HMAC(); ok && err == nil {
		return spec.Header
	}
	if p.Scheme.Name == SchemeIroncladRSA {
		return p.Scheme.Header
	}
	return ""
}

// TypesOf returns the event types a decoded body carries: one for most providers,
// several for Oneflow, none when the type is missing or not a string.
func (p *Provider) TypesOf(doc any) []string {
	var out []string
	for _, v := range jsonpointer.Resolve(doc, p.TypeAt) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// IDOf returns the delivery id, from the body or from the header that carries it.
func (p *Provider) IDOf(h http.Header, doc any) string {
	if name, ok := strings.CutPrefix(p.IDAt, "header:"); ok {
		if h == nil {
			return ""
		}
		return h.Get(name)
	}
	for _, v := range jsonpointer.Resolve(doc, p.IDAt) {
		switch v := v.(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// checkPointers rejects a pointer that jsonpointer cannot split, so the packages that
// read type_at, id_at, payload_at and fresh[].at need not handle a malformed one.
func (p *Provider) checkPointers() error {
	if p.TypeAt == "" {
		return fmt.Errorf("provider %s: type_at must be a JSON pointer", p.ID)
	}
	at := map[string]string{"type_at": p.TypeAt, "payload_at": p.PayloadAt}
	if !strings.HasPrefix(p.IDAt, "header:") {
		at["id_at"] = p.IDAt
	}
	for i, f := range p.Fresh {
		at[fmt.Sprintf("fresh[%d].at", i)] = f.At
	}
	for _, name := range slices.Sorted(maps.Keys(at)) {
		if _, err := jsonpointer.Split(at[name]); err != nil {
			return fmt.Errorf("provider %s: %s %q must be a JSON pointer (\"/a/b\", ~0 for ~, ~1 for /)", p.ID, name, at[name])
		}
	}
	return nil
}

// Lookup resolves a JSON pointer in a decoded document; see jsonpointer.Resolve, which
// it calls. It stays for callers outside catalog that still name it.
func Lookup(doc any, pointer string) []any {
	return jsonpointer.Resolve(doc, pointer)
}
