package signing

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"github.com/whk-cli/whk/internal/catalog"
	"net/http"
)

// Token is CM.com Sign's only authentication: no signature, a shared token in a custom
// header chosen when the webhook is registered.
type Token struct {
	Header string
}

func init() {
	register(catalog.SchemeHeaderToken, func(s catalog.Scheme, authHeader string) Scheme {
		return &Token{Header: orDefault(authHeader, orDefault(s.Header, "X-Webhook-Token"))}
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
	}
}

// Forge implements Described: a random token.
func (s *Token) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	return s.Sign(body, Keys{Secret: []byte("whk-wrong-token-" + randomHex(8))}, p)
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
