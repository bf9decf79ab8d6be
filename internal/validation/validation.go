// Package validation owns the verdict on a delivery body (Checker.Judge): it detects
// the provider and event types and checks the body against their schemas and the
// catalog's field lists; `whk listen` records that verdict too. It is also the engine
// of `whk validate`, which reads deliveries from files, directories, NDJSON streams and
// delivery records and emits one Result per item, in input order. It prints nothing.
package validation

import (
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsonvalue"
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
	Type string
	// Status is the verdict's: StatusValid, StatusInvalid or StatusUnknownType, as
	// `whk listen` records it. Valid is what fails the run.
	Status   string
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

	// fail, when set, is an error found while reading (a line too long to keep, a HAR
	// entry that is not a delivery).
	fail string
	// rec, when set, is the delivery a HAR entry holds; Data is then empty.
	rec *record.Record
}

// Check checks one item. It never panics on bad input: every problem with the bytes
// (empty, binary, invalid UTF-8, malformed or too deeply nested JSON) is an error in
// the result. A plain body gets Judge's verdict; a delivery record gets the verdict on
// the body inside it.
func (c *Checker) Check(it Item) Result {
	r := Result{Source: it.Source, Line: it.Line}
	if it.fail != "" {
		r.Status = StatusInvalid
		r.Errors = append(r.Errors, Problem{Message: it.fail, Line: it.Line})
		return r
	}
	if it.rec != nil {
		return c.judgeRecord(r, it, it.rec)
	}
	data, warns := stripBOM(it.Data)
	doc, err := jsonvalue.Decode(data)
	if err != nil {
		// The problem has its position already; locating "" would find none in bytes
		// that are not JSON.
		c.report(&r, c.notJSON(decodeProblem(err, data, it.Line), nil, ""), it, nil)
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
	v := c.judgeDoc(doc, nil, "")
	v.Warnings = append(warns, v.Warnings...)
	c.report(&r, v, it, data)
	return r
}

// checkRecord judges the body inside a delivery record, with the record's headers and
// provider to tell whose it is.
func (c *Checker) checkRecord(r Result, it Item, data []byte) Result {
	rec, err := record.Parse(data)
	if err != nil {
		r.Status = StatusInvalid
		r.Errors = append(r.Errors, Problem{Message: err.Error(), Line: it.Line})
		return r
	}
	return c.judgeRecord(r, it, rec)
}

// judgeRecord judges a recorded body (a record's, a HAR entry's request).
func (c *Checker) judgeRecord(r Result, it Item, rec *record.Record) Result {
	v := c.Judge(Body{Data: rec.Body, Header: rec.Headers, Hint: rec.Provider})
	if v.notJSON {
		p := &v.Errors[0]
		p.Line = it.Line
		if it.rec != nil {
			// A HAR entry: the body is its request's postData.text, not a member.
			p.Message = "request body: " + p.Message
		} else {
			p.Pointer, p.Message = "/body", "recorded body: "+p.Message
		}
	}
	// Problems inside a base64 body cannot be traced to a line of the record.
	c.report(&r, v, Item{Source: it.Source, Line: it.Line}, nil)
	return r
}

// report puts a verdict into a result in validate's terms: unknown event types fail
// unless --allow-unknown-types, and each problem gets its source line (that of the
// offending value when the item's text is at hand, else the item's NDJSON line).
func (c *Checker) report(r *Result, v Verdict, it Item, data []byte) {
	r.Status = v.Status
	if v.Provider != nil {
		r.Provider = v.Provider.ID
	}
	r.Type = strings.Join(v.Types, ",")
	for _, u := range v.Unknown {
		if c.opts.AllowUnknownTypes {
			u.Message += ", checked against the envelope only"
			r.Warnings = append(r.Warnings, u)
		} else {
			u.Message += " (pass --allow-unknown-types to accept it)"
			r.Errors = append(r.Errors, u)
		}
	}
	r.Errors = append(r.Errors, v.Errors...)
	r.Warnings = append(r.Warnings, v.Warnings...)
	for i := range r.Errors {
		r.Errors[i] = lineOf(it, r.Errors[i], data)
	}
	for i := range r.Warnings {
		r.Warnings[i] = lineOf(it, r.Warnings[i], data)
	}
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
