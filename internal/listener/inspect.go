package listener

import (
	"net/http"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// Schema statuses of the delivery record: the body's verdict (validation.Verdict).
const (
	SchemaValid       = validation.StatusValid
	SchemaInvalid     = validation.StatusInvalid
	SchemaUnknownType = validation.StatusUnknownType
)

// inspect fills in provider, type, id, duplicate, signature and schema verdicts. h are
// the request's own headers (before redaction): the signature needs them. The body's
// verdict is validation's, the one `whk validate` gives the same bytes.
func (l *Listener) inspect(d *Delivery, h http.Header, rt *route) {
	rec := d.Record
	v := rt.check.Judge(validation.Body{Data: rec.Body, Header: h})
	p := v.Provider
	d.unparsable = v.Doc == nil
	if p != nil {
		rec.Provider = p.ID
		d.Types = v.Types
		rec.Type = strings.Join(v.Types, ",")
		rec.ID = p.IDOf(h, v.Doc)
	}
	rec.Signature = l.verify(p, rt.keys, rec.Body, h, d)
	rec.Schema = schemaOf(v)
	if l.cfg.RejectInvalid {
		d.refused, d.refusedWhy = refusal(d)
	}
	// A refused delivery is not remembered: a forged one must not make the real
	// delivery with its id look like a duplicate.
	if rec.ID != "" && d.refused == 0 {
		rec.Duplicate = l.seen.seen(p.ID, rec.ID)
	}
}

// schemaOf is a verdict as the record carries it: unknown event types are errors of
// the unknown-type status.
func schemaOf(v validation.Verdict) *record.Schema {
	s := &record.Schema{Status: v.Status}
	if n := len(v.Unknown) + len(v.Errors); n > 0 {
		s.Errors = make([]record.Problem, 0, n)
		s.Errors = appendProblems(s.Errors, v.Unknown)
		s.Errors = appendProblems(s.Errors, v.Errors)
	}
	if len(v.Warnings) > 0 {
		s.Warnings = appendProblems(make([]record.Problem, 0, len(v.Warnings)), v.Warnings)
	}
	return s
}

func appendProblems(dst []record.Problem, ps []validation.Problem) []record.Problem {
	for _, p := range ps {
		dst = append(dst, record.Problem{Pointer: p.Pointer, Message: p.Message})
	}
	return dst
}

// verify gives the signature verdict, with the reason when it is not valid.
// schemeFor is a provider's signing scheme, or why it has none.
type schemeFor struct {
	s   signing.Scheme
	err error
}

// scheme builds p's signing scheme the first time a delivery needs it: schemes are
// immutable, and building one (parsing its templates) cost 7% of a delivery.
func (l *Listener) scheme(p *catalog.Provider) (signing.Scheme, error) {
	if v, ok := l.schemes.Load(p); ok {
		f := v.(schemeFor)
		return f.s, f.err
	}
	s, err := signing.For(p, l.cfg.AuthHeader)
	l.schemes.Store(p, schemeFor{s, err})
	return s, err
}

func (l *Listener) verify(p *catalog.Provider, keys func(*catalog.Provider) *signing.Keys, body []byte, h http.Header, d *Delivery) *record.Signature {
	if p == nil {
		return &record.Signature{Status: signing.StatusUnchecked, Reason: "the provider is unknown, so the signature scheme is too"}
	}
	k := keys(p)
	if k == nil {
		return &record.Signature{Status: signing.StatusUnchecked, Reason: "no secret or key given"}
	}
	s, err := l.scheme(p)
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
