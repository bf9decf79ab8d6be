package signing

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// HMAC is the declarative HMAC scheme: what it signs, with which algorithm, key and
// encoding, and how it writes the header all come from catalog data (catalog.HMACSpec).
// Clment and Contract-as-Code ("sha256=<hex>" of the body) and Standard Webhooks
// (v1,<base64> of "id.timestamp.body" with a whsec_ key, and its ed25519 v1a) are
// presets of it.
type HMAC struct {
	name    string
	spec    *catalog.HMACSpec
	newHash func() hash.Hash
	size    int    // digest bytes
	algo    string // "HMAC-SHA256"
}

// timedHMAC is an HMAC scheme that signs a timestamp: it also says when it signed.
type timedHMAC struct{ *HMAC }

func init() {
	for _, name := range []string{catalog.SchemeHMAC, catalog.SchemeHMACSHA256, catalog.SchemeStandardWebhooks} {
		register(name, func(s catalog.Scheme, _ string) (Scheme, error) { return NewHMAC(s) })
	}
}

var hashes = map[string]func() hash.Hash{"sha256": sha256.New, "sha1": sha1.New, "sha512": sha512.New}

// NewHMAC builds the declarative scheme a catalog entry describes.
func NewHMAC(s catalog.Scheme) (Scheme, error) {
	spec, ok, err := s.HMAC()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("scheme %q is not an HMAC scheme", s.Name)
	}
	h := &HMAC{name: s.Name, spec: spec, newHash: hashes[spec.Algorithm], algo: "HMAC-" + strings.ToUpper(spec.Algorithm)}
	h.size = h.newHash().Size()
	if spec.Timestamped() {
		return timedHMAC{h}, nil
	}
	return h, nil
}

// Standard Webhooks header names.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// Name implements Scheme.
func (s *HMAC) Name() string { return s.name }

// Facts implements Described.
func (s *HMAC) Facts() Facts {
	f := Facts{
		Header:      s.spec.Header,
		CoversBody:  true,
		Timestamped: s.spec.Timestamped(),
		IDPrefix:    s.spec.IDPrefix,
		Forged:      s.spec.Header + " made with another secret",
		Rejected:    "correctly signed deliveries were rejected: check the secret, and verify the raw body bytes before parsing them",
		Mismatch:    "check that the secret is the one configured for this webhook",
	}
	if s.spec.Separator != "" {
		// The header holds a list: the forged one is one signature in it.
		f.Forged = "a " + f.Forged
		f.ListSeparator = s.spec.Separator
		f.UnknownEntry = s.unknownEntry()
	}
	if s.spec.Key == "whsec" {
		f.Mismatch = "check that the secret is the one configured for this endpoint"
	}
	if s.spec.Signed.Has(catalog.PartID) {
		f.Pins = append(f.Pins, "id")
	}
	if f.Timestamped {
		f.Pins = append(f.Pins, "timestamp")
		f.Tolerance = s.spec.Tolerance
		f.TimestampIn = s.spec.TimestampHeader
		if f.TimestampIn == "" {
			f.TimestampIn = "the timestamp in " + s.spec.Header
		}
	}
	return f
}

// versioned is a header value of the form "v1,{signature}" or "v1={signature}".
var versioned = regexp.MustCompile(`^v([0-9]+)([,=])$`)

// unknownEntry is a well-formed list entry of the next version, which no receiver
// knows ("v2,…" for Standard Webhooks' "v1,{signature}"); "" when the value is not
// written as a version and a signature. Specification 1.0.0 of Standard Webhooks:
// versions a receiver does not know are ignored.
func (s *HMAC) unknownEntry() string {
	v := s.spec.Value
	if len(v) != 2 || v[0].Name != "" || v[1].Name != catalog.PartSignature {
		return ""
	}
	m := versioned.FindStringSubmatch(v[0].Literal)
	if m == nil {
		return ""
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return ""
	}
	return "v" + strconv.Itoa(n+1) + m[2] + s.encode([]byte("for a future version of the scheme"))
}

// Forge implements Described: signed with a random key of the scheme's form.
func (s *HMAC) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret := wrongSecret("secret").Secret
	switch s.spec.Key {
	case "base64":
		secret = []byte(base64.StdEncoding.EncodeToString(key))
	case "whsec":
		secret = []byte("whsec_" + base64.StdEncoding.EncodeToString(key))
	}
	return s.Sign(body, Keys{Secret: secret}, p)
}

// MAC is HMAC-SHA256(key, msg).
func MAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func (s *HMAC) mac(key, msg []byte) []byte {
	m := hmac.New(s.newHash, key)
	m.Write(msg)
	return m.Sum(nil)
}

func (s *HMAC) encode(sig []byte) string {
	if s.spec.Encoding == "base64" {
		return base64.StdEncoding.EncodeToString(sig)
	}
	return hex.EncodeToString(sig)
}

// DecodeWhsec returns the HMAC key of a Standard Webhooks secret: the base64 after the
// optional whsec_ prefix.
func DecodeWhsec(secret []byte) ([]byte, error) {
	s := strings.TrimPrefix(string(secret), "whsec_")
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the secret is not whsec_<base64>: %v", err)
	}
	return key, nil
}

// hmacKey is the HMAC key the secret stands for in the scheme's key form.
func (s *HMAC) hmacKey(secret []byte) ([]byte, error) {
	switch s.spec.Key {
	case "base64":
		key, err := base64.StdEncoding.DecodeString(string(secret))
		if err != nil {
			return nil, fmt.Errorf("the secret is not base64: %v", err)
		}
		return key, nil
	case "whsec":
		return DecodeWhsec(secret)
	}
	return secret, nil
}

// noKey names what signing or verifying needs.
func (s *HMAC) noKey(what string) error {
	if s.spec.Key == "whsec" {
		if s.spec.Ed25519Value != nil && what == "verification" {
			return fmt.Errorf("%w: %s verification needs the whsec_ secret or whpk_ public key", ErrNoKey, s.algo)
		}
		return fmt.Errorf("%w: %s %s needs a whsec_ secret", ErrNoKey, s.algo, what)
	}
	return fmt.Errorf("%w: %s %s needs a secret", ErrNoKey, s.algo, what)
}

// values are what a template's parts stand for in one request.
type values struct {
	body      []byte
	id        string
	timestamp string
	header    http.Header // {header:Name}
}

// content renders the signed-content template.
func (s *HMAC) content(v values) ([]byte, error) {
	if len(s.spec.Signed) == 1 {
		return v.body, nil // {body} alone: sign the body itself, not a copy
	}
	out := make([]byte, 0, len(v.body)+64)
	for _, p := range s.spec.Signed {
		switch p.Name {
		case "":
			out = append(out, p.Literal...)
		case catalog.PartBody:
			out = append(out, v.body...)
		case catalog.PartID:
			out = append(out, v.id...)
		case catalog.PartTimestamp:
			out = append(out, v.timestamp...)
		case catalog.PartHeader:
			got := v.header.Values(p.Arg)
			if len(got) == 0 {
				return nil, fmt.Errorf("the signed content names {header:%s}, and there is no %s header", p.Arg, p.Arg)
			}
			out = append(out, got[0]...)
		}
	}
	return out, nil
}

// render writes a header-value template.
func render(t catalog.Template, sig string, v values) string {
	var b strings.Builder
	for _, p := range t {
		switch p.Name {
		case "":
			b.WriteString(p.Literal)
		case catalog.PartSignature:
			b.WriteString(sig)
		case catalog.PartID:
			b.WriteString(v.id)
		case catalog.PartTimestamp:
			b.WriteString(v.timestamp)
		}
	}
	return b.String()
}

// read is what a header value carries.
type read struct{ signature, timestamp, id string }

// match reads a header value written by template t: each part runs up to the next
// literal (the last one to the end). ok is false when the literals are not there, or
// when a part the template names twice reads differently the second time.
func match(t catalog.Template, value string) (r read, ok bool) {
	var seen [3]bool // signature, timestamp, id
	for i, p := range t {
		if p.Name == "" {
			rest, found := strings.CutPrefix(value, p.Literal)
			if !found {
				return read{}, false
			}
			value = rest
			continue
		}
		end := len(value)
		if i+1 < len(t) {
			end = strings.Index(value, t[i+1].Literal)
			if end < 0 {
				return read{}, false
			}
		}
		var slot *string
		k := 0
		switch p.Name {
		case catalog.PartSignature:
			slot, k = &r.signature, 0
		case catalog.PartTimestamp:
			slot, k = &r.timestamp, 1
		case catalog.PartID:
			slot, k = &r.id, 2
		}
		// A part the template names twice must read the same both times.
		if slot != nil {
			if seen[k] && *slot != value[:end] {
				return read{}, false
			}
			*slot, seen[k] = value[:end], true
		}
		value = value[end:]
	}
	return r, value == ""
}

// entries splits a signature header into the values it holds.
func (s *HMAC) entries(header string) []string {
	var out []string
	s.eachEntry(header, func(e string) bool {
		out = append(out, e)
		return true
	})
	return out
}

// eachEntry calls f with each value a signature header holds, trimmed, until f
// returns false: the whole header, or its parts between separators (" " is any run of
// spaces and tabs, as strings.Fields splits).
func (s *HMAC) eachEntry(header string, f func(string) bool) {
	cut := s.spec.Separator
	if cut == " " {
		cut = " \t"
	}
	for header != "" {
		e := header
		header = ""
		if i := strings.IndexAny(e, cut); cut != "" && i >= 0 {
			e, header = e[:i], e[i+1:]
		}
		if e = strings.TrimSpace(e); e != "" && !f(e) {
			return
		}
	}
}

// Sign implements Scheme. A fresh id and the current time stand in for unpinned ones;
// with an ed25519 form, a whsk_ secret signs that way (Standard Webhooks v1a).
func (s *HMAC) Sign(body []byte, k Keys, p Params) (Signed, error) {
	if len(k.Secret) == 0 {
		return Signed{}, s.noKey("signing")
	}
	v := values{body: body, header: p.Header}
	value := s.spec.Value
	var headers []Header
	if s.needs(catalog.PartID) {
		v.id = orDefault(p.ID, s.spec.IDPrefix+randomHex(12))
		if s.spec.IDHeader != "" {
			headers = append(headers, Header{s.spec.IDHeader, v.id})
		}
	}
	if s.needs(catalog.PartTimestamp) {
		ts := p.Timestamp
		if ts.IsZero() {
			ts = time.Now()
		}
		v.timestamp = strconv.FormatInt(ts.Unix(), 10)
		if s.spec.TimestampHeader != "" {
			headers = append(headers, Header{s.spec.TimestampHeader, v.timestamp})
		}
	}
	content, err := s.content(v)
	if err != nil {
		return Signed{}, fmt.Errorf("cannot sign: %w (whk knows only the values of the scheme's id and timestamp headers)", err)
	}
	var sig string
	if rest, ok := strings.CutPrefix(string(k.Secret), "whsk_"); ok && s.spec.Ed25519Value != nil {
		key, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || (len(key) != ed25519.PrivateKeySize && len(key) != ed25519.SeedSize) {
			return Signed{}, fmt.Errorf("the whsk_ key is not a base64 ed25519 private key")
		}
		if len(key) == ed25519.SeedSize {
			key = ed25519.NewKeyFromSeed(key)
		}
		value, sig = s.spec.Ed25519Value, base64.StdEncoding.EncodeToString(ed25519.Sign(ed25519.PrivateKey(key), content))
	} else {
		key, err := s.hmacKey(k.Secret)
		if err != nil {
			return Signed{}, err
		}
		sig = s.encode(s.mac(key, content))
	}
	headers = append(headers, Header{s.spec.Header, render(value, sig, v)})
	return Signed{Headers: headers, Body: body}, nil
}

// needs reports whether the scheme signs or sends the part (id or timestamp).
func (s *HMAC) needs(part string) bool {
	return s.spec.Signed.Has(part) || s.spec.Value.Has(part)
}

// presented is one signature a request carries, with the values that travel with it.
type presented struct {
	sig     string
	ed25519 bool
	values
}

// presented reads the signatures of a request: each entry of the header that the
// value template (or the ed25519 one) reads, with its id and timestamp.
func (s *HMAC) presented(body []byte, h http.Header) []presented {
	var out []presented
	s.eachPresented(body, h, func(p presented) bool {
		out = append(out, p)
		return true
	})
	return out
}

// eachPresented calls f with each signature presented until f returns false; Verify
// reads them this way, without building a list.
func (s *HMAC) eachPresented(body []byte, h http.Header, f func(presented) bool) {
	s.eachEntry(h.Get(s.spec.Header), func(e string) bool {
		p := presented{values: values{body: body, header: h}}
		t := s.spec.Value
		r, ok := match(t, e)
		if !ok && s.spec.Ed25519Value != nil {
			t = s.spec.Ed25519Value
			r, ok = match(t, e)
			p.ed25519 = ok
		}
		if !ok {
			return true
		}
		p.sig = r.signature
		p.id, p.timestamp = r.id, r.timestamp
		if !t.Has(catalog.PartID) && s.spec.IDHeader != "" {
			p.id = h.Get(s.spec.IDHeader)
		}
		if !t.Has(catalog.PartTimestamp) && s.spec.TimestampHeader != "" {
			p.timestamp = h.Get(s.spec.TimestampHeader)
		}
		return f(p)
	})
}

// timestampName says where the timestamp travels, for messages.
func (s *HMAC) timestampName() string {
	if s.spec.TimestampHeader != "" {
		return s.spec.TimestampHeader
	}
	return "the timestamp in " + s.spec.Header
}

// Verify implements Scheme: any of the header's signatures may match (several during
// key rotation), compared in constant time as the header writes them (an upper-case
// or prefix-less signature is a mismatch that Diagnose can explain); a signed timestamp
// must be within the tolerance.
func (s *HMAC) Verify(body []byte, h http.Header, k Keys, o VerifyOptions) (Result, error) {
	if len(k.Secret) == 0 {
		return Result{}, s.noKey("verification")
	}
	if strings.TrimSpace(h.Get(s.spec.Header)) == "" {
		return unsigned("the request has no %s header", s.spec.Header), nil
	}
	var pub ed25519.PublicKey
	var key []byte
	if rest, ok := strings.CutPrefix(string(k.Secret), "whpk_"); ok && s.spec.Ed25519Value != nil {
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return Result{}, fmt.Errorf("the whpk_ key is not a base64 ed25519 public key")
		}
		pub = b
	} else {
		var err error
		if key, err = s.hmacKey(k.Secret); err != nil {
			return Result{}, err
		}
	}
	if r, missing := s.missingValues(h); missing {
		return r, nil
	}
	var matched presented
	var refused *Result
	found := false
	s.eachPresented(body, h, func(p presented) bool {
		if s.spec.Timestamped() {
			if _, err := strconv.ParseInt(p.timestamp, 10, 64); err != nil {
				r := invalid("%s %q is not Unix seconds", s.timestampName(), p.timestamp)
				refused = &r
				return false
			}
		}
		content, err := s.content(p.values)
		if err != nil {
			r := invalid("%v, which the signature covers", err)
			refused = &r
			return false
		}
		ok := false
		switch {
		case p.ed25519 && pub != nil:
			if b, err := base64.StdEncoding.DecodeString(p.sig); err == nil {
				ok = ed25519.Verify(pub, content, b)
			}
		case !p.ed25519 && key != nil:
			var buf [128]byte
			// The expected signature in a stack buffer: verification sits on every
			// request a receiver handles, so it stays close to bare crypto/hmac.
			want := s.mac(key, content)
			var enc []byte
			if s.spec.Encoding == "base64" {
				enc = base64.StdEncoding.AppendEncode(buf[:0], want)
			} else {
				enc = hex.AppendEncode(buf[:0], want)
			}
			ok = hmac.Equal([]byte(p.sig), enc)
		}
		if ok {
			matched, found = p, true
		}
		return !found
	})
	switch {
	case refused != nil:
		return *refused, nil
	case !found:
		return s.mismatch(body, h, k), nil
	}
	if s.spec.Timestamped() {
		ts, _ := strconv.ParseInt(matched.timestamp, 10, 64)
		now, tol := o.Now, s.tolerance(o)
		if now.IsZero() {
			now = time.Now()
		}
		age := timestampAge(now, ts)
		if age > tol {
			return invalid("the signature matches but %s is %s old, beyond the %s tolerance", s.timestampName(), age.Round(time.Second), tol), nil
		}
		if -age > tol {
			return invalid("the signature matches but %s is %s in the future, beyond the %s tolerance", s.timestampName(), (-age).Round(time.Second), tol), nil
		}
	}
	return valid(), nil
}

// missingValues: a header the signature covers is absent.
func (s *HMAC) missingValues(h http.Header) (Result, bool) {
	var missing []string
	if s.spec.Signed.Has(catalog.PartID) && s.spec.IDHeader != "" && h.Get(s.spec.IDHeader) == "" {
		missing = append(missing, s.spec.IDHeader)
	}
	if s.spec.Timestamped() && s.spec.TimestampHeader != "" && h.Get(s.spec.TimestampHeader) == "" {
		missing = append(missing, s.spec.TimestampHeader)
	}
	if len(missing) == 0 {
		return Result{}, false
	}
	if len(missing) == 2 {
		return invalid("the request lacks %s or %s, which the signature covers", missing[0], missing[1]), true
	}
	return invalid("the request lacks %s, which the signature covers", missing[0]), true
}

// mismatch says why no signature matched: malformed, not written as the template
// says, or made with another key or over other bytes.
func (s *HMAC) mismatch(body []byte, h http.Header, k Keys) Result {
	if why := s.malformed(body, h, k); why != "" {
		return invalid("%s", why)
	}
	if s.spec.Separator != "" {
		return invalid("no signature in %s matches this key", s.spec.Header)
	}
	if prefix, ok := s.prefix(); ok && !strings.HasPrefix(strings.TrimSpace(h.Get(s.spec.Header)), prefix) {
		return invalid("%s does not start with %q", s.spec.Header, prefix)
	}
	if len(s.presented(body, h)) == 0 {
		return invalid("%s is not written as %q", s.spec.Header, s.spec.Value.String())
	}
	return invalid("%s does not match %s of %s with this secret", s.spec.Header, s.algo, s.signedWhat())
}

// signedWhat names the signed content in words.
func (s *HMAC) signedWhat() string {
	if len(s.spec.Signed) == 1 {
		return "the body"
	}
	return fmt.Sprintf("%q", s.spec.Signed.String())
}

// tolerance is the window VerifyOptions give, else the scheme's own.
func (s *HMAC) tolerance(o VerifyOptions) time.Duration {
	if o.Tolerance > 0 {
		return o.Tolerance
	}
	return s.spec.Tolerance
}

// prefix is the literal before {signature} when the value template is only that
// ("sha256={signature}", "v1,{signature}", "{signature}").
func (s *HMAC) prefix() (string, bool) {
	switch v := s.spec.Value; {
	case len(v) == 1:
		return "", true
	case len(v) == 2 && v[0].Name == "":
		return v[0].Literal, true
	}
	return "", false
}

// timestampAge is now minus the Unix time ts, clamped instead of overflowing, so that a
// timestamp in milliseconds (or any absurd value) is far out of tolerance rather than
// wrapped into it.
func timestampAge(now time.Time, ts int64) time.Duration {
	const limit = int64(1<<63-1)/int64(time.Second) - 1
	switch n := now.Unix(); {
	case ts > n+limit:
		return -time.Duration(limit) * time.Second
	case ts < n-limit:
		return time.Duration(limit) * time.Second
	}
	return now.Sub(time.Unix(ts, 0))
}

// Diagnosis of the declarative HMAC scheme: see diagnosable and timestamped. What a
// sender gets wrong is read off the description (its prefix, encoding, algorithm,
// signed content and key form), so a scheme from a user's catalog is diagnosed as well
// as a built-in one.

// encName is the scheme's encoding in a message ("<hex>").
func (s *HMAC) encName() string { return s.spec.Encoding }

// recipe says how the scheme makes its signature, for messages.
func (s *HMAC) recipe() string {
	return fmt.Sprintf("%s %s of %s", s.encName(), s.algo, s.signedWhat())
}

// sigShape is the signature as a placeholder of its form: "<hex of a 32-byte HMAC-SHA256>".
func (s *HMAC) sigShape() string {
	return fmt.Sprintf("<%s of a %d-byte %s>", s.encName(), s.size, s.algo)
}

// wellFormed reports whether sig has the form of the scheme's signature (any hex case).
func (s *HMAC) wellFormed(sig string) bool {
	if s.spec.Encoding == "base64" {
		b, err := base64.StdEncoding.DecodeString(sig)
		return err == nil && len(b) == s.size
	}
	return len(sig) == 2*s.size && isHex(sig)
}

// splitSignature cuts an entry into the prefix and the signature: the scheme's prefix,
// or another short one ("sha1=", "v1:") a sender wrote instead.
func splitSignature(got, prefix string) (core, otherPrefix string, hasPrefix bool) {
	core, hasPrefix = strings.CutPrefix(got, prefix)
	if !hasPrefix {
		if i := strings.IndexAny(core, "=:,"); i > 0 && i < 12 && !strings.ContainsAny(core[:i], ",/+") {
			otherPrefix, core = core[:i+1], core[i+1:]
		}
	}
	return core, otherPrefix, hasPrefix
}

func (s *HMAC) malformed(_ []byte, h http.Header, _ Keys) string {
	got := strings.TrimSpace(h.Get(s.spec.Header))
	if got == "" {
		return ""
	}
	prefix, simple := s.prefix()
	for _, e := range s.entries(got) {
		if simple && s.spec.Separator == "" {
			// One value: judge the signature after whatever prefix it has, so that a
			// wrong prefix is a misformatted signature, not a malformed one.
			if core, _, _ := splitSignature(e, prefix); s.wellFormed(core) {
				return ""
			}
			continue
		}
		if r, ok := match(s.spec.Value, e); ok && s.wellFormed(r.signature) {
			return ""
		}
		if r, ok := match(s.spec.Ed25519Value, e); ok && s.spec.Ed25519Value != nil {
			if b, err := base64.StdEncoding.DecodeString(r.signature); err == nil && len(b) == ed25519.SignatureSize {
				return ""
			}
		}
	}
	if simple && s.spec.Separator == "" && s.spec.Encoding == "hex" {
		core, other, hasPrefix := splitSignature(got, prefix)
		why := hexShape(core, 2*s.size, "an "+s.algo)
		switch {
		case prefix == "":
			return fmt.Sprintf("%s is malformed: %s", s.spec.Header, why)
		case hasPrefix:
			return fmt.Sprintf("%s is malformed: after %q %s", s.spec.Header, prefix, why)
		case other != "":
			return fmt.Sprintf("%s is malformed: after %q %s, and the prefix is not %q", s.spec.Header, other, why, prefix)
		}
		return fmt.Sprintf("%s is malformed: it lacks the %q prefix and %s", s.spec.Header, prefix, why)
	}
	forms := []string{render(s.spec.Value, s.sigShape(), values{id: "<id>", timestamp: "<timestamp>"})}
	if s.spec.Ed25519Value != nil {
		forms = append(forms, render(s.spec.Ed25519Value, "<base64 of a 64-byte ed25519 signature>", values{id: "<id>", timestamp: "<timestamp>"}))
	}
	if s.spec.Separator != "" {
		return s.spec.Header + " is malformed: no entry is " + strings.Join(forms, " or ")
	}
	return s.spec.Header + " is malformed: it is not " + strings.Join(forms, " or ")
}

// rewrite writes entry e again with another signature (and the scheme's prefix).
func (s *HMAC) rewrite(e, sig string) string {
	if prefix, ok := s.prefix(); ok {
		return prefix + sig
	}
	r, _ := match(s.spec.Value, e)
	return render(s.spec.Value, sig, values{id: r.id, timestamp: r.timestamp})
}

// core is the signature an entry carries: after the prefix (or another one a sender
// wrote instead), or where the value template puts it.
func (s *HMAC) core(e string) (core, otherPrefix string, hasPrefix, ok bool) {
	if prefix, simple := s.prefix(); simple {
		core, otherPrefix, hasPrefix = splitSignature(e, prefix)
		return core, otherPrefix, hasPrefix, true
	}
	r, ok := match(s.spec.Value, e)
	return r.signature, "", true, ok
}

func (s *HMAC) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	in := d.in
	got := strings.TrimSpace(in.Header.Get(s.spec.Header))
	if got == "" {
		return Finding{}, false
	}
	prefix, _ := s.prefix()
	type cand struct {
		value string
		cause Cause
		msg   string
	}
	for _, e := range s.entries(got) {
		core, otherPrefix, hasPrefix, ok := s.core(e)
		if !ok {
			continue
		}
		missing := ""
		if !hasPrefix {
			missing = fmt.Sprintf("the signature lacks the %q prefix", prefix)
			if otherPrefix != "" {
				missing = fmt.Sprintf("the signature has the prefix %q instead of %q", otherPrefix, prefix)
			}
		}
		join := func(msg string) string {
			if missing != "" {
				return missing + ", and " + msg
			}
			return msg
		}
		var cands []cand
		if !hasPrefix {
			cands = append(cands, cand{prefix + core, CauseMissingPrefix, missing + "; with it, it matches: send " + s.spec.Header + ": " + prefix + "<" + s.encName() + ">"})
		}
		switch s.spec.Encoding {
		case "hex":
			if low := strings.ToLower(core); low != core && isHex(core) {
				cands = append(cands, cand{s.rewrite(e, low), CauseEncoding, join(fmt.Sprintf("the signature is upper-case hex; %s sends lower-case hex and the header is compared as a string", in.Provider))})
			}
			if b, ok := b64Decode(core); ok && len(b) == s.size && !isHex(core) {
				cands = append(cands, cand{s.rewrite(e, hex.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is base64; %s sends the HMAC as hex", in.Provider))})
			}
		case "base64":
			if b, err := hex.DecodeString(core); err == nil && len(b) == s.size {
				cands = append(cands, cand{s.rewrite(e, base64.StdEncoding.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is hex; %s sends the HMAC as base64", in.Provider))})
			} else if b, ok := b64Decode(core); ok && len(b) == s.size && base64.StdEncoding.EncodeToString(b) != core {
				cands = append(cands, cand{s.rewrite(e, base64.StdEncoding.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is URL-safe or unpadded base64; %s sends standard, padded base64", in.Provider))})
			}
		}
		for _, c := range cands {
			if d.try(body, withHeader(in.Header, s.spec.Header, c.value), in.Keys) {
				return Finding{Cause: c.cause, Message: c.msg}, true
			}
		}
	}
	return Finding{}, false
}

// algorithms are the hashes a sender may have used instead of the scheme's.
var algorithms = []struct {
	name string
	new  func() hash.Hash
}{{"SHA-256", sha256.New}, {"SHA-1", sha1.New}, {"SHA-512", sha512.New}}

// madeOtherwise re-checks the signature as another algorithm, signed content, key form
// or scheme makes it.
func (s *HMAC) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
	got := strings.TrimSpace(in.Header.Get(s.spec.Header))
	if got == "" {
		return Finding{}, false
	}
	prefix, _ := s.prefix()
	for _, e := range s.entries(got) {
		core, _, hasPrefix, ok := s.core(e)
		if !ok {
			core = e
		}
		if !hasPrefix && isHex(core) && prefix != "" {
			d.maybe(CauseMissingPrefix, "the signature lacks the %q prefix (adding it alone does not make it match)", prefix)
		}
		switch {
		case s.spec.Key != "whsec" && (strings.HasPrefix(e, "v1,") || strings.HasPrefix(e, "v1a,")):
			if f, ok := s.asStandardWebhooks(d, e); ok {
				return f, true
			}
			d.maybe(CauseOtherScheme, "the signature looks like a Standard Webhooks one (v1,<base64>), which signs id.timestamp.body with a decoded whsec_ key; %s sends %s", in.Provider, s.recipe())
		case strings.HasPrefix(e, "{"):
			d.maybe(CauseOtherScheme, "the signature looks like Ironclad's JSON verification header (RSA); %s sends %s", in.Provider, s.recipe())
		}
		if f, ok := s.otherRecipe(d, core); ok {
			return f, true
		}
		s.ed25519Hints(d, e)
	}
	return Finding{}, false
}

// otherRecipe re-makes the signature with each algorithm, over the body alone and the
// scheme's signed content, with the key as the scheme derives it and as given, in
// either encoding, and names the first that matches; else it notes a digest length
// that belongs to another algorithm.
func (s *HMAC) otherRecipe(d *diagnoser, core string) (Finding, bool) {
	in := d.in
	low := strings.ToLower(core)
	type key struct {
		bytes []byte
		note  string
	}
	keys := []key{{in.Keys.Secret, ""}}
	if k, err := s.hmacKey(in.Keys.Secret); err == nil && !bytes.Equal(k, in.Keys.Secret) {
		keys = []key{{k, ""}, {in.Keys.Secret, ", with the secret string itself as key"}}
	}
	type content struct {
		bytes []byte
		what  string
	}
	contents := []content{{in.Body, "the body"}}
	if len(s.spec.Signed) > 1 {
		contents[0].what = "the body alone"
		v := values{body: in.Body, header: in.Header, id: in.Header.Get(s.spec.IDHeader), timestamp: in.Header.Get(s.spec.TimestampHeader)}
		if c, err := s.content(v); err == nil {
			contents = append(contents, content{c, s.signedWhat()})
		}
	}
	for _, a := range algorithms {
		for _, c := range contents {
			for _, k := range keys {
				algo := "HMAC-" + strings.ReplaceAll(a.name, "-", "")
				// The scheme's own recipe with another key is a secret mistake, which
				// secretMistakes names better.
				ours := algo == s.algo && c.what == s.signedWhat()
				mac := hexMAC(a.new, k.bytes, c.bytes)
				for _, enc := range []string{"hex", "base64"} {
					if ours && enc == s.spec.Encoding {
						continue
					}
					want := mac
					sig := low
					if enc == "base64" {
						b, _ := hex.DecodeString(mac)
						want, sig = base64.StdEncoding.EncodeToString(b), core
					}
					if equal(sig, want) {
						return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is %s %s of %s%s; %s sends %s", enc, algo, c.what, k.note, in.Provider, s.recipe())}, true
					}
				}
			}
		}
		if equal(low, hexHash(a.new(), in.Body)) {
			return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is a plain %s hash of the body, made without the secret; it must be %s with the secret as key", a.name, s.algo)}, true
		}
	}
	for _, a := range algorithms {
		if n := a.new().Size(); n != s.size && len(low) == 2*n && isHex(low) && s.spec.Encoding == "hex" {
			d.maybe(CauseOtherScheme, "the signature has %d hex digits, the length of %s; %s uses %s (%d hex digits)", 2*n, a.name, in.Provider, s.algo, 2*s.size)
		}
	}
	return Finding{}, false
}

// ed25519Hints: an ed25519 signature checked with an HMAC secret, or the reverse.
func (s *HMAC) ed25519Hints(d *diagnoser, e string) {
	if s.spec.Ed25519Value == nil {
		return
	}
	public := strings.HasPrefix(string(d.in.Keys.Secret), "whpk_")
	if _, ok := match(s.spec.Ed25519Value, e); ok && !public {
		d.maybe(CauseOtherScheme, "the header carries a %s(ed25519) signature; checking it needs the sender's whpk_ public key, not a whsec_ secret", version(s.spec.Ed25519Value))
	} else if _, ok := match(s.spec.Value, e); ok && public {
		d.maybe(CauseOtherScheme, "the header carries a %s(HMAC) signature; checking it needs the whsec_ secret, not a whpk_ public key", version(s.spec.Value))
	}
}

// version is the label a value template writes before its signature ("v1a" of
// "v1a,{signature}"), followed by a space, or "".
func version(t catalog.Template) string {
	if len(t) > 0 && t[0].Name == "" {
		if v := strings.TrimRight(t[0].Literal, ",=: "); v != "" {
			return v + " "
		}
	}
	return ""
}

// asStandardWebhooks checks a v1 signature presented to another HMAC scheme.
func (s *HMAC) asStandardWebhooks(d *diagnoser, sig string) (Finding, bool) {
	in := d.in
	ts, err := strconv.ParseInt(in.Header.Get(HeaderWebhookTimestamp), 10, 64)
	if in.Header.Get(HeaderWebhookID) == "" || err != nil {
		return Finding{}, false
	}
	std, err := NewHMAC(catalog.Scheme{Name: catalog.SchemeStandardWebhooks})
	if err != nil {
		return Finding{}, false
	}
	h := withHeader(in.Header, HeaderWebhookSignature, sig)
	for _, secret := range [][]byte{in.Keys.Secret, []byte("whsec_" + base64.StdEncoding.EncodeToString(in.Keys.Secret))} {
		r, err := std.Verify(in.Body, h, Keys{Secret: secret}, VerifyOptions{Now: time.Unix(ts, 0)})
		if err == nil && r.Valid {
			return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is a Standard Webhooks v1 signature (HMAC of id.timestamp.body, base64) and verifies as one; %s sends %s", in.Provider, s.recipe())}, true
		}
	}
	return Finding{}, false
}

// secretMistakes are the keys a sender may have used for the scheme's key form.
func (s *HMAC) secretMistakes(secret []byte, provider string) []secretMistake {
	switch s.spec.Key {
	case "whsec":
		raw := []byte("whsec_" + base64.StdEncoding.EncodeToString(secret))
		if _, err := DecodeWhsec(secret); err != nil {
			return []secretMistake{{raw, CauseWhsecSecret, fmt.Sprintf("the secret is not whsec_<base64>, and the signature matches it used as raw bytes; %s base64-decodes the part after whsec_ and uses those bytes as the key", provider)}}
		}
		out := []secretMistake{{raw, CauseWhsecSecret, fmt.Sprintf("the signature was made with the whsec_ secret string itself as the HMAC key; %s uses the base64-decoded bytes after whsec_", provider)}}
		if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
			out = append(out, secretMistake{[]byte("whsec_" + base64.StdEncoding.EncodeToString(rest)), CauseWhsecSecret, fmt.Sprintf("the signature was made with the base64 text after whsec_ as the key, not decoded; %s uses the decoded bytes", provider)})
		}
		return out
	case "base64":
		return []secretMistake{{[]byte(base64.StdEncoding.EncodeToString(secret)), CauseKeyForm, fmt.Sprintf("the signature was made with the secret string itself as the HMAC key; %s base64-decodes the secret and uses those bytes", provider)}}
	}
	return plainSecretMistakes(secret, provider)
}

// signedAt implements timestamped: the timestamp the request carries, in its header
// or in the signature header's value.
func (s timedHMAC) signedAt(h http.Header, o VerifyOptions) (time.Time, string, bool) {
	raw := h.Get(s.spec.TimestampHeader)
	if s.spec.TimestampHeader == "" {
		for _, p := range s.presented(nil, h) {
			raw = p.timestamp
			break
		}
	}
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	now, tol := o.Now, s.tolerance(o)
	if now.IsZero() {
		now = time.Now()
	}
	at := time.Unix(ts, 0)
	age := timestampAge(now, ts)
	name := s.timestampName()
	switch {
	case age <= tol && -age <= tol:
		return at, "", true
	case ts > 1e12:
		return at, fmt.Sprintf("%s %d looks like milliseconds: the timestamps this scheme signs are Unix seconds", name, ts), true
	case age > 0:
		return at, fmt.Sprintf("%s is %s old, beyond the %s tolerance: a replayed or long-delayed delivery, or a clock that is behind; raise --tolerance to check an old capture", name, age.Round(time.Second), tol), true
	}
	return at, fmt.Sprintf("%s is %s in the future, beyond the %s tolerance: the sender's clock is ahead (or yours is behind)", name, (-age).Round(time.Second), tol), true
}
