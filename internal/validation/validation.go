// Package validation is the engine of `whk validate`: it reads deliveries from files,
// directories, NDJSON streams and delivery records, detects each one's provider and
// event type, and checks it against that event's schema and the catalog's field lists.
// It emits one Result per item, in input order; it prints nothing.
package validation

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/schema"
	"github.com/whk-cli/whk/internal/schemagen"
)

// Problem is one error or warning about an item.
type Problem struct {
	// Pointer is a JSON pointer to the offending value ("" is the whole document).
	Pointer string
	Message string
	// Line is the 1-based source line of the offending value, 0 when unknown.
	Line int
}

// Result is the verdict on one item: a whole file, or one line of an NDJSON stream.
type Result struct {
	// Source is the path the item came from, "-" for stdin.
	Source string
	// Line is the item's 1-based line in an NDJSON stream, 0 for a whole file.
	Line int
	// Provider and Type are "" when they could not be told.
	Provider string
	// Type is the event type; Oneflow deliveries that carry several events list them
	// comma-separated.
	Type     string
	Errors   []Problem
	Warnings []Problem
	// Unreadable is set when the source could not be read (an I/O error, not bad data).
	Unreadable bool

	skip bool
}

// Valid reports whether the item has no errors (warnings do not count).
func (r *Result) Valid() bool { return len(r.Errors) == 0 }

// Options say how items are checked.
type Options struct {
	Catalog *catalog.Catalog
	// Provider, when set, is used for every item instead of detecting it.
	Provider *catalog.Provider
	// Type, when set, is the event type of every item.
	Type string
	// AllowUnknownTypes lets event types the catalog does not know pass on the envelope.
	AllowUnknownTypes bool
	// Strict makes fields the catalog does not know errors instead of warnings.
	Strict bool
}

// Checker checks single items. It is safe for concurrent use.
type Checker struct {
	opts   Options
	schema *schema.Validator
	fields *fieldIndex
}

// NewChecker returns a Checker; schemas are compiled the first time they are needed.
func NewChecker(o Options) *Checker {
	return &Checker{opts: o, schema: schema.New(schemagen.Options{}), fields: newFieldIndex()}
}

// Item is one thing to check: a whole file's bytes or one NDJSON line.
type Item struct {
	Source string
	// Line is the NDJSON line, 0 for a whole file.
	Line int
	Data []byte

	// fail, when set, is an error found while reading (a line too long to keep).
	fail string
}

// Check checks one item. It never panics on bad input: every problem with the bytes
// (empty, binary, invalid UTF-8, malformed or too deeply nested JSON) is an error in
// the result.
func (c *Checker) Check(it Item) Result {
	r := Result{Source: it.Source, Line: it.Line}
	if it.fail != "" {
		r.Errors = append(r.Errors, Problem{Message: it.fail, Line: it.Line})
		return r
	}
	data := it.Data
	if bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		r.Warnings = append(r.Warnings, Problem{Message: "starts with a UTF-8 byte order mark, which JSON does not allow; ignored"})
	}
	doc, err := decode(data)
	if err != nil {
		r.Errors = append(r.Errors, decodeProblem(err, data, it.Line))
		return r
	}
	if obj, ok := doc.(map[string]any); ok {
		if kind, ok := obj["kind"].(string); ok {
			switch {
			case kind == record.KindReady && it.Line > 0:
				r.skip = true
				return r
			case kind == record.KindDelivery:
				if _, isBody := obj["body"].(string); isBody {
					return c.checkRecord(r, it, data)
				}
			}
		}
	}
	c.checkDoc(&r, it, data, doc, nil, "")
	return r
}

// checkRecord validates the body inside a delivery record, detecting the provider from
// the record's headers first.
func (c *Checker) checkRecord(r Result, it Item, data []byte) Result {
	rec, err := record.Parse(data)
	if err != nil {
		r.Errors = append(r.Errors, Problem{Message: err.Error(), Line: it.Line})
		return r
	}
	if len(bytes.TrimSpace(rec.Body)) == 0 {
		r.Errors = append(r.Errors, Problem{Pointer: "/body", Message: "the recorded body is empty", Line: it.Line})
		return r
	}
	body := rec.Body
	if bytes.HasPrefix(body, utf8BOM) {
		body = body[len(utf8BOM):]
	}
	doc, err := decode(body)
	if err != nil {
		p := decodeProblem(err, body, 0)
		p.Pointer, p.Line = "/body", it.Line
		p.Message = "recorded body: " + p.Message
		r.Errors = append(r.Errors, p)
		return r
	}
	// Problems inside a base64 body cannot be traced to a line of the record.
	bodyItem := Item{Source: it.Source, Line: it.Line}
	c.checkDoc(&r, bodyItem, nil, doc, rec.Headers, rec.Provider)
	return r
}

// checkDoc detects, validates and looks for unknown fields in a decoded body. data is
// the body's source text when problems can be traced to its lines.
func (c *Checker) checkDoc(r *Result, it Item, data []byte, doc any, h http.Header, hint string) {
	defer func() {
		for i := range r.Errors {
			r.Errors[i] = lineOf(it, r.Errors[i], data)
		}
		for i := range r.Warnings {
			r.Warnings[i] = lineOf(it, r.Warnings[i], data)
		}
	}()
	p, err := c.provider(h, doc, hint)
	if err != nil {
		r.Errors = append(r.Errors, Problem{Message: err.Error()})
		return
	}
	r.Provider = p.ID

	var (
		event *catalog.Event // the schema to validate against; nil = the provider's
		types []typeAt
	)
	if c.opts.Type != "" {
		e, err := p.Event(c.opts.Type)
		if err != nil {
			r.Type = c.opts.Type
			r.Errors = append(r.Errors, Problem{Message: fmt.Sprintf("unknown event type %q for %s (run 'whk events list -p %s')", c.opts.Type, p.ID, p.ID)})
			return
		}
		event, r.Type = e, e.Type
	} else {
		types = typesOf(p, doc)
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = t.Type
		}
		r.Type = strings.Join(names, ",")
		for _, t := range types {
			e, err := p.Event(t.Type)
			switch {
			case err == nil:
				if event == nil {
					event = e
				}
			case len(p.Events) == 0:
				// A provider with no event list (Standard Webhooks) accepts any type.
			case c.opts.AllowUnknownTypes:
				r.Warnings = append(r.Warnings, Problem{Pointer: t.Pointer, Message: fmt.Sprintf("unknown event type %q for %s, checked against the envelope only", t.Type, p.ID)})
			default:
				r.Errors = append(r.Errors, Problem{Pointer: t.Pointer, Message: fmt.Sprintf("unknown event type %q for %s (pass --allow-unknown-types to accept it)", t.Type, p.ID)})
			}
		}
	}

	probs, err := c.schema.Validate(p, event, doc)
	if err != nil {
		r.Errors = append(r.Errors, Problem{Message: "schema: " + err.Error()})
		return
	}
	for _, pr := range probs {
		r.Errors = append(r.Errors, Problem{Pointer: pr.Pointer, Message: pr.Message})
	}
	if c.opts.Type == "" && len(types) == 0 && len(probs) == 0 {
		r.Errors = append(r.Errors, Problem{Pointer: strings.ReplaceAll(p.TypeAt, "/*", "/0"), Message: "no event type found"})
	}

	unknown := c.fields.unknown(p, event, doc)
	if c.opts.Strict {
		r.Errors = append(r.Errors, unknown...)
	} else {
		r.Warnings = append(r.Warnings, unknown...)
	}
}

// provider picks an item's provider by catalog.ProviderOf, the order replay and verify
// follow too: -p, else the provider a record names, else detection.
func (c *Checker) provider(h http.Header, doc any, recorded string) (*catalog.Provider, error) {
	return c.opts.Catalog.ProviderOf(c.opts.Provider, recorded, h, doc)
}

// typeAt is one event type in a body and where it sits.
type typeAt struct {
	Type    string
	Pointer string
}

// typesOf finds the event types of a body with their pointers; Oneflow's "*" segment
// becomes each array index.
func typesOf(p *catalog.Provider, doc any) []typeAt {
	before, after, wild := strings.Cut(p.TypeAt, "/*")
	if !wild {
		var out []typeAt
		for _, t := range p.TypesOf(doc) {
			out = append(out, typeAt{t, p.TypeAt})
		}
		return out
	}
	var out []typeAt
	for _, v := range catalog.Lookup(doc, before) {
		arr, ok := v.([]any)
		if !ok {
			continue
		}
		for i, el := range arr {
			for _, t := range catalog.Lookup(el, after) {
				if s, ok := t.(string); ok {
					out = append(out, typeAt{s, before + "/" + strconv.Itoa(i) + after})
				}
			}
		}
	}
	return out
}

// lineOf fills in the source line of a problem: the line of the offending value when
// the item's text is at hand (data), else the item's own NDJSON line.
func lineOf(it Item, p Problem, data []byte) Problem {
	switch {
	case p.Line != 0:
	case it.Line != 0:
		p.Line = it.Line
	case data != nil:
		p.Line = locate(data, p.Pointer)
	}
	return p
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}
