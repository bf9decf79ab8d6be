package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
)

// Token is CM.com Sign's only authentication: no signature, a shared token in a custom
// header chosen when the webhook is registered.
type Token struct {
	Header string
}

func init() {
	register(catalog.SchemeHeaderToken, func(s catalog.Scheme, authHeader string) (Scheme, error) {
		return &Token{Header: orDefault(authHeader, orDefault(s.Header, "X-Webhook-Token"))}, nil
	})
}

// Facts implements Described.
func (s *Token) Facts() Facts {
	return Facts{
		Header:    s.Header,
		Token:     true,
		Uncovered: "%s deliveries are not signed: the token does not cover the body",
		Forged:    "a wrong token in " + s.Header,
		Rejected:  "correct deliveries were rejected: check the token and its header name (--auth-header)",
		Mismatch:  "check the token registered with the webhook",
	}
}

// Forge implements Described: a random token.
func (s *Token) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	return s.Sign(body, wrongSecret("token"), p)
}

// Name implements Scheme.
func (s *Token) Name() string { return "header-token" }

// Sign implements Scheme: the token travels as it is, by design.
func (s *Token) Sign(body []byte, k Keys, _ Params) (Signed, error) {
	if len(k.Secret) == 0 {
		return Signed{}, fmt.Errorf("%w: the %s header needs a token (--secret)", ErrNoKey, s.Header)
	}
	return Signed{Headers: []Header{{s.Header, string(k.Secret)}}, Body: body}, nil
}

// Verify implements Scheme. Hashing both sides first keeps the comparison constant-time
// even when the lengths differ.
func (s *Token) Verify(_ []byte, h http.Header, k Keys, _ VerifyOptions) (Result, error) {
	if len(k.Secret) == 0 {
		return Result{}, fmt.Errorf("%w: checking the %s header needs the token (--secret)", ErrNoKey, s.Header)
	}
	vals, ok := h[http.CanonicalHeaderKey(s.Header)]
	if !ok || len(vals) == 0 || vals[0] == "" {
		return unsigned("the request has no %s header", s.Header), nil
	}
	a, b := sha256.Sum256([]byte(vals[0])), sha256.Sum256(k.Secret)
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return invalid("the %s header does not match the token", s.Header), nil
	}
	return valid(), nil
}

// Diagnosis: see diagnosable.

// malformed: a token has no form of its own, so no value is malformed.
func (s *Token) malformed([]byte, http.Header, Keys) string { return "" }

// misformatted: a token is compared as it is; there is no format to get wrong.
func (s *Token) misformatted(*diagnoser, []byte) (Finding, bool) { return Finding{}, false }

// madeOtherwise finds the token in another header or behind an auth scheme.
func (s *Token) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
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

func (s *Token) secretMistakes(secret []byte, provider string) []secretMistake {
	return plainSecretMistakes(secret, provider)
}
