package listener

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/schema"
	"github.com/whk-cli/whk/internal/schemagen"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// Schema statuses of the delivery record.
const (
	SchemaValid       = "valid"
	SchemaInvalid     = "invalid"
	SchemaUnknownType = "unknown-type"
)

func schemaOptions() schemagen.Options { return schemagen.Options{} }

// inspect fills in provider, type, id, duplicate, signature and schema verdicts. h are
// the request's own headers (before redaction): the signature needs them.
func (l *Listener) inspect(d *Delivery, h http.Header) {
	rec := d.Record
	var doc any
	var parseErr error
	switch {
	case len(bytes.TrimSpace(rec.Body)) == 0:
		parseErr = errors.New("the body is empty")
	default:
		// The fast parser gives encoding/json's values; encoding/json says what is
		// wrong with a body it refuses (and decodes invalid UTF-8 as it always has).
		var ok bool
		if doc, ok = validation.ParseJSON(rec.Body); !ok {
			if err := json.Unmarshal(rec.Body, &doc); err != nil {
				parseErr = fmt.Errorf("the body is not JSON: %v", err)
				doc = nil
			}
		}
	}

	p := l.cfg.Provider
	var detectErr error
	if p == nil {
		p, detectErr = l.cfg.Catalog.Detect(h, doc)
	}
	if p != nil {
		rec.Provider = p.ID
		if doc != nil {
			d.Types = p.TypesOf(doc)
			rec.Type = strings.Join(d.Types, ",")
		}
		rec.ID = p.IDOf(h, doc)
		if rec.ID != "" {
			rec.Duplicate = l.seen.seen(p.ID + "\x00" + rec.ID)
		}
	}

	rec.Signature = l.verify(p, rec.Body, h, d)
	switch {
	case parseErr != nil:
		rec.Schema = problem(SchemaInvalid, "", parseErr.Error())
	case p == nil:
		rec.Schema = problem(SchemaInvalid, "", detectErr.Error())
	default:
		rec.Schema = l.validate(p, d.Types, doc)
	}
}

func problem(status, pointer, msg string) *record.Schema {
	return &record.Schema{Status: status, Errors: []record.Problem{{Pointer: pointer, Message: msg}}}
}

// verify gives the signature verdict, with the reason when it is not valid.
func (l *Listener) verify(p *catalog.Provider, body []byte, h http.Header, d *Delivery) *record.Signature {
	if p == nil {
		return &record.Signature{Status: signing.StatusUnchecked, Reason: "the provider is unknown, so the signature scheme is too"}
	}
	k := l.cfg.Keys(p)
	if k == nil {
		return &record.Signature{Status: signing.StatusUnchecked, Reason: "no secret or key given"}
	}
	s, err := signing.For(p, l.cfg.AuthHeader)
	if err != nil {
		return &record.Signature{Status: signing.StatusUnchecked, Reason: err.Error()}
	}
	res, err := s.Verify(body, h, *k, signing.VerifyOptions{Now: l.cfg.Now(), Tolerance: l.cfg.Tolerance})
	if err != nil {
		// A key that is given but unusable for this scheme (a raw secret where
		// Standard Webhooks wants whsec_) fails every delivery: say so on each.
		return &record.Signature{Status: signing.StatusInvalid, Reason: "cannot verify with the key given: " + err.Error()}
	}
	d.Warnings = append(d.Warnings, res.Warnings...)
	status := res.Status
	if status == "" {
		status = signing.StatusInvalid
		if res.Valid {
			status = signing.StatusValid
		}
	}
	return &record.Signature{Status: status, Reason: res.Reason}
}

// validate checks the body against each named event's schema; an unknown type is
// checked against the provider's envelope and reported as unknown-type.
func (l *Listener) validate(p *catalog.Provider, types []string, doc any) *record.Schema {
	if len(types) == 0 {
		probs, err := l.cfg.Validator.Validate(p, nil, doc)
		if err != nil {
			return problem(SchemaInvalid, "", err.Error())
		}
		out := &record.Schema{Status: SchemaInvalid, Errors: toProblems(probs)}
		if len(out.Errors) == 0 {
			out.Errors = []record.Problem{{Pointer: p.TypeAt, Message: "no event type at " + p.TypeAt}}
		}
		return out
	}
	out := &record.Schema{Status: SchemaValid}
	seen := map[record.Problem]bool{}
	add := func(ps []record.Problem) {
		for _, pr := range ps {
			if !seen[pr] {
				seen[pr] = true
				out.Errors = append(out.Errors, pr)
			}
		}
	}
	unknown := false
	for _, t := range types {
		e, err := p.Event(t)
		if err != nil {
			unknown = true
			add([]record.Problem{{Pointer: p.TypeAt, Message: fmt.Sprintf("unknown event type %q for %s", t, p.ID)}})
			continue
		}
		probs, err := l.cfg.Validator.Validate(p, e, doc)
		if err != nil {
			add([]record.Problem{{Pointer: "", Message: err.Error()}})
			continue
		}
		add(toProblems(probs))
	}
	if unknown {
		// Still check what the catalog knows of every delivery: the envelope.
		if probs, err := l.cfg.Validator.Validate(p, nil, doc); err == nil {
			add(toProblems(probs))
		}
		out.Status = SchemaUnknownType
	} else if len(out.Errors) > 0 {
		out.Status = SchemaInvalid
	}
	return out
}

func toProblems(ps []schema.Problem) []record.Problem {
	out := make([]record.Problem, len(ps))
	for i, p := range ps {
		out[i] = record.Problem{Pointer: p.Pointer, Message: p.Message}
	}
	return out
}
