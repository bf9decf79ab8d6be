package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// HMAC is HMAC-SHA256 of the raw body, hex-encoded behind a prefix, in one header
// (Clment X-Clment-Signature, Contract-as-Code X-Lac-Signature: "sha256=<hex>").
type HMAC struct {
	Header string
	Prefix string
}

func init() {
	register(catalog.SchemeHMACSHA256, func(s catalog.Scheme, _ string) Scheme {
		return &HMAC{Header: s.Header, Prefix: s.Prefix}
	})
}

// Facts implements Described.
func (s *HMAC) Facts() Facts {
	return Facts{
		Header:     s.Header,
		CoversBody: true,
		Forged:     s.Header + " made with another secret",
		Rejected:   "correctly signed deliveries were rejected: check the secret, and verify the raw body bytes before parsing them",
		Mismatch:   "check that the secret is the one configured for this webhook",
	}
}

// Forge implements Described: signed with a random secret.
func (s *HMAC) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	return s.Sign(body, wrongSecret("secret"), p)
}

// Name implements Scheme.
func (s *HMAC) Name() string { return "hmac-sha256" }

// Sign implements Scheme.
func (s *HMAC) Sign(body []byte, k Keys, _ Params) (Signed, error) {
	if len(k.Secret) == 0 {
		return Signed{}, fmt.Errorf("%w: HMAC signing needs a secret", ErrNoKey)
	}
	return Signed{Headers: []Header{{s.Header, s.Prefix + hex.EncodeToString(MAC(k.Secret, body))}}, Body: body}, nil
}

// Verify implements Scheme. The comparison is constant-time (hmac.Equal, which does not
// fail early on a length mismatch the way Node's timingSafeEqual throws).
func (s *HMAC) Verify(body []byte, h http.Header, k Keys, _ VerifyOptions) (Result, error) {
	if len(k.Secret) == 0 {
		return Result{}, fmt.Errorf("%w: HMAC verification needs a secret", ErrNoKey)
	}
	got := strings.TrimSpace(h.Get(s.Header))
	if got == "" {
		return unsigned("the request has no %s header", s.Header), nil
	}
	// The expected header value, built in a stack buffer: verification sits on every
	// request a receiver handles, so it stays close to bare crypto/hmac.
	var buf [128]byte
	want := hex.AppendEncode(append(buf[:0], s.Prefix...), MAC(k.Secret, body))
	// Compare the header as the providers' own samples do: the whole string, so an
	// upper-case or prefix-less signature is a mismatch that verify can explain.
	if !hmac.Equal([]byte(got), want) {
		if why := s.malformed(body, h, k); why != "" {
			return invalid("%s", why), nil
		}
		if !strings.HasPrefix(got, s.Prefix) {
			return invalid("%s does not start with %q", s.Header, s.Prefix), nil
		}
		return invalid("%s does not match HMAC-SHA256 of the body with this secret", s.Header), nil
	}
	return valid(), nil
}

// MAC is HMAC-SHA256(key, msg).
func MAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// Diagnosis: see diagnosable.

// splitSignature cuts the presented value into its prefix and the MAC: the scheme's
// prefix, or another short one ("sha1=", "v1:") a sender wrote instead.
func (s *HMAC) splitSignature(got string) (core, otherPrefix string, hasPrefix bool) {
	core, hasPrefix = strings.CutPrefix(got, s.Prefix)
	if !hasPrefix {
		if i := strings.IndexAny(core, "=:"); i > 0 && i < 12 && !strings.ContainsAny(core[:i], ",/+") {
			otherPrefix, core = core[:i+1], core[i+1:]
		}
	}
	return core, otherPrefix, hasPrefix
}

func (s *HMAC) malformed(_ []byte, h http.Header, _ Keys) string {
	got := strings.TrimSpace(h.Get(s.Header))
	if got == "" {
		return ""
	}
	core, other, hasPrefix := s.splitSignature(got)
	why := hexShape(core, 2*sha256.Size, "an HMAC-SHA256")
	if why == "" {
		return ""
	}
	switch {
	case hasPrefix:
		return fmt.Sprintf("%s is malformed: after %q %s", s.Header, s.Prefix, why)
	case other != "":
		return fmt.Sprintf("%s is malformed: after %q %s, and the prefix is not %q", s.Header, other, why, s.Prefix)
	}
	return fmt.Sprintf("%s is malformed: it lacks the %q prefix and %s", s.Header, s.Prefix, why)
}

func (s *HMAC) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	in := d.in
	got := strings.TrimSpace(in.Header.Get(s.Header))
	if got == "" {
		return Finding{}, false
	}
	core, otherPrefix, hasPrefix := s.splitSignature(got)
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
	return Finding{}, false
}

// madeOtherwise re-checks the signature as another algorithm or scheme makes it.
func (s *HMAC) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
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
	secret := in.Keys.Secret
	switch {
	case strings.HasPrefix(got, "v1,") || strings.HasPrefix(got, "v1a,"):
		if f, ok := s.asStandardWebhooks(d, got); ok {
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
	return Finding{}, false
}

// asStandardWebhooks checks a v1 signature presented to an HMAC provider.
func (s *HMAC) asStandardWebhooks(d *diagnoser, sig string) (Finding, bool) {
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

func (s *HMAC) secretMistakes(secret []byte, provider string) []secretMistake {
	return plainSecretMistakes(secret, provider)
}
