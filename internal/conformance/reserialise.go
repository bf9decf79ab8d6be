package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

// CheckRawBody holds a receiver to the signed bytes: every body whk sends elsewhere is
// compact JSON in the example's key order without escapes, which is exactly what
// JSON.stringify(JSON.parse(body)) gives back, so a receiver that verifies a
// re-serialisation passes every other check and breaks on the first sender that
// indents, spaces or escapes differently.
const CheckRawBody = "raw-body"

// bodyForm is one way a sender may write the same JSON value with other bytes. Each
// keeps key order and number literals, so only the bytes a parser throws away change.
type bodyForm struct {
	name    string
	rewrite func([]byte) []byte
}

var bodyForms = []bodyForm{
	{"indented", func(b []byte) []byte {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") != nil {
			return b
		}
		return out.Bytes()
	}},
	{"spaced like Python's json.dumps", func(b []byte) []byte { return rewriteJSON(b, true, false) }},
	{`"\/" and "\u00e9" escapes like PHP's json_encode`, func(b []byte) []byte { return rewriteJSON(b, false, true) }},
}

// escapeForm is the index of the escaping form, which needs a body with something to
// escape.
const escapeForm = 2

// rawBody sends the base event in every body form, each a new delivery signed over
// the bytes sent, after the compact form of the same event as a control.
func (r *runner) rawBody(ctx context.Context) Result {
	switch f, _ := signing.FactsOf(r.o.Scheme); {
	case !f.CoversBody:
		return skip("not applicable: "+f.Uncovered, r.p.Name)
	case f.Reserialised != "":
		return skip("not applicable: %s signs %s, so a receiver that verifies a compact re-serialisation in key order does what %s's documentation asks", r.p.Name, f.Reserialised, r.p.Name)
	}
	type attempt struct {
		e    *catalog.Event
		form bodyForm
	}
	var attempts []attempt
	for i, f := range bodyForms {
		e := r.base()
		if i == escapeForm {
			if e = r.escapable(); e == nil {
				continue
			}
		}
		attempts = append(attempts, attempt{e, f})
	}
	// The compact form first: when it is refused too, the endpoint's trouble is not
	// the form of the body, and signed-delivery names it.
	controlled := map[*catalog.Event]bool{}
	for _, a := range attempts {
		if controlled[a.e] {
			continue
		}
		controlled[a.e] = true
		d, err := r.build(a.e)
		if err != nil {
			return fail("%v", err)
		}
		ans := r.send(ctx, a.e.Type+" (compact)", d)
		if ctx.Err() != nil {
			return Result{}
		}
		if !r.acknowledged(ans) {
			return fail("the compact form of %s was not acknowledged (%s): %s; until it is, this check proves nothing (see signed-delivery)", a.e.Type, r.rule(), describe(ans))
		}
	}
	var sent, refused []string
	all4xx := true
	statuses := map[int]int{}
	for _, a := range attempts {
		d, err := delivery.FromExample(r.p, a.e, delivery.BuildOptions{Now: r.now})
		if err != nil {
			return fail("%s: %v", a.e.Type, err)
		}
		body := a.form.rewrite(d.Body)
		if bytes.Equal(body, d.Body) {
			continue
		}
		d.Body = body
		if err := r.sign(d, r.o.Keys, signing.Params{}); err != nil {
			return fail("%v", err)
		}
		what := a.form.name
		switch {
		case a.e.Type != r.base().Type:
			what += " (" + a.e.Type + ")"
		case a.e != r.base():
			what += " (whk's test body, which has both)"
		}
		sent = append(sent, what)
		ans := r.send(ctx, a.e.Type+" ("+a.form.name+")", d)
		if ctx.Err() != nil {
			return Result{}
		}
		if r.acknowledged(ans) {
			statuses[ans.Status]++
			continue
		}
		all4xx = all4xx && ans.Err == nil && ans.Status >= 400 && ans.Status < 500
		refused = append(refused, what+": "+describe(ans))
	}
	if len(sent) == 0 {
		return skip("every body whk would send reads the same in every form")
	}
	note := ""
	if len(attempts) < len(bodyForms) {
		note = ` (no example has "/" or non-ASCII text to escape)`
	}
	if len(refused) == 0 {
		return pass("%d correctly signed bodies in other forms acknowledged (%s): %s%s", len(sent), countStatuses(statuses), strings.Join(sent, "; "), note)
	}
	if all4xx {
		return fail("rejected a correctly signed body that is not in canonical form: it verifies a re-serialisation, not the raw bytes (%d of %d refused: %s); compute the signature over the body exactly as received, before parsing it", len(refused), len(sent), list(refused))
	}
	return fail("%d of %d correctly signed bodies in another form not acknowledged (%s): %s", len(refused), len(sent), r.rule(), list(refused))
}

// escapable is the first event whose example has text the escaping form changes. A
// provider whose catalog lists no events has a free envelope (Standard Webhooks): whk
// sends its own test body with such text.
func (r *runner) escapable() *catalog.Event {
	for _, e := range r.events {
		if hasEscapable(e.Example) {
			return e
		}
	}
	if len(r.p.Events) > 0 {
		return nil
	}
	e := syntheticEvent(r.p)
	root, err := jsontree.Parse(e.Example)
	if err != nil {
		return nil
	}
	jsontree.SetPointer(root, "/data/message", func(any) any { return "conformance test from whk: café, https://example.com/hooks" })
	if e.Example, err = jsontree.Marshal(root); err != nil {
		return nil
	}
	return e
}

func hasEscapable(b []byte) bool {
	return !bytes.Equal(rewriteJSON(b, false, true), b)
}

// rewriteJSON rewrites valid JSON byte by byte: spaced puts a space after every "," and
// ":" between tokens, escaped writes "/" as "\/" and non-ASCII characters as \uXXXX
// (surrogate pairs beyond U+FFFF) inside strings. Escapes already there are kept.
func rewriteJSON(b []byte, spaced, escaped bool) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	inString := false
	for i := 0; i < len(b); {
		c := b[i]
		if !inString {
			out = append(out, c)
			switch {
			case c == '"':
				inString = true
			case spaced && (c == ',' || c == ':'):
				out = append(out, ' ')
			}
			i++
			continue
		}
		switch {
		case c == '\\' && i+1 < len(b):
			out = append(out, b[i:i+2]...)
			i += 2
		case c == '"':
			inString = false
			out = append(out, c)
			i++
		case escaped && c == '/':
			out = append(out, '\\', '/')
			i++
		case escaped && c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				out = append(out, c) // not UTF-8: leave the byte as it came
			case r > 0xFFFF:
				r1, r2 := utf16.EncodeRune(r)
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			default:
				out = fmt.Appendf(out, `\u%04x`, r)
			}
			i += n
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}
