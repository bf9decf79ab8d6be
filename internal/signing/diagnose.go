package signing

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"
)

// Cause names one of the usual reasons a signature does not verify.
type Cause string

// The causes Diagnose can name.
const (
	CauseBodyReserialised Cause = "body-reserialised"
	CauseTrailingNewline  Cause = "trailing-newline"
	CauseEncoding         Cause = "encoding"
	CauseMissingPrefix    Cause = "missing-prefix"
	CauseMalformed        Cause = "malformed-signature"
	CauseWhsecSecret      Cause = "whsec-secret"
	CauseKeyForm          Cause = "key-form"
	CauseSecretWhitespace Cause = "secret-whitespace"
	CauseOtherScheme      Cause = "other-scheme"
	CauseTokenHeader      Cause = "token-header"
	CauseTimestamp        Cause = "timestamp"
	CauseBodyNotCovered   Cause = "body-not-covered"
	CauseUnexplained      Cause = "unexplained"
)

// Finding is one explanation of a failed signature.
type Finding struct {
	Cause   Cause  `json:"cause"`
	Message string `json:"message"`
	// Confirmed means the cause is certain: whk re-checked the signature under this
	// explanation and it verified, or (CauseMalformed) the signature's form alone rules
	// out a match. Otherwise the finding is a likely cause judged from the signature's shape.
	Confirmed bool `json:"confirmed"`
}

// Alternative is another provider's scheme a request may have been signed with.
type Alternative struct {
	Provider string // catalog id, for "-p ID"
	Name     string // display name
	Scheme   Scheme
}

// DiagnoseInput is a failed verification to explain.
type DiagnoseInput struct {
	Scheme   Scheme
	Provider string // display name of the provider being verified
	Body     []byte
	Header   http.Header
	Keys     Keys
	Options  VerifyOptions
	Others   []Alternative
}

// diagnosable is what a scheme knows about its own mistakes. Every scheme the catalog
// names implements it in its own file (TestEverySchemeStatesItsFacts holds each to it),
// so Diagnose only orchestrates and adding a scheme touches that file alone.
type diagnosable interface {
	// misformatted re-checks the presented signature written the way the scheme wants
	// it (prefix, hex case, encoding), over body (the received one or a variant of it).
	misformatted(d *diagnoser, body []byte) (Finding, bool)
	// madeOtherwise re-checks the signature as another algorithm, other signed content
	// or another header makes it; it notes likely causes with d.maybe.
	madeOtherwise(d *diagnoser) (Finding, bool)
	// secretMistakes are the keys a sender may have signed with instead of secret,
	// besides the secret trimmed (which Diagnose tries for every scheme).
	secretMistakes(secret []byte, provider string) []secretMistake
	// malformed says why the presented signature cannot verify under any key (wrong
	// length, not hex, not base64, not the header's syntax), or "" when its form is right.
	malformed(body []byte, h http.Header, k Keys) string
}

// timestamped is what a scheme with Facts.Timestamped implements besides diagnosable.
type timestamped interface {
	// signedAt is when the request says it was signed; why is "" when that is within
	// the tolerance of o.Now, else why the timestamp alone fails. ok is false when the
	// request carries no readable timestamp.
	signedAt(h http.Header, o VerifyOptions) (at time.Time, why string, ok bool)
}

// secretMistake is a key a sender may have used by mistake, and what using it means.
type secretMistake struct {
	secret []byte
	cause  Cause
	msg    string
}

// Diagnose explains why a signature does not verify by re-checking it under each usual
// mistake and naming the first that makes it verify. Without one it names a malformed
// signature, or else returns the likely causes judged from the signature's shape, most
// likely first, and a CauseUnexplained finding that says what to check next. Oneflow
// always gets a CauseBodyNotCovered finding. Every re-check goes through the schemes'
// own constant-time comparisons; no message contains a secret or a token.
func Diagnose(in DiagnoseInput) []Finding {
	if in.Header == nil {
		in.Header = http.Header{}
	}
	d := &diagnoser{in: in, opts: in.Options}
	d.facts, _ = FactsOf(in.Scheme)
	d.scheme, _ = in.Scheme.(diagnosable)
	var out []Finding
	if d.facts.Warning != "" {
		out = append(out, Finding{CauseBodyNotCovered, d.facts.Warning, true})
	}
	r, err := in.Scheme.Verify(in.Body, in.Header, in.Keys, in.Options)
	if err == nil && r.Valid {
		return out
	}
	d.clockToTimestamp()
	if f, ok := d.confirm(); ok {
		out = append(out, f)
		if d.stale != nil && f.Cause != CauseTimestamp {
			out = append(out, *d.stale)
		}
		return out
	}
	if d.stale != nil {
		// Out of tolerance, though not the only trouble: say so beside the rest.
		d.likely = append(d.likely, Finding{CauseTimestamp, d.stale.Message, false})
	}
	if d.scheme != nil {
		if why := d.scheme.malformed(in.Body, in.Header, in.Keys); why != "" {
			msg := "a malformed signature matches under no key and no body, so the key is not the lead: check how the signature was copied (a cut or re-wrapped header, a truncated log line) and how the sender writes it"
			if r.Reason != why {
				msg = why + "; " + msg
			}
			out = append(out, Finding{CauseMalformed, msg, true})
			return append(out, d.likely...)
		}
	}
	out = append(out, d.likely...)
	return append(out, Finding{CauseUnexplained, d.unexplained(), false})
}

// Explained reports whether the findings say how the signature was made: a confirmed
// cause other than the body not being covered, or the signature being malformed.
func Explained(fs []Finding) bool {
	for _, f := range fs {
		if f.Confirmed && f.Cause != CauseBodyNotCovered && f.Cause != CauseMalformed {
			return true
		}
	}
	return false
}

type diagnoser struct {
	in     DiagnoseInput
	facts  Facts
	scheme diagnosable   // nil for a scheme of whk's own
	opts   VerifyOptions // with the clock moved to the signed timestamp
	stale  *Finding
	likely []Finding
	// variants are bodyVariants(in.Body), made once: both the body check and the
	// format-and-body check go through them, and each is up to ~130 re-serialisations.
	variants []bodyVariant
	varied   bool
}

func (d *diagnoser) bodyVariantsOnce() []bodyVariant {
	if !d.varied {
		d.variants, d.varied = bodyVariants(d.in.Body), true
	}
	return d.variants
}

func (d *diagnoser) verifies(body []byte, h http.Header, k Keys, o VerifyOptions) bool {
	r, err := d.in.Scheme.Verify(body, h, k, o)
	return err == nil && r.Valid
}

func (d *diagnoser) try(body []byte, h http.Header, k Keys) bool {
	return d.verifies(body, h, k, d.opts)
}

func (d *diagnoser) maybe(c Cause, format string, a ...any) {
	d.likely = append(d.likely, Finding{c, fmt.Sprintf(format, a...), false})
}

// clockToTimestamp moves the clock to the time a timestamped scheme says it signed at,
// so that the other checks are not masked by it, and notes when the timestamp alone is
// the trouble.
func (d *diagnoser) clockToTimestamp() {
	ts, ok := d.in.Scheme.(timestamped)
	if !ok {
		return
	}
	at, why, ok := ts.signedAt(d.in.Header, d.in.Options)
	if !ok {
		return
	}
	d.opts.Now = at
	if why != "" {
		d.stale = &Finding{CauseTimestamp, why, true}
	}
}

// confirm runs the re-checks, most specific first, and returns the first that verifies.
func (d *diagnoser) confirm() (Finding, bool) {
	in := d.in
	if d.stale != nil && d.try(in.Body, in.Header, in.Keys) {
		return *d.stale, true
	}
	checks := []func() (Finding, bool){d.signatureFormat, d.otherProvider, d.otherWay, d.secretVariants, d.bodyVariants}
	for _, check := range checks {
		if f, ok := check(); ok {
			f.Confirmed = true
			return f, true
		}
	}
	// Two mistakes at once: the signature's format and a changed body.
	if d.coversBody() && d.scheme != nil {
		for _, v := range d.bodyVariantsOnce() {
			if f, ok := d.scheme.misformatted(d, v.body); ok {
				f.Confirmed = true
				f.Message += "; and " + v.what
				return f, true
			}
		}
	}
	return Finding{}, false
}

// signatureFormat re-checks the presented signature written the way the scheme wants.
func (d *diagnoser) signatureFormat() (Finding, bool) {
	if d.scheme == nil {
		return Finding{}, false
	}
	return d.scheme.misformatted(d, d.in.Body)
}

// otherWay re-checks the signature as the scheme's usual look-alikes make it.
func (d *diagnoser) otherWay() (Finding, bool) {
	if d.scheme == nil {
		return Finding{}, false
	}
	return d.scheme.madeOtherwise(d)
}

// otherProvider re-checks a request that carries another provider's signature header
// as that provider's scheme.
func (d *diagnoser) otherProvider() (Finding, bool) {
	in := d.in
	ours := signatureHeaders(in.Scheme)
	present := func(name string) bool { return strings.TrimSpace(in.Header.Get(name)) != "" }
	oursPresent := false
	for _, n := range ours {
		oursPresent = oursPresent || present(n)
	}
	for _, alt := range in.Others {
		for _, n := range signatureHeaders(alt.Scheme) {
			if !present(n) || containsFold(ours, n) {
				continue
			}
			r, err := alt.Scheme.Verify(in.Body, in.Header, in.Keys, d.opts)
			if err == nil && r.Valid {
				same := ""
				if alt.Scheme.Name() == in.Scheme.Name() {
					same = fmt.Sprintf(" (the same %s scheme as %s, under another header)", alt.Scheme.Name(), in.Provider)
				}
				return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the request is signed the %s way, in %s%s, and that signature verifies with this key: verify it with -p %s", alt.Name, n, same, alt.Provider)}, true
			}
			if !oursPresent {
				d.maybe(CauseOtherScheme, "the request carries %s's %s header, not %s: was it sent by %s? (try -p %s)", alt.Name, n, strings.Join(ours, "/"), alt.Name, alt.Provider)
			}
		}
	}
	return Finding{}, false
}

// secretVariants re-checks with the secret trimmed, then with the keys the scheme says
// a sender may have used by mistake.
func (d *diagnoser) secretVariants() (Finding, bool) {
	in := d.in
	secret := in.Keys.Secret
	if len(secret) == 0 {
		return Finding{}, false
	}
	var cands []secretMistake
	if t := bytes.TrimSpace(secret); len(t) != len(secret) && len(t) > 0 {
		cands = append(cands, secretMistake{t, CauseSecretWhitespace, "the secret you gave has leading or trailing whitespace (or an extra newline), and the signature matches it trimmed: check the secret file or variable (--secret-file ignores one trailing newline, nothing else)"})
	}
	if d.scheme != nil {
		cands = append(cands, d.scheme.secretMistakes(secret, in.Provider)...)
	}
	for _, c := range cands {
		k := in.Keys
		k.Secret = c.secret
		if d.try(in.Body, in.Header, k) {
			return Finding{Cause: c.cause, Message: c.msg}, true
		}
	}
	return Finding{}, false
}

// bodyVariants re-checks the body with the usual re-serialisations, for the schemes
// whose signature covers the body.
func (d *diagnoser) bodyVariants() (Finding, bool) {
	if !d.coversBody() {
		return Finding{}, false
	}
	for _, v := range d.bodyVariantsOnce() {
		if d.try(v.body, d.in.Header, d.in.Keys) {
			return Finding{Cause: v.cause, Message: v.what}, true
		}
	}
	// A body whose keys are all sorted was most likely re-serialised by the receiver:
	// the order it was signed in is lost, so whk cannot re-check it, only say so, first.
	if len(d.in.Body) <= maxReformat {
		if root, err := parseJSON(d.in.Body); err == nil {
			if sorted, multi := keysSorted(root); sorted && multi {
				f := Finding{CauseBodyReserialised, "every object's keys are in sorted order, as serialisers that sort keys write them (Python's sort_keys, Go maps, jq -S, PHP's ksort): most likely the body was parsed and re-serialised after it arrived, and the order it was signed in is lost, so whk cannot re-check it; verify the raw bytes as received, before any JSON parsing", false}
				d.likely = append([]Finding{f}, d.likely...)
			}
		}
	}
	return Finding{}, false
}

// unexplained says what to check next. With likely causes already said it points past
// them; without, it lists what whk ruled out.
func (d *diagnoser) unexplained() string {
	if d.unsigned() {
		return "there is no signature to check: pass it with --signature VALUE, -H 'Name: value' or --request FILE"
	}
	lead := orDefault(d.facts.Mismatch, "check the key")
	if len(d.likely) > 0 {
		return "if none of the above is it: " + lead
	}
	var tried []string
	if d.facts.CoversBody {
		tried = append(tried, "body re-serialised or re-escaped", "trailing newline")
	}
	if d.facts.Token {
		tried = append(tried, "the token in another header or behind an auth scheme", "token whitespace")
	} else {
		tried = append(tried, "signature encoding or prefix", "another algorithm", "secret whitespace or encoding")
	}
	if len(d.in.Others) > 0 {
		tried = append(tried, "another provider's scheme")
	}
	if d.facts.Timestamped {
		tried = append(tried, "timestamp")
	}
	return "none of the usual mistakes explains it (" + strings.Join(tried, ", ") + "): " + lead
}

// unsigned reports whether the request carries no signature (or token) at all.
func (d *diagnoser) unsigned() bool {
	if d.facts.Field != "" {
		got, _ := topLevelStringField(d.in.Body, d.facts.Field)
		return got == ""
	}
	for _, n := range signatureHeaders(d.in.Scheme) {
		if strings.TrimSpace(d.in.Header.Get(n)) != "" {
			return false
		}
	}
	return true
}

// coversBody reports whether the scheme's signature covers the body.
func (d *diagnoser) coversBody() bool {
	f, ok := FactsOf(d.in.Scheme)
	return !ok || f.CoversBody
}

// plainSecretMistakes are the keys a sender of a scheme that uses the secret string as
// it is may have signed with: the secret with the newline of its file, or a whsec_
// secret decoded the Standard Webhooks way.
func plainSecretMistakes(secret []byte, provider string) []secretMistake {
	var out []secretMistake
	for _, nl := range []string{"\n", "\r\n"} {
		out = append(out, secretMistake{append(append([]byte{}, secret...), nl...), CauseSecretWhitespace, fmt.Sprintf("the signature was made with the secret plus a trailing %q: the sender reads its secret from a file or variable and keeps the newline", nl)})
	}
	if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
		if key, err := DecodeWhsec(secret); err == nil {
			out = append(out, secretMistake{key, CauseWhsecSecret, fmt.Sprintf("the signature was made with the whsec_ secret base64-decoded, as Standard Webhooks does; %s uses the secret string as it is", provider)})
		}
		out = append(out, secretMistake{rest, CauseWhsecSecret, "the signature was made with the secret minus its whsec_ prefix"})
	}
	return out
}

func withHeader(h http.Header, name, value string) http.Header {
	c := h.Clone()
	c.Set(name, value)
	return c
}

// b64Decode accepts standard and URL-safe base64, padded or not.
func b64Decode(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && s != ""
}

// hexShape says what is wrong with s as the n hex digits of a digest, or "".
func hexShape(s string, n int, digest string) string {
	switch {
	case s == "":
		return "it is empty"
	case !isHex(s):
		return fmt.Sprintf("it is not hex (%s is %d hex digits)", digest, n)
	case len(s) != n:
		return fmt.Sprintf("it has %d hex digits; %s has %d", len(s), digest, n)
	}
	return ""
}

func topLevelStringField(body []byte, field string) (string, bool) {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return "", false
	}
	var s string
	if json.Unmarshal(doc[field], &s) != nil {
		return "", false
	}
	return s, true
}

func hexMAC(h func() hash.Hash, key, msg []byte) string {
	m := hmac.New(h, key)
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil))
}

func hexHash(h hash.Hash, parts ...[]byte) string {
	for _, p := range parts {
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// equal is a constant-time string comparison that does not fail on a length mismatch.
func equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// signatureHeaders are the headers a scheme reads its signature or token from.
func signatureHeaders(s Scheme) []string {
	if name := SignatureHeader(s); name != "" {
		return []string{name}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// bodyWithoutField is the body as it was before a signature field was added at its end,
// best effort: the body itself when the field is elsewhere.
func bodyWithoutField(body []byte, field string) []byte {
	start, end, found, err := topLevelSpan(body, field)
	if err != nil || !found {
		return body
	}
	key := bytes.LastIndex(body[:start], []byte(`"`+field+`"`))
	comma := bytes.LastIndexByte(body[:max(key, 0)], ',')
	if key < 0 || comma < 0 || strings.TrimSpace(string(body[end:])) != "}" {
		return body
	}
	return append(append([]byte{}, body[:comma]...), body[end:]...)
}
