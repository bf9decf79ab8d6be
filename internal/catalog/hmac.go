package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// SchemeHMAC is the declarative HMAC scheme: a provider's catalog file says what is
// signed, with which algorithm, key and encoding, and how the header is written.
// hmac-sha256 and standard-webhooks are presets of it (see HMAC).
const SchemeHMAC = "hmac"

// The parts a signed-content template may name, and those a header value may name.
const (
	PartBody      = "body"
	PartTimestamp = "timestamp"
	PartID        = "id"
	PartHeader    = "header" // {header:Name}
	PartSignature = "signature"
)

// The algorithms, key forms and encodings a declarative HMAC scheme may use.
var (
	HMACAlgorithms = []string{"sha256", "sha1", "sha512"}
	// HMACKeyForms: raw uses the secret's bytes; base64 decodes them; whsec decodes the
	// base64 after an optional whsec_ prefix (Standard Webhooks).
	HMACKeyForms  = []string{"raw", "base64", "whsec"}
	HMACEncodings = []string{"hex", "base64"}
)

// Part is one piece of a template: a literal, or a named value ({body}, {header:Name}).
type Part struct {
	Literal string
	Name    string // "" for a literal
	Arg     string // the header name of {header:Name}
}

// String writes the part back as template text.
func (p Part) String() string {
	switch {
	case p.Name == "":
		return p.Literal
	case p.Arg != "":
		return "{" + p.Name + ":" + p.Arg + "}"
	}
	return "{" + p.Name + "}"
}

// Template is a parsed template.
type Template []Part

// Has reports whether the template names the part name.
func (t Template) Has(name string) bool { return t.count(name) > 0 }

func (t Template) count(name string) int {
	n := 0
	for _, p := range t {
		if p.Name == name {
			n++
		}
	}
	return n
}

// String writes the template back as text.
func (t Template) String() string {
	var b strings.Builder
	for _, p := range t {
		b.WriteString(p.String())
	}
	return b.String()
}

// ParseTemplate splits s into literals and the parts in allowed ("header" admits
// {header:Name}). There is no escape: "{" always opens a part and "}" always closes one.
func ParseTemplate(s string, allowed ...string) (Template, error) {
	var out Template
	literal := func(text string) error {
		if i := strings.IndexByte(text, '}'); i >= 0 {
			return fmt.Errorf("a \"}\" closes no part")
		}
		if text != "" {
			out = append(out, Part{Literal: text})
		}
		return nil
	}
	for s != "" {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			return out, literal(s)
		}
		if err := literal(s[:open]); err != nil {
			return nil, err
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%q is not closed with \"}\"", s[open:])
		}
		inner := s[open+1 : open+end]
		name, arg, hasArg := strings.Cut(inner, ":")
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		switch {
		case !known || (name == PartHeader) != hasArg:
			return nil, fmt.Errorf("unknown part %s (%s)", shown("{"+inner+"}"), partList(allowed))
		case name == PartHeader:
			if err := checkHeaderName("the header of "+shown("{"+inner+"}"), arg); err != nil {
				return nil, err
			}
		}
		if len(out) > 0 && out[len(out)-1].Name != "" {
			return nil, fmt.Errorf("%s follows another part with nothing between them, so they cannot be told apart", shown("{"+inner+"}"))
		}
		out = append(out, Part{Name: name, Arg: arg})
		s = s[open+end+1:]
	}
	return out, nil
}

// shown is text from a catalog as an error shows it: as it is, or quoted when it holds
// anything that is not printable, so that an error stays one line.
func shown(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func partList(allowed []string) string {
	var names []string
	for _, a := range allowed {
		if a == PartHeader {
			names = append(names, "{header:Name}")
		} else {
			names = append(names, "{"+a+"}")
		}
	}
	return "one of " + strings.Join(names, ", ")
}

// HMACSpec is a declarative HMAC scheme, checked: what whk signs and how it writes it.
type HMACSpec struct {
	// Signed is the signed content: {body}, {timestamp}, {id}, {header:Name} and literals.
	Signed    Template
	Algorithm string // sha256, sha1, sha512
	Key       string // raw, base64, whsec
	Encoding  string // hex, base64
	// Header carries the signature; Value is how it is written: {signature}, and
	// {timestamp} or {id} when they travel in it ("t={timestamp},v1={signature}").
	Header string
	Value  Template
	// Separator splits a header holding several values (key rotation): " " for any
	// run of spaces; "" for one value.
	Separator string
	// TimestampHeader and IDHeader carry {timestamp} (Unix seconds) and {id} when the
	// value does not.
	TimestampHeader string
	IDHeader        string
	// Tolerance is how far a timestamp may be from now (0 when none is signed).
	Tolerance time.Duration
	// IDPrefix starts the fresh ids whk makes for {id}.
	IDPrefix string
	// Ed25519Value, when set, is how an ed25519 signature over the same content is
	// written, made with a whsk_ key and checked with a whpk_ one (Standard Webhooks v1a).
	Ed25519Value Template
}

// Timestamped reports whether the scheme signs a timestamp.
func (s *HMACSpec) Timestamped() bool { return s.Signed.Has(PartTimestamp) }

// DefaultTolerance is the Standard Webhooks reference libraries' window, used by a
// timestamped scheme that names none.
const DefaultTolerance = 5 * time.Minute

// maxTolerance bounds a catalog's tolerance: a day-old signature is no longer fresh.
const maxTolerance = 24 * time.Hour

// presets are the built-in schemes the declarative form expresses: the one place where
// their old names become data.
var presets = map[string]Scheme{
	SchemeHMACSHA256: {Signed: "{body}", Algorithm: "sha256", Key: "raw", Encoding: "hex"},
	SchemeStandardWebhooks: {
		Signed: "{id}.{timestamp}.{body}", Algorithm: "sha256", Key: "whsec", Encoding: "base64",
		Header: "webhook-signature", Value: "v1,{signature}", Separator: " ",
		TimestampHeader: "webhook-timestamp", IDHeader: "webhook-id", IDPrefix: "msg_",
		Ed25519Value: "v1a,{signature}",
	},
}

// HMAC returns the declarative HMAC description of the scheme; ok is false for a scheme
// outside the HMAC family. hmac-sha256 takes header, prefix and encoding over its
// preset; standard-webhooks takes nothing; hmac takes every key.
func (s Scheme) HMAC() (spec *HMACSpec, ok bool, err error) {
	d := s
	switch s.Name {
	case SchemeHMAC:
		if s.Header == "" {
			return nil, true, fmt.Errorf("scheme.header is required")
		}
	case SchemeHMACSHA256:
		d = presets[s.Name]
		d.Header, d.Encoding = s.Header, orDefault(s.Encoding, d.Encoding)
		d.Value = s.Prefix + "{signature}"
	case SchemeStandardWebhooks:
		d = presets[s.Name]
	default:
		return nil, false, nil
	}
	if s.Name == SchemeHMAC && s.Prefix != "" {
		if s.Value != "" {
			return nil, true, fmt.Errorf("scheme.prefix and scheme.value both say how the header is written: keep one")
		}
		d.Value = s.Prefix + "{signature}"
	}
	spec, err = d.parseHMAC()
	return spec, true, err
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (s Scheme) parseHMAC() (*HMACSpec, error) {
	d := s
	spec := &HMACSpec{
		Algorithm: orDefault(d.Algorithm, "sha256"), Key: orDefault(d.Key, "raw"), Encoding: orDefault(d.Encoding, "hex"),
		Header: d.Header, Separator: d.Separator, TimestampHeader: d.TimestampHeader, IDHeader: d.IDHeader,
		Tolerance: time.Duration(d.Tolerance), IDPrefix: d.IDPrefix,
	}
	for _, c := range []struct {
		what, value string
		in          []string
	}{
		{"algorithm", spec.Algorithm, HMACAlgorithms}, {"key", spec.Key, HMACKeyForms}, {"encoding", spec.Encoding, HMACEncodings},
	} {
		if !contains(c.in, c.value) {
			return nil, fmt.Errorf("scheme.%s: unknown %s %q (one of %s)", c.what, c.what, c.value, strings.Join(c.in, ", "))
		}
	}
	var err error
	if spec.Signed, err = ParseTemplate(orDefault(d.Signed, "{body}"), PartBody, PartTimestamp, PartID, PartHeader); err != nil {
		return nil, fmt.Errorf("scheme.signed: %w", err)
	}
	if !spec.Signed.Has(PartBody) {
		return nil, fmt.Errorf("scheme.signed must name {body}: whk's HMAC schemes sign the body")
	}
	values := []struct {
		what string
		text string
		to   *Template
	}{{"scheme.value", orDefault(d.Value, "{signature}"), &spec.Value}, {"scheme.ed25519_value", d.Ed25519Value, &spec.Ed25519Value}}
	for _, v := range values {
		if v.text == "" {
			continue
		}
		if err := checkHeaderValue(v.what, v.text); err != nil {
			return nil, err
		}
		if *v.to, err = ParseTemplate(v.text, PartSignature, PartTimestamp, PartID); err != nil {
			return nil, fmt.Errorf("%s: %w", v.what, err)
		}
		for _, name := range []string{PartSignature, PartTimestamp, PartID} {
			if n := v.to.count(name); n > 1 || (name == PartSignature && n != 1) {
				return nil, fmt.Errorf("%s must name {%s} once (it names it %d times)", v.what, name, n)
			}
		}
		if spec.Separator != "" {
			for _, p := range *v.to {
				if strings.Contains(p.Literal, spec.Separator) {
					return nil, fmt.Errorf("%s holds the separator %q, which splits the header into values", v.what, spec.Separator)
				}
			}
		}
	}
	if spec.Separator != "" && spec.Separator != " " && spec.Separator != "," {
		return nil, fmt.Errorf("scheme.separator %q: use \" \" or \",\" (or leave it out for one value)", spec.Separator)
	}
	for _, c := range []struct{ part, header, key string }{{PartTimestamp, spec.TimestampHeader, "timestamp_header"}, {PartID, spec.IDHeader, "id_header"}} {
		inValue := spec.Value.Has(c.part)
		switch {
		case c.header != "" && inValue:
			return nil, fmt.Errorf("scheme.%s and {%s} in scheme.value both carry the %s: keep one", c.key, c.part, c.part)
		case spec.Signed.Has(c.part) && c.header == "" && !inValue:
			return nil, fmt.Errorf("scheme.signed names {%s}, but nothing carries it: set scheme.%s or put {%s} in scheme.value", c.part, c.key, c.part)
		case c.header != "":
			if err := checkHeaderName("scheme."+c.key, c.header); err != nil {
				return nil, err
			}
		}
	}
	if spec.Header != "" {
		if err := checkHeaderName("scheme.header", spec.Header); err != nil {
			return nil, err
		}
	}
	switch {
	case spec.Tolerance < 0 || spec.Tolerance > maxTolerance:
		return nil, fmt.Errorf("scheme.tolerance %s is out of range (above 0, at most %s)", spec.Tolerance, maxTolerance)
	case spec.Tolerance > 0 && !spec.Timestamped():
		return nil, fmt.Errorf("scheme.tolerance is set, but scheme.signed names no {timestamp}")
	case spec.Tolerance == 0 && spec.Timestamped():
		spec.Tolerance = DefaultTolerance
	}
	if err := checkHeaderValue("scheme.id_prefix", spec.IDPrefix); err != nil {
		return nil, err
	}
	return spec, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
