package validation

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsonvalue"
)

// Statuses of a Verdict, spelled as the delivery record spells them.
const (
	StatusValid       = "valid"
	StatusInvalid     = "invalid"
	StatusUnknownType = "unknown-type"
)

// Body is one delivery body to judge, with what arrived beside it.
type Body struct {
	Data []byte
	// Header is the request's header, nil when there is none (a file): a signature
	// header names the provider on its own.
	Header http.Header
	// Hint is a provider id named beside the body (a record's "provider"), used when
	// the headers and the body do not tell; "" for none.
	Hint string
}

// Verdict is the judgement on one delivery body. `whk validate` and `whk listen` both
// report it, so the same bytes get the same verdict from either.
type Verdict struct {
	// Status is StatusValid, StatusInvalid (any Errors) or StatusUnknownType (no
	// Errors, but Unknown types).
	Status string
	// Provider is nil when it could not be told.
	Provider *catalog.Provider
	// Types are the event types the body names (Oneflow callbacks carry several).
	Types []string
	// Doc is the decoded body; nil when the body is not JSON.
	Doc any
	// Errors make the body invalid: bytes that are not JSON, a provider that cannot be
	// told, schema violations, unknown fields with Options.Strict.
	Errors []Problem
	// Unknown are the event types the catalog does not know, each at its pointer; the
	// body was checked against the provider's envelope only. Whether they fail is the
	// caller's rule (validate: unless --allow-unknown-types).
	Unknown []Problem
	// Warnings are doubts that do not fail the body: a byte order mark, fields the
	// catalog does not know.
	Warnings []Problem

	notJSON bool
}

// Judge decodes one delivery body and checks it: provider (forced, from the
// headers, from the body's shape, or from the hint), event types, each known type's
// schema, and fields the catalog does not know. A body that is not JSON is invalid,
// but its provider is still told from the headers when they name it (listen needs it
// for the signature).
//
// Oneflow callbacks can carry several events: the body is checked against the schema
// of every type the catalog knows, and a field is unknown only when no type knows it.
func (c *Checker) Judge(b Body) Verdict {
	data, warns := stripBOM(b.Data)
	doc, err := jsonvalue.Decode(data)
	if err != nil {
		return c.notJSON(decodeProblem(err, data, 0), b.Header, b.Hint)
	}
	v := c.judgeDoc(doc, b.Header, b.Hint)
	if warns != nil {
		v.Warnings = append(warns, v.Warnings...)
	}
	return v
}

// stripBOM drops a UTF-8 byte order mark, which JSON does not allow but editors
// write, with a warning.
func stripBOM(data []byte) ([]byte, []Problem) {
	if !bytes.HasPrefix(data, utf8BOM) {
		return data, nil
	}
	return data[len(utf8BOM):], []Problem{{Message: "starts with a UTF-8 byte order mark, which JSON does not allow; ignored"}}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// notJSON is the verdict on bytes that did not decode.
func (c *Checker) notJSON(p Problem, h http.Header, hint string) Verdict {
	v := Verdict{Status: StatusInvalid, Errors: []Problem{p}, notJSON: true}
	v.Provider, _ = c.provider(h, nil, hint)
	return v
}

// judgeDoc detects, validates and looks for unknown fields in a decoded body.
func (c *Checker) judgeDoc(doc any, h http.Header, hint string) (v Verdict) {
	v.Doc = doc
	defer v.settle()
	p, err := c.provider(h, doc, hint)
	if err != nil {
		v.Errors = append(v.Errors, Problem{Message: err.Error()})
		return v
	}
	v.Provider = p

	var (
		// events are the schemas to check (none: the provider's); one event has room
		// on the stack.
		buf    [1]*catalog.Event
		events = buf[:0]
		types  []string
	)
	if c.opts.Type != "" {
		v.Types = []string{c.opts.Type}
		e, err := p.Event(c.opts.Type)
		if err != nil {
			// A type given on the command line, not found in the body: a usage
			// mistake rather than an unknown delivery.
			v.Errors = append(v.Errors, Problem{Message: fmt.Sprintf("unknown event type %q for %s (run 'whk events list -p %s')", c.opts.Type, p.ID, p.ID)})
			return v
		}
		events = []*catalog.Event{e}
	} else {
		types = typesOf(p, doc)
		v.Types = types
		for i, t := range types {
			e, err := p.Event(t)
			switch {
			case err == nil:
				if !hasEvent(events, e) {
					events = append(events, e)
				}
			case len(p.Events) == 0:
				// A provider with no event list (Standard Webhooks) accepts any type.
			default:
				v.Unknown = append(v.Unknown, Problem{Pointer: typePointer(p, doc, i), Message: fmt.Sprintf("unknown event type %q for %s", t, p.ID)})
			}
		}
	}

	nprobs := 0
	if len(events) == 0 {
		n, err := c.validate(&v, p, nil, doc)
		if err != nil {
			return v
		}
		nprobs += n
	}
	for _, e := range events {
		n, err := c.validate(&v, p, e, doc)
		if err != nil {
			return v
		}
		nprobs += n
	}
	if c.opts.Type == "" && len(types) == 0 && nprobs == 0 {
		v.Errors = append(v.Errors, Problem{Pointer: strings.ReplaceAll(p.TypeAt, "/*", "/0"), Message: "no event type found"})
	}

	var unknown []Problem
	if len(events) == 0 {
		unknown = c.fields.unknown(p, nil, doc)
	}
	for i, e := range events {
		u := c.fields.unknown(p, e, doc)
		if i == 0 {
			unknown = u
		} else {
			unknown = knownToNone(unknown, u)
		}
	}
	if c.opts.Strict {
		v.Errors = append(v.Errors, unknown...)
	} else {
		v.Warnings = unknown
	}
	return v
}

// validate adds the problems of doc against one schema (e nil: the provider's) to
// v.Errors, dropping repeats, and returns how many there were.
func (c *Checker) validate(v *Verdict, p *catalog.Provider, e *catalog.Event, doc any) (int, error) {
	probs, err := c.schema.Validate(p, e, doc)
	if err != nil {
		v.Errors = append(v.Errors, Problem{Message: "schema: " + err.Error()})
		return 0, err
	}
	n := len(v.Errors)
next:
	for _, pr := range probs {
		for _, have := range v.Errors[:n] {
			if have.Pointer == pr.Pointer && have.Message == pr.Message {
				continue next
			}
		}
		v.Errors = append(v.Errors, Problem{Pointer: pr.Pointer, Message: pr.Message})
	}
	return len(probs), nil
}

// settle sets the status from the problems found.
func (v *Verdict) settle() {
	switch {
	case len(v.Errors) > 0:
		v.Status = StatusInvalid
	case len(v.Unknown) > 0:
		v.Status = StatusUnknownType
	default:
		v.Status = StatusValid
	}
}

func hasEvent(es []*catalog.Event, e *catalog.Event) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// knownToNone keeps the unknown fields of a that b also reports: with several events,
// a field is unknown when no event's fields list it.
func knownToNone(a, b []Problem) []Problem {
	out := a[:0]
	for _, p := range a {
		for _, q := range b {
			if p.Pointer == q.Pointer {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// provider picks an item's provider by catalog.ProviderOf, the order replay and verify
// follow too: -p, else the provider a record names (hint), else detection.
func (c *Checker) provider(h http.Header, doc any, hint string) (*catalog.Provider, error) {
	return c.opts.Catalog.ProviderOf(c.opts.Provider, hint, h, doc)
}

// typesOf finds the event types of a body, in order. A "*" segment of the provider's
// type pointer (Oneflow's /events/*/type) matches the elements of an array only, so
// the order is the body's.
func typesOf(p *catalog.Provider, doc any) []string {
	var out []string
	eachType(p, doc, func(t string, _ int) bool {
		out = append(out, t)
		return true
	})
	return out
}

// typePointer is the JSON pointer of the i-th type typesOf finds: Oneflow's "*"
// segment becomes the index of the event that carries it.
func typePointer(p *catalog.Provider, doc any, i int) string {
	ptr := p.TypeAt
	n := 0
	eachType(p, doc, func(_ string, j int) bool {
		if n == i {
			if j >= 0 {
				before, after, _ := strings.Cut(p.TypeAt, "/*")
				ptr = before + "/" + strconv.Itoa(j) + after
			}
			return false
		}
		n++
		return true
	})
	return ptr
}

// eachType calls f with each event type of doc and the index of the array element
// that holds it (-1 without a "*" segment), until f returns false.
func eachType(p *catalog.Provider, doc any, f func(typ string, index int) bool) {
	before, after, wild := strings.Cut(p.TypeAt, "/*")
	if !wild {
		for _, t := range catalog.Lookup(doc, p.TypeAt) {
			if s, ok := t.(string); ok && !f(s, -1) {
				return
			}
		}
		return
	}
	for _, v := range catalog.Lookup(doc, before) {
		arr, _ := v.([]any)
		for j, el := range arr {
			for _, t := range catalog.Lookup(el, after) {
				if s, ok := t.(string); ok && !f(s, j) {
					return
				}
			}
		}
	}
}

// decodeProblem turns a decode error into a problem with its position: the line and
// column in a whole body, the column in an NDJSON line (whose line is ndjsonLine).
func decodeProblem(err error, data []byte, ndjsonLine int) Problem {
	var je *jsonvalue.Error
	if !errors.As(err, &je) {
		return Problem{Message: err.Error(), Line: ndjsonLine}
	}
	if je.Offset < 0 {
		return Problem{Message: je.Msg, Line: ndjsonLine}
	}
	line, col := position(data, int(je.Offset))
	if ndjsonLine > 0 {
		return Problem{Message: fmt.Sprintf("%s (column %d)", je.Msg, col), Line: ndjsonLine}
	}
	return Problem{Message: fmt.Sprintf("%s (line %d, column %d)", je.Msg, line, col), Line: line}
}
