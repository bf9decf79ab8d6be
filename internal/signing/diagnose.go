package signing

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"strconv"
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
	CauseWhsecSecret      Cause = "whsec-secret"
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
	// Confirmed means whk re-checked the signature under this explanation and it
	// verified; otherwise the finding is a likely cause judged from the signature's shape.
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

// Diagnose explains why a signature does not verify by re-checking it under each usual
// mistake and naming the first that makes it verify. Without one it returns the likely
// causes judged from the signature's shape and a CauseUnexplained finding. Oneflow
// always gets a CauseBodyNotCovered finding. Every re-check goes through the schemes'
// own constant-time comparisons; no message contains a secret or a token.
func Diagnose(in DiagnoseInput) []Finding {
	if in.Header == nil {
		in.Header = http.Header{}
	}
	d := &diagnoser{in: in, opts: in.Options}
	var out []Finding
	if f, _ := FactsOf(in.Scheme); f.Warning != "" {
		out = append(out, Finding{CauseBodyNotCovered, f.Warning, true})
	}
	if d.verifies(in.Body, in.Header, in.Keys, in.Options) {
		return out
	}
	d.timestampFirst()
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
	out = append(out, d.likely...)
	return append(out, Finding{CauseUnexplained, d.unexplained(), false})
}

// Explained reports whether a finding names a confirmed cause.
func Explained(fs []Finding) bool {
	for _, f := range fs {
		if f.Confirmed && f.Cause != CauseBodyNotCovered {
			return true
		}
	}
	return false
}

type diagnoser struct {
	in     DiagnoseInput
	opts   VerifyOptions // with the clock moved to the signed timestamp (Standard Webhooks)
	stale  *Finding
	likely []Finding
	// variants are bodyVariants(in.Body), made once: both the body check and the
	// format-and-body check go through them, and each is up to ~80 re-serialisations.
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

// timestampFirst moves the clock to a Standard Webhooks timestamp so that the other
// checks are not masked by it, and notes when the timestamp alone is the trouble.
func (d *diagnoser) timestampFirst() {
	if _, ok := d.in.Scheme.(*StandardWebhooks); !ok {
		return
	}
	ts, err := strconv.ParseInt(d.in.Header.Get(HeaderWebhookTimestamp), 10, 64)
	if err != nil {
		return
	}
	now, tol := d.in.Options.Now, d.in.Options.Tolerance
	if now.IsZero() {
		now = time.Now()
	}
	if tol <= 0 {
		tol = DefaultTolerance
	}
	signed := time.Unix(ts, 0)
	d.opts.Now = signed
	age := timestampAge(now, ts)
	if age <= tol && -age <= tol {
		return
	}
	var msg string
	switch {
	case ts > 1e12:
		msg = fmt.Sprintf("%s %d looks like milliseconds: Standard Webhooks timestamps are Unix seconds", HeaderWebhookTimestamp, ts)
	case age > 0:
		msg = fmt.Sprintf("%s is %s old, beyond the %s tolerance: a replayed or long-delayed delivery, or a clock that is behind; raise --tolerance to check an old capture", HeaderWebhookTimestamp, age.Round(time.Second), tol)
	default:
		msg = fmt.Sprintf("%s is %s in the future, beyond the %s tolerance: the sender's clock is ahead (or yours is behind)", HeaderWebhookTimestamp, (-age).Round(time.Second), tol)
	}
	d.stale = &Finding{CauseTimestamp, msg, true}
}

// confirm runs the re-checks, most specific first, and returns the first that verifies.
func (d *diagnoser) confirm() (Finding, bool) {
	in := d.in
	if d.stale != nil && d.try(in.Body, in.Header, in.Keys) {
		return *d.stale, true
	}
	checks := []func() (Finding, bool){d.signatureFormat, d.otherScheme, d.secretVariants, d.bodyVariants}
	for _, check := range checks {
		if f, ok := check(); ok {
			f.Confirmed = true
			return f, true
		}
	}
	// Two mistakes at once: the signature's format and a changed body.
	if d.coversBody() {
		for _, v := range d.bodyVariantsOnce() {
			if f, ok := d.signatureFormatOf(v.body); ok {
				f.Confirmed = true
				f.Message += "; and " + v.what
				return f, true
			}
		}
	}
	return Finding{}, false
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

// signatureFormat re-checks the presented signature written the way the scheme wants:
// prefix, hex case, hex or base64.
func (d *diagnoser) signatureFormat() (Finding, bool) { return d.signatureFormatOf(d.in.Body) }

// signatureFormatOf is signatureFormat over another body.
func (d *diagnoser) signatureFormatOf(body []byte) (Finding, bool) {
	in := d.in
	switch s := in.Scheme.(type) {
	case *HMAC:
		got := strings.TrimSpace(in.Header.Get(s.Header))
		if got == "" {
			return Finding{}, false
		}
		core, hasPrefix := strings.CutPrefix(got, s.Prefix)
		otherPrefix := ""
		if !hasPrefix {
			if i := strings.IndexAny(core, "=:"); i > 0 && i < 12 && !strings.ContainsAny(core[:i], ",/+") {
				otherPrefix, core = core[:i+1], core[i+1:]
			}
		}
		missing := ""
		if !hasPrefix {
			missing = fmt.Sprintf("the signature lacks the %q prefix", s.Prefix)
			if otherPrefix != "" {
				missing = fmt.Sprintf("the signature has the prefix %q instead of %q", otherPrefix, s.Prefix)
			}
		}
		type cand struct {
			value string
			cause Cause
			msg   string
		}
		var cands []cand
		if !hasPrefix {
			cands = append(cands, cand{s.Prefix + core, CauseMissingPrefix, missing + "; with it, it matches: send " + s.Header + ": " + s.Prefix + "<hex>"})
		}
		join := func(msg string) string {
			if missing != "" {
				return missing + ", and " + msg
			}
			return msg
		}
		if low := strings.ToLower(core); low != core && isHex(core) {
			cands = append(cands, cand{s.Prefix + low, CauseEncoding, join(fmt.Sprintf("the signature is upper-case hex; %s sends lower-case hex and the header is compared as a string", in.Provider))})
		}
		if b, ok := b64Decode(core); ok && len(b) == sha256.Size && !isHex(core) {
			cands = append(cands, cand{s.Prefix + hex.EncodeToString(b), CauseEncoding, join(fmt.Sprintf("the signature is base64; %s sends the HMAC as hex", in.Provider))})
		}
		for _, c := range cands {
			if d.try(body, withHeader(in.Header, s.Header, c.value), in.Keys) {
				return Finding{Cause: c.cause, Message: c.msg}, true
			}
		}
	case *StandardWebhooks:
		got := in.Header.Get(HeaderWebhookSignature)
		for _, entry := range strings.Fields(got) {
			version, sig, ok := strings.Cut(entry, ",")
			var value, msg string
			var cause Cause
			switch {
			case !ok && (strings.HasPrefix(entry, "v1=") || strings.HasPrefix(entry, "v1:")):
				value, cause, msg = "v1,"+entry[3:], CauseMissingPrefix, fmt.Sprintf("the signature is written %q…; Standard Webhooks writes the version and the signature separated by a comma: v1,<base64>", entry[:3])
			case !ok && isHex(entry) && len(entry) == 2*sha256.Size:
				b, _ := hex.DecodeString(entry)
				value, cause, msg = "v1,"+base64.StdEncoding.EncodeToString(b), CauseEncoding, "the signature lacks the \"v1,\" prefix and is hex; Standard Webhooks sends v1,<base64>"
			case !ok:
				value, cause, msg = "v1,"+entry, CauseMissingPrefix, "the signature lacks the \"v1,\" version prefix; with it, it matches: send webhook-signature: v1,<base64>"
			case version == "v1" && isHex(sig) && len(sig) == 2*sha256.Size:
				b, _ := hex.DecodeString(sig)
				value, cause, msg = "v1,"+base64.StdEncoding.EncodeToString(b), CauseEncoding, "the signature is hex; Standard Webhooks sends the HMAC as base64"
			case version == "v1":
				if b, ok := b64Decode(sig); ok && len(b) == sha256.Size && base64.StdEncoding.EncodeToString(b) != sig {
					value, cause, msg = "v1,"+base64.StdEncoding.EncodeToString(b), CauseEncoding, "the signature is URL-safe or unpadded base64; Standard Webhooks sends standard, padded base64"
				}
			}
			if value != "" && d.try(body, withHeader(in.Header, HeaderWebhookSignature, value), in.Keys) {
				return Finding{Cause: cause, Message: msg}, true
			}
		}
	case *Ironclad:
		v, err := ParseVerification(in.Header.Get(s.Header))
		if err != nil {
			return Finding{}, false
		}
		type cand struct {
			v   Verification
			msg string
		}
		var cands []cand
		enc := strings.ToLower(v.Encoding)
		if (enc == "" || enc == "base64") && isHex(v.Signature) {
			w := v
			w.Encoding = "hex"
			cands = append(cands, cand{w, "the signature is hex but the verification header says encoding \"base64\""})
		}
		if enc == "hex" {
			w := v
			w.Encoding = "base64"
			cands = append(cands, cand{w, "the signature is base64 but the verification header says encoding \"hex\""})
		}
		if b, ok := b64Decode(strings.Join(strings.Fields(v.Signature), "")); ok && (enc == "" || enc == "base64") {
			w := v
			w.Signature = base64.StdEncoding.EncodeToString(b)
			if w.Signature != v.Signature {
				cands = append(cands, cand{w, "the signature is URL-safe, unpadded or wrapped base64; Ironclad sends standard base64 on one line"})
			}
		}
		for _, c := range cands {
			raw, _ := json.Marshal(c.v)
			if d.try(body, withHeader(in.Header, s.Header, string(raw)), in.Keys) {
				return Finding{Cause: CauseEncoding, Message: c.msg}, true
			}
		}
	case *Oneflow:
		got, ok := topLevelStringField(body, s.Field)
		if !ok {
			return Finding{}, false
		}
		if low := strings.ToLower(got); low != got {
			if b, err := SetTopLevelString(body, s.Field, low); err == nil && d.try(b, in.Header, in.Keys) {
				return Finding{Cause: CauseEncoding, Message: "the signature is upper-case hex; Oneflow sends lower-case hex"}, true
			}
		}
	}
	return Finding{}, false
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

// otherScheme re-checks the signature as another provider or another algorithm makes it.
func (d *diagnoser) otherScheme() (Finding, bool) {
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
	secret := in.Keys.Secret
	switch s := in.Scheme.(type) {
	case *HMAC:
		got := strings.TrimSpace(in.Header.Get(s.Header))
		if got == "" {
			return Finding{}, false
		}
		core, hasPrefix := strings.CutPrefix(got, s.Prefix)
		if !hasPrefix && isHex(core) {
			d.maybe(CauseMissingPrefix, "the signature lacks the %q prefix (adding it alone does not make it match)", s.Prefix)
		}
		if i := strings.IndexAny(core, "=:"); i > 0 && i < 12 && isHex(core[i+1:]) {
			core = core[i+1:]
		}
		low := strings.ToLower(core)
		switch {
		case strings.HasPrefix(got, "v1,") || strings.HasPrefix(got, "v1a,"):
			if f, ok := d.asStandardWebhooks(got); ok {
				return f, true
			}
			d.maybe(CauseOtherScheme, "the signature looks like a Standard Webhooks one (v1,<base64>), which signs id.timestamp.body with a decoded whsec_ key; %s signs the body alone and sends %s<hex>", in.Provider, s.Prefix)
		case strings.HasPrefix(got, "{"):
			d.maybe(CauseOtherScheme, "the signature looks like Ironclad's JSON verification header (RSA); %s sends %s<hex HMAC-SHA256>", in.Provider, s.Prefix)
		case len(low) == 2*sha1.Size && isHex(low):
			if equal(low, hexMAC(sha1.New, secret, in.Body)) {
				return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is HMAC-SHA1 of the body; %s uses HMAC-SHA256", in.Provider)}, true
			}
			d.maybe(CauseOtherScheme, "the signature has 40 hex digits, the length of SHA-1; %s uses HMAC-SHA256 (64 hex digits)", in.Provider)
		case len(low) == 2*sha512.Size && isHex(low):
			if equal(low, hexMAC(sha512.New, secret, in.Body)) {
				return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is HMAC-SHA512 of the body; %s uses HMAC-SHA256", in.Provider)}, true
			}
			d.maybe(CauseOtherScheme, "the signature has 128 hex digits, the length of SHA-512; %s uses HMAC-SHA256 (64 hex digits)", in.Provider)
		case len(low) == 2*sha256.Size && isHex(low):
			if equal(low, hexHash(sha256.New(), in.Body)) {
				return Finding{Cause: CauseOtherScheme, Message: "the signature is a plain SHA-256 hash of the body, made without the secret; it must be HMAC-SHA256 with the secret as key"}, true
			}
		}
	case *StandardWebhooks:
		for _, entry := range strings.Fields(in.Header.Get(HeaderWebhookSignature)) {
			version, sig, ok := strings.Cut(entry, ",")
			hexSig := strings.ToLower(strings.TrimPrefix(entry, "sha256="))
			if isHex(hexSig) && len(hexSig) == 2*sha256.Size {
				for _, key := range d.stdKeys() {
					if equal(hexSig, hexMAC(sha256.New, key, in.Body)) {
						return Finding{Cause: CauseOtherScheme, Message: "the signature is hex HMAC-SHA256 of the body alone, as Clment and Contract-as-Code sign; Standard Webhooks signs id.timestamp.body and sends v1,<base64>"}, true
					}
				}
			}
			if ok && version == "v1" {
				for _, key := range d.stdKeys() {
					if equal(sig, base64.StdEncoding.EncodeToString(MAC(key, in.Body))) {
						return Finding{Cause: CauseOtherScheme, Message: "the signature is HMAC-SHA256 of the body alone; Standard Webhooks signs \"{webhook-id}.{webhook-timestamp}.{body}\""}, true
					}
				}
			}
			if ok && version == "v1a" && !strings.HasPrefix(string(secret), "whpk_") {
				d.maybe(CauseOtherScheme, "the header carries a v1a (ed25519) signature; checking it needs the sender's whpk_ public key, not a whsec_ secret")
			}
			if ok && version == "v1" && strings.HasPrefix(string(secret), "whpk_") {
				d.maybe(CauseOtherScheme, "the header carries a v1 (HMAC) signature; checking it needs the whsec_ secret, not a whpk_ public key")
			}
		}
	case *Ironclad:
		return d.ironcladContent()
	case *Oneflow:
		got, ok := topLevelStringField(in.Body, s.Field)
		id, idOK := topLevelStringField(in.Body, s.IDField)
		if !ok || !idOK {
			return Finding{}, false
		}
		got = strings.ToLower(got)
		cands := []struct{ sig, msg string }{
			{hexHash(sha1.New(), secret, []byte(id)), "the signature is sha1(sign key + callback_id), the two in the wrong order; Oneflow hashes callback_id + sign key"},
			{hexMAC(sha1.New, secret, []byte(id)), "the signature is HMAC-SHA1(sign key, callback_id); Oneflow uses a plain sha1 of callback_id + sign key"},
			{hexHash(sha256.New(), []byte(id), secret), "the signature is sha256(callback_id + sign key); Oneflow uses sha1"},
			{hexMAC(sha256.New, secret, bodyWithoutField(in.Body, s.Field)), "the signature is HMAC-SHA256 of the body; Oneflow's signature is sha1(callback_id + sign key) and does not cover the body"},
		}
		for _, c := range cands {
			if equal(got, c.sig) {
				return Finding{Cause: CauseOtherScheme, Message: c.msg}, true
			}
		}
	case *Token:
		return d.tokenElsewhere()
	}
	return Finding{}, false
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

// stdKeys are the HMAC keys a Standard Webhooks secret may have been used as.
func (d *diagnoser) stdKeys() [][]byte {
	keys := [][]byte{d.in.Keys.Secret}
	if k, err := DecodeWhsec(d.in.Keys.Secret); err == nil {
		keys = append(keys, k)
	}
	return keys
}

// asStandardWebhooks checks a v1 signature presented to an HMAC provider.
func (d *diagnoser) asStandardWebhooks(sig string) (Finding, bool) {
	in := d.in
	id, tsRaw := in.Header.Get(HeaderWebhookID), in.Header.Get(HeaderWebhookTimestamp)
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if id == "" || err != nil {
		return Finding{}, false
	}
	h := withHeader(in.Header, HeaderWebhookSignature, sig)
	for _, secret := range [][]byte{in.Keys.Secret, []byte("whsec_" + base64.StdEncoding.EncodeToString(in.Keys.Secret))} {
		r, err := (&StandardWebhooks{}).Verify(in.Body, h, Keys{Secret: secret}, VerifyOptions{Now: time.Unix(ts, 0)})
		if err == nil && r.Valid {
			return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is a Standard Webhooks v1 signature (HMAC of id.timestamp.body, base64) and verifies as one; %s signs the body alone and sends hex", in.Provider)}, true
		}
	}
	return Finding{}, false
}

// ironcladContent re-checks an Ironclad signature over other signed content or padding.
func (d *diagnoser) ironcladContent() (Finding, bool) {
	in := d.in
	s := in.Scheme.(*Ironclad)
	pub, ok := in.Keys.PublicKey.(*rsa.PublicKey)
	if !ok || pub == nil {
		return Finding{}, false
	}
	v, err := ParseVerification(in.Header.Get(s.Header))
	if err != nil {
		raw := strings.TrimSpace(in.Header.Get(s.Header))
		switch {
		case strings.HasPrefix(raw, "sha256="):
			d.maybe(CauseOtherScheme, "%s holds a sha256=<hex> HMAC, as Clment and Contract-as-Code send; Ironclad sends a JSON object with an RSA signature", s.Header)
		case strings.HasPrefix(raw, "v1,"):
			d.maybe(CauseOtherScheme, "%s holds a Standard Webhooks v1 signature; Ironclad sends a JSON object with an RSA signature", s.Header)
		}
		return Finding{}, false
	}
	sig, err := v.SignatureBytes()
	if err != nil {
		return Finding{}, false
	}
	eventID := in.Header.Get(s.EventIDHeader)
	check := func(msg []byte) bool {
		dg := sha256.Sum256(msg)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, dg[:], sig) == nil
	}
	cands := []struct {
		msg  []byte
		what string
	}{
		{in.Body, "the body alone"},
		{append([]byte(eventID), in.Body...), "event id + body, without the nonce"},
		{append(append([]byte{}, in.Body...), v.Nonce...), "body + nonce, without the event id"},
		{SignedBytes(v.Nonce, in.Body, eventID), "nonce + body + event id, in the wrong order"},
	}
	for _, c := range cands {
		if check(c.msg) {
			return Finding{Cause: CauseOtherScheme, Message: "the RSA signature covers " + c.what + "; Ironclad signs event id + body + nonce"}, true
		}
	}
	dg := sha256.Sum256(SignedBytes(eventID, in.Body, v.Nonce))
	if rsa.VerifyPSS(pub, crypto.SHA256, dg[:], sig, nil) == nil {
		return Finding{Cause: CauseOtherScheme, Message: "the signature is RSA-PSS; Ironclad signs with RSASSA-PKCS1-v1_5"}, true
	}
	return Finding{}, false
}

// tokenElsewhere finds CM.com Sign's token in another header or behind an auth scheme.
func (d *diagnoser) tokenElsewhere() (Finding, bool) {
	in := d.in
	s := in.Scheme.(*Token)
	want := sha256.Sum256(in.Keys.Secret)
	same := func(v string) bool {
		got := sha256.Sum256([]byte(v))
		return hmac.Equal(got[:], want[:])
	}
	for name, vals := range in.Header {
		for _, v := range vals {
			scheme, rest, hasScheme := strings.Cut(strings.TrimSpace(v), " ")
			switch {
			case strings.EqualFold(name, s.Header) && hasScheme && same(strings.TrimSpace(rest)):
				return Finding{Cause: CauseTokenHeader, Message: fmt.Sprintf("%s carries the token behind %q; CM.com Sign sends the header value exactly as registered, so register it (or compare it) the same way", s.Header, scheme)}, true
			case strings.EqualFold(name, s.Header):
			case same(v) || (hasScheme && same(strings.TrimSpace(rest))):
				return Finding{Cause: CauseTokenHeader, Message: fmt.Sprintf("the token is in the %s header, not %s: pass --auth-header %s", name, s.Header, name)}, true
			}
		}
	}
	return Finding{}, false
}

// secretVariants re-checks with the secret trimmed, with a newline, or (de)coded the
// other way from what Standard Webhooks does.
func (d *diagnoser) secretVariants() (Finding, bool) {
	in := d.in
	secret := in.Keys.Secret
	if len(secret) == 0 {
		return Finding{}, false
	}
	type cand struct {
		secret []byte
		cause  Cause
		msg    string
	}
	var cands []cand
	if t := bytes.TrimSpace(secret); len(t) != len(secret) && len(t) > 0 {
		cands = append(cands, cand{t, CauseSecretWhitespace, "the secret you gave has leading or trailing whitespace (or an extra newline), and the signature matches it trimmed: check the secret file or variable (--secret-file ignores one trailing newline, nothing else)"})
	}
	_, std := in.Scheme.(*StandardWebhooks)
	if !std {
		for _, nl := range []string{"\n", "\r\n"} {
			cands = append(cands, cand{append(append([]byte{}, secret...), nl...), CauseSecretWhitespace, fmt.Sprintf("the signature was made with the secret plus a trailing %q: the sender reads its secret from a file or variable and keeps the newline", nl)})
		}
		if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
			if key, err := DecodeWhsec(secret); err == nil {
				cands = append(cands, cand{key, CauseWhsecSecret, fmt.Sprintf("the signature was made with the whsec_ secret base64-decoded, as Standard Webhooks does; %s uses the secret string as it is", in.Provider)})
			}
			cands = append(cands, cand{rest, CauseWhsecSecret, "the signature was made with the secret minus its whsec_ prefix"})
		}
	} else {
		raw := []byte("whsec_" + base64.StdEncoding.EncodeToString(secret))
		if _, err := DecodeWhsec(secret); err != nil {
			cands = append(cands, cand{raw, CauseWhsecSecret, "the secret is not whsec_<base64>, and the signature matches it used as raw bytes; Standard Webhooks base64-decodes the part after whsec_ and uses those bytes as the key"})
		} else {
			cands = append(cands, cand{raw, CauseWhsecSecret, "the signature was made with the whsec_ secret string itself as the HMAC key; Standard Webhooks uses the base64-decoded bytes after whsec_"})
			if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
				cands = append(cands, cand{[]byte("whsec_" + base64.StdEncoding.EncodeToString(rest)), CauseWhsecSecret, "the signature was made with the base64 text after whsec_ as the key, not decoded; Standard Webhooks uses the decoded bytes"})
			}
		}
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
	// A body whose keys are all sorted may have been re-serialised by the receiver: the
	// order it was signed in is lost, so whk cannot re-check it, only say so.
	if len(d.in.Body) <= maxReformat {
		if root, err := parseJSON(d.in.Body); err == nil {
			if sorted, multi := keysSorted(root); sorted && multi {
				d.maybe(CauseBodyReserialised, "every object's keys are in sorted order, as serialisers that sort keys write them (Python's sort_keys, Go maps, jq -S): if something re-serialised the body after it arrived, the order it was signed in is lost; verify the raw bytes as received")
			}
		}
	}
	return Finding{}, false
}

func (d *diagnoser) unexplained() string {
	if d.unsigned() {
		return "there is no signature to check: pass it with --signature VALUE, -H 'Name: value' or --request FILE"
	}
	const tried = "none of the usual mistakes explains it (body re-serialised, trailing newline, signature encoding or prefix, secret whitespace or whsec_ decoding, another provider's scheme"
	switch d.in.Scheme.(type) {
	case *Ironclad:
		return tried + "): check the public key (Ironclad rotates it: re-fetch it from GET /public/api/v1/webhooks/verification-key; whk's test key only verifies whk's own signatures) and that the event id header is the one Ironclad sent"
	case *Token:
		return "the token does not match, and it is not in another header or behind an auth scheme: check the token registered with the webhook"
	case *StandardWebhooks:
		return tried + ", timestamp): check that the secret is the one configured for this endpoint"
	}
	return tried + "): check that the secret is the one configured for this webhook"
}

// unsigned reports whether the request carries no signature (or token) at all.
func (d *diagnoser) unsigned() bool {
	if f, _ := FactsOf(d.in.Scheme); f.Field != "" {
		got, _ := topLevelStringField(d.in.Body, f.Field)
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
