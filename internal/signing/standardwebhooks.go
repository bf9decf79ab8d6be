package signing

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// StandardWebhooks is the Standard Webhooks 1.0.0 scheme: webhook-id, webhook-timestamp
// and webhook-signature headers; v1 is HMAC-SHA256 with a whsec_ key over
// "id.timestamp.body", v1a is ed25519 with whsk_/whpk_ keys.
type StandardWebhooks struct{}

func init() {
	register(catalog.SchemeStandardWebhooks, func(catalog.Scheme, string) Scheme { return &StandardWebhooks{} })
}

// Facts implements Described.
func (s *StandardWebhooks) Facts() Facts {
	return Facts{
		Header:      HeaderWebhookSignature,
		CoversBody:  true,
		Timestamped: true,
		Pins:        []string{"id", "timestamp"},
		IDPrefix:    "msg_",
		// Specification 1.0.0: "webhook-signature" is a space-delimited list of
		// "version,signature" entries; versions a receiver does not know are ignored.
		ListSeparator: " ",
		UnknownEntry:  "v2,Zm9yIGEgZnV0dXJlIHZlcnNpb24gb2YgdGhlIHNjaGVtZQ==",
		Forged:        "a " + HeaderWebhookSignature + " made with another secret",
		Rejected:      "correctly signed deliveries were rejected: check the secret, and verify the raw body bytes before parsing them",
		Mismatch:      "check that the secret is the one configured for this endpoint",
	}
}

// Forge implements Described: signed with a random whsec_ secret.
func (s *StandardWebhooks) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return s.Sign(body, Keys{Secret: []byte("whsec_" + base64.StdEncoding.EncodeToString(key))}, p)
}

// Standard Webhooks header names.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// Name implements Scheme.
func (s *StandardWebhooks) Name() string { return "standard-webhooks" }

// SignedContent is "{id}.{timestamp}.{body}".
func SignedContent(id string, ts int64, body []byte) []byte {
	prefix := id + "." + strconv.FormatInt(ts, 10) + "."
	return append([]byte(prefix), body...)
}

// Sign implements Scheme. A whsk_ secret signs v1a (ed25519); anything else is a v1
// HMAC key (whsec_ prefix optional, base64).
func (s *StandardWebhooks) Sign(body []byte, k Keys, p Params) (Signed, error) {
	if len(k.Secret) == 0 {
		return Signed{}, fmt.Errorf("%w: Standard Webhooks signing needs a whsec_ secret", ErrNoKey)
	}
	id := orDefault(p.ID, s.Facts().IDPrefix+randomHex(12))
	ts := p.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	content := SignedContent(id, ts.Unix(), body)
	var sig string
	if rest, ok := strings.CutPrefix(string(k.Secret), "whsk_"); ok {
		key, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || (len(key) != ed25519.PrivateKeySize && len(key) != ed25519.SeedSize) {
			return Signed{}, fmt.Errorf("the whsk_ key is not a base64 ed25519 private key")
		}
		if len(key) == ed25519.SeedSize {
			key = ed25519.NewKeyFromSeed(key)
		}
		sig = "v1a," + base64.StdEncoding.EncodeToString(ed25519.Sign(ed25519.PrivateKey(key), content))
	} else {
		key, err := DecodeWhsec(k.Secret)
		if err != nil {
			return Signed{}, err
		}
		sig = "v1," + base64.StdEncoding.EncodeToString(MAC(key, content))
	}
	return Signed{Headers: []Header{
		{HeaderWebhookID, id},
		{HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10)},
		{HeaderWebhookSignature, sig},
	}, Body: body}, nil
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

// Verify implements Scheme: the timestamp must be within the tolerance, and any of the
// space-separated signatures may match (several during key rotation).
func (s *StandardWebhooks) Verify(body []byte, h http.Header, k Keys, o VerifyOptions) (Result, error) {
	if len(k.Secret) == 0 {
		return Result{}, fmt.Errorf("%w: Standard Webhooks verification needs the whsec_ secret or whpk_ public key", ErrNoKey)
	}
	id, tsRaw, sigs := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if sigs == "" {
		return unsigned("the request has no %s header", HeaderWebhookSignature), nil
	}
	if id == "" || tsRaw == "" {
		return invalid("the request lacks %s or %s, which the signature covers", HeaderWebhookID, HeaderWebhookTimestamp), nil
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return invalid("%s %q is not Unix seconds", HeaderWebhookTimestamp, tsRaw), nil
	}
	now, tol := o.Now, o.Tolerance
	if now.IsZero() {
		now = time.Now()
	}
	if tol <= 0 {
		tol = DefaultTolerance
	}
	content := SignedContent(id, ts, body)
	var pub ed25519.PublicKey
	var mac []byte
	if rest, ok := strings.CutPrefix(string(k.Secret), "whpk_"); ok {
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return Result{}, fmt.Errorf("the whpk_ key is not a base64 ed25519 public key")
		}
		pub = b
	} else {
		key, err := DecodeWhsec(k.Secret)
		if err != nil {
			return Result{}, err
		}
		mac = []byte(base64.StdEncoding.EncodeToString(MAC(key, content)))
	}
	matched := false
	for _, vs := range ParseSignatureList(sigs) {
		switch {
		case vs.Version == "v1" && mac != nil:
			matched = hmac.Equal([]byte(vs.Signature), mac) || matched
		case vs.Version == "v1a" && pub != nil:
			if b, err := base64.StdEncoding.DecodeString(vs.Signature); err == nil {
				matched = ed25519.Verify(pub, content, b) || matched
			}
		}
	}
	if !matched {
		if why := s.malformed(body, h, k); why != "" {
			return invalid("%s", why), nil
		}
		return invalid("no signature in %s matches this key", HeaderWebhookSignature), nil
	}
	age := timestampAge(now, ts)
	if age > tol {
		return invalid("the signature matches but %s is %s old, beyond the %s tolerance", HeaderWebhookTimestamp, age.Round(time.Second), tol), nil
	}
	if -age > tol {
		return invalid("the signature matches but %s is %s in the future, beyond the %s tolerance", HeaderWebhookTimestamp, (-age).Round(time.Second), tol), nil
	}
	return valid(), nil
}

// VersionedSignature is one "version,signature" entry of a webhook-signature header.
type VersionedSignature struct {
	Version   string
	Signature string
}

// ParseSignatureList splits a webhook-signature header into its space-separated
// "version,signature" entries; entries without a comma are skipped.
func ParseSignatureList(header string) []VersionedSignature {
	var out []VersionedSignature
	for _, part := range strings.Fields(header) {
		if version, sig, ok := strings.Cut(part, ","); ok {
			out = append(out, VersionedSignature{version, sig})
		}
	}
	return out
}

// timestampAge is now minus the Unix time ts, clamped instead of overflowing, so that a
// timestamp in milliseconds (or any absurd value) is far out of tolerance rather than
// wrapped into it.
func timestampAge(now time.Time, ts int64) time.Duration {
	const limit = int64(math.MaxInt64/int64(time.Second)) - 1
	switch n := now.Unix(); {
	case ts > n+limit:
		return -time.Duration(limit) * time.Second
	case ts < n-limit:
		return time.Duration(limit) * time.Second
	}
	return now.Sub(time.Unix(ts, 0))
}

// Diagnosis: see diagnosable and timestamped.

func (s *StandardWebhooks) signedAt(h http.Header, o VerifyOptions) (time.Time, string, bool) {
	ts, err := strconv.ParseInt(h.Get(HeaderWebhookTimestamp), 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	now, tol := o.Now, o.Tolerance
	if now.IsZero() {
		now = time.Now()
	}
	if tol <= 0 {
		tol = DefaultTolerance
	}
	at := time.Unix(ts, 0)
	age := timestampAge(now, ts)
	switch {
	case age <= tol && -age <= tol:
		return at, "", true
	case ts > 1e12:
		return at, fmt.Sprintf("%s %d looks like milliseconds: Standard Webhooks timestamps are Unix seconds", HeaderWebhookTimestamp, ts), true
	case age > 0:
		return at, fmt.Sprintf("%s is %s old, beyond the %s tolerance: a replayed or long-delayed delivery, or a clock that is behind; raise --tolerance to check an old capture", HeaderWebhookTimestamp, age.Round(time.Second), tol), true
	}
	return at, fmt.Sprintf("%s is %s in the future, beyond the %s tolerance: the sender's clock is ahead (or yours is behind)", HeaderWebhookTimestamp, (-age).Round(time.Second), tol), true
}

// malformed: no entry of webhook-signature has the form of a v1 (HMAC-SHA256) or v1a
// (ed25519) signature in standard base64.
func (s *StandardWebhooks) malformed(_ []byte, h http.Header, _ Keys) string {
	sigs := strings.TrimSpace(h.Get(HeaderWebhookSignature))
	if sigs == "" {
		return ""
	}
	for _, vs := range ParseSignatureList(sigs) {
		b, err := base64.StdEncoding.DecodeString(vs.Signature)
		if err == nil && ((vs.Version == "v1" && len(b) == sha256.Size) || (vs.Version == "v1a" && len(b) == ed25519.SignatureSize)) {
			return ""
		}
	}
	return HeaderWebhookSignature + " is malformed: no entry is v1,<base64 of a 32-byte HMAC-SHA256> or v1a,<base64 of a 64-byte ed25519 signature>"
}

func (s *StandardWebhooks) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	in := d.in
	for _, entry := range strings.Fields(in.Header.Get(HeaderWebhookSignature)) {
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
	return Finding{}, false
}

func (s *StandardWebhooks) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
	secret := in.Keys.Secret
	keys := [][]byte{secret}
	if k, err := DecodeWhsec(secret); err == nil {
		keys = append(keys, k)
	}
	for _, entry := range strings.Fields(in.Header.Get(HeaderWebhookSignature)) {
		version, sig, ok := strings.Cut(entry, ",")
		hexSig := strings.ToLower(strings.TrimPrefix(entry, "sha256="))
		if isHex(hexSig) && len(hexSig) == 2*sha256.Size {
			for _, key := range keys {
				if equal(hexSig, hexMAC(sha256.New, key, in.Body)) {
					return Finding{Cause: CauseOtherScheme, Message: "the signature is hex HMAC-SHA256 of the body alone, as Clment and Contract-as-Code sign; Standard Webhooks signs id.timestamp.body and sends v1,<base64>"}, true
				}
			}
		}
		if ok && version == "v1" {
			for _, key := range keys {
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
	return Finding{}, false
}

// secretMistakes: the whsec_ secret used as a string, or its base64 part undecoded.
func (s *StandardWebhooks) secretMistakes(secret []byte, _ string) []secretMistake {
	raw := []byte("whsec_" + base64.StdEncoding.EncodeToString(secret))
	if _, err := DecodeWhsec(secret); err != nil {
		return []secretMistake{{raw, CauseWhsecSecret, "the secret is not whsec_<base64>, and the signature matches it used as raw bytes; Standard Webhooks base64-decodes the part after whsec_ and uses those bytes as the key"}}
	}
	out := []secretMistake{{raw, CauseWhsecSecret, "the signature was made with the whsec_ secret string itself as the HMAC key; Standard Webhooks uses the base64-decoded bytes after whsec_"}}
	if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
		out = append(out, secretMistake{[]byte("whsec_" + base64.StdEncoding.EncodeToString(rest)), CauseWhsecSecret, "the signature was made with the base64 text after whsec_ as the key, not decoded; Standard Webhooks uses the decoded bytes"})
	}
	return out
}
