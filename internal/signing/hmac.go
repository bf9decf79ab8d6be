package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/whk-cli/whk/internal/catalog"
	"net/http"
	"strings"
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
	}
}

// Forge implements Described: signed with a random secret.
func (s *HMAC) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	return s.Sign(body, Keys{Secret: []byte("whk-wrong-secret-" + randomHex(8))}, p)
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
