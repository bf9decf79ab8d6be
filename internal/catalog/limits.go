package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// A --catalog file is input like any other: it names files (schema --out writes
// <id>/<type>.schema.json), fills headers, sizes schedules and schemas. These limits
// make a bad file one error at load instead of a write outside the directory, a forged
// header, a run of hours or a schema of megabytes.
const (
	// MaxFieldDepth bounds how deeply fields nest (fields and items each count one
	// level). The built-in catalog needs 4; 3,000 levels made validate run for minutes.
	MaxFieldDepth = 32
	// maxNameLen bounds provider ids, aliases and event types.
	maxNameLen = 128
	// maxRetries bounds retry.retries; the built-in providers document at most 12.
	maxRetries = 100
	// maxDelay bounds one retry delay (the longest documented is Ironclad's last,
	// 60s·2^11 ≈ 34h).
	maxDelay = 7 * 24 * time.Hour
	// maxFactor bounds retry.factor.
	maxFactor = 10
	// maxTimeout bounds a provider's delivery timeout (the built-ins say 10–30 s).
	maxTimeout = 10 * time.Minute
	// maxBody bounds a provider's documented maximum body (whk test sends one that
	// large; listen's default --max-body is 10 MiB).
	maxBody = 64 << 20
	// maxFreshLength bounds the length of a fresh random value.
	maxFreshLength = 256
)

// checkProviderName checks an id or alias: selection lower-cases and trims the name the
// user gives (Catalog.Provider), and the id names a directory under schema --out, so
// only lower-case letters, digits, '.', '_' and '-' can be both selected and safe.
func checkProviderName(what, name string) error {
	if name == "" {
		return fmt.Errorf("missing %q", what)
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("%s is longer than %d characters", what, maxNameLen)
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		case c >= 'A' && c <= 'Z':
			return fmt.Errorf("%s %q has upper case, which -p can never select (it lower-cases): write it in lower case", what, name)
		default:
			return fmt.Errorf("%s %q may hold only a-z, 0-9, '.', '_' and '-'", what, name)
		}
	}
	if name[0] == '.' || strings.Contains(name, "..") {
		return fmt.Errorf("%s %q must not start with '.' or hold \"..\"", what, name)
	}
	return nil
}

// checkEventType checks a type as a name: it is matched exactly (case and all), becomes
// a file name (FileName), and is printed and sent in headers, so it holds no path
// separator, no "..", no leading '.', and no space, control or invisible character.
func checkEventType(typ string) error {
	if typ == "" {
		return fmt.Errorf("an event has no \"type\"")
	}
	if len(typ) > maxNameLen {
		return fmt.Errorf("event type %.40q… is longer than %d characters", typ, maxNameLen)
	}
	for _, c := range typ {
		if c == '/' || c == '\\' || c == ' ' || !unicode.IsGraphic(c) || unicode.IsSpace(c) {
			return fmt.Errorf("event type %q holds %q: types may not hold path separators, spaces, control or invisible characters", typ, c)
		}
	}
	if f := (&Event{Type: typ}).FileName(); f[0] == '.' || strings.Contains(f, "..") {
		return fmt.Errorf("event type %q must not start with '.' or ':', or hold \"..\" (its file would be %q)", typ, f)
	}
	return nil
}

// checkFields checks field nesting depth and that every pattern compiles with Go's
// regexp, as the schema library's does: a pattern it cannot run (lookahead,
// backreferences) fails the catalog here, once, not every item validated.
func checkFields(where string, fields []Field, depth int) error {
	for i := range fields {
		if err := checkField(where, &fields[i], depth); err != nil {
			return err
		}
	}
	return nil
}

func checkField(where string, f *Field, depth int) error {
	if depth > MaxFieldDepth {
		return fmt.Errorf("%s: fields nest deeper than %d levels", where, MaxFieldDepth)
	}
	if f.Pattern != "" {
		if _, err := regexp.Compile(f.Pattern); err != nil {
			return fmt.Errorf("%s: field %q: pattern %q is not a regular expression whk can run (RE2 syntax: no lookaround or backreferences): %v", where, f.Name, f.Pattern, unwrapRegexp(err))
		}
	}
	if err := checkFields(where, f.Fields, depth+1); err != nil {
		return err
	}
	if f.Items != nil {
		return checkField(where, f.Items, depth+1)
	}
	return nil
}

// unwrapRegexp drops regexp's "error parsing regexp: " prefix, which the message
// already says in words.
func unwrapRegexp(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// checkHeaderName accepts an HTTP field name (RFC 9110 token).
func checkHeaderName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s is empty", what)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return fmt.Errorf("%s %q is not an HTTP header name", what, name)
		}
	}
	return nil
}

// checkHeaderValue refuses control characters (CR and LF above all, which would end
// the header and start another) in anything whk puts in a header.
func checkHeaderValue(what, value string) error {
	for _, c := range value {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return fmt.Errorf("%s %q holds a control character, which would break the header", what, value)
		}
	}
	return nil
}

// checkHeaders checks every header name and value the provider's deliveries carry.
func (p *Provider) checkHeaders() error {
	for _, h := range p.Headers {
		if err := checkHeaderName("header name", h.Name); err != nil {
			return err
		}
		if err := checkHeaderValue("header "+h.Name+" value", h.Value); err != nil {
			return err
		}
	}
	for _, n := range []struct{ what, name string }{{"scheme.header", p.Scheme.Header}, {"scheme.event_id_header", p.Scheme.EventIDHeader}} {
		if n.name != "" {
			if err := checkHeaderName(n.what, n.name); err != nil {
				return err
			}
		}
	}
	for _, v := range []struct{ what, value string }{{"scheme.prefix", p.Scheme.Prefix}, {"content_type", p.ContentType}, {"user_agent", p.UserAgent}} {
		if err := checkHeaderValue(v.what, v.value); err != nil {
			return err
		}
	}
	return nil
}

// checkNumbers range-checks every number the provider gives: a retry count of two
// billion, a factor that overflows the delays, a negative timeout or a fresh value a
// gigabyte long are load errors.
func (p *Provider) checkNumbers() error {
	if p.MaxBody < 0 || p.MaxBody > maxBody {
		return fmt.Errorf("max_body %d is outside 0–%d bytes", p.MaxBody, maxBody)
	}
	if t := time.Duration(p.Timeout); t < 0 || t > maxTimeout {
		return fmt.Errorf("timeout %s is outside 0–%s", t, maxTimeout)
	}
	r := p.Retry
	if r.Retries < 0 || r.Retries > maxRetries {
		return fmt.Errorf("retry.retries %d is outside 0–%d", r.Retries, maxRetries)
	}
	if len(r.Delays) > maxRetries {
		return fmt.Errorf("retry.delays lists %d delays, more than %d", len(r.Delays), maxRetries)
	}
	for _, d := range r.Delays {
		if d := time.Duration(d); d <= 0 || d > maxDelay {
			return fmt.Errorf("retry.delays: %s is outside 0–%s", d, maxDelay)
		}
	}
	if b := time.Duration(r.Base); b < 0 || b > maxDelay {
		return fmt.Errorf("retry.base %s is outside 0–%s", b, maxDelay)
	}
	if (r.Factor != 0 || r.Base > 0) && (r.Factor < 1 || r.Factor > maxFactor) {
		return fmt.Errorf("retry.factor %g is outside 1–%d", r.Factor, maxFactor)
	}
	if r.Base > 0 {
		// The last delay of base·factor^(retries-1) must fit too.
		d := float64(r.Base)
		for i := 1; i < r.Retries; i++ {
			if d *= r.Factor; d > float64(maxDelay) {
				return fmt.Errorf("retry: base %s × factor %g grows past %s by retry %d", time.Duration(r.Base), r.Factor, maxDelay, i+1)
			}
		}
	}
	for _, list := range []struct {
		key      string
		statuses []int
	}{{"success.stop_statuses", p.Success.StopStatuses}, {"retry.throttle_statuses", p.Retry.ThrottleStatuses}} {
		for _, s := range list.statuses {
			if s < 100 || s > 599 {
				return fmt.Errorf("%s: %d is not an HTTP status", list.key, s)
			}
		}
	}
	for _, f := range p.Fresh {
		if f.Length < 0 || f.Length > maxFreshLength {
			return fmt.Errorf("fresh %q: length %d is outside 0–%d", f.At, f.Length, maxFreshLength)
		}
	}
	return nil
}
