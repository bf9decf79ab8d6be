// Package signing implements each provider's way of authenticating a delivery behind
// one small interface: sign the exact body bytes, or verify them against the headers
// a request carried. One file per scheme; the catalog says which scheme a provider uses.
package signing

import (
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// Header is one header line a scheme attaches, in the order the provider sends them.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Keys are what a scheme signs or verifies with. Secret is the shared secret as the user
// gave it (HMAC secret, CM.com Sign token, Oneflow sign key, Standard Webhooks
// whsec_/whsk_/whpk_ key); PrivateKey and PublicKey are Ironclad's RSA pair.
type Keys struct {
	Secret     []byte
	PrivateKey crypto.Signer
	PublicKey  crypto.PublicKey
}

// Params pin the values a scheme signs besides the body, so output is reproducible.
// Zero values get fresh random ones (and Timestamp the current time).
type Params struct {
	ID        string    // Standard Webhooks webhook-id
	Timestamp time.Time // Standard Webhooks webhook-timestamp
	Nonce     string    // Ironclad nonce
	EventID   string    // Ironclad X-Ironclad-Webhook-Event-Id
}

// Signed is what a provider would send: the headers to attach and the body (which only
// Oneflow changes, by setting its signature field).
type Signed struct {
	Headers []Header
	Body    []byte
}

// VerifyOptions tune checks that depend on time.
type VerifyOptions struct {
	Now       time.Time
	Tolerance time.Duration // Standard Webhooks timestamp window; 0 means DefaultTolerance
}

// DefaultTolerance is the Standard Webhooks reference libraries' timestamp window.
const DefaultTolerance = 5 * time.Minute

// Result is the outcome of a verification.
type Result struct {
	Valid bool
	// Status is "valid", "invalid" or "unsigned" (the request carries no signature).
	Status string
	// Reason says why a signature is not valid, in one sentence.
	Reason string
	// Warnings hold caveats that apply even to a valid signature (Oneflow's signature
	// does not cover the body).
	Warnings []string
}

// Scheme signs and verifies deliveries one way.
type Scheme interface {
	// Name is the catalog's scheme name.
	Name() string
	// Sign returns what the provider would attach to exactly these body bytes.
	Sign(body []byte, k Keys, p Params) (Signed, error)
	// Verify checks a body against the headers of a request. It returns an error only
	// when the keys are missing or unusable; a bad or absent signature is a Result.
	Verify(body []byte, h http.Header, k Keys, o VerifyOptions) (Result, error)
}

// ErrNoKey means a scheme was asked to sign or verify without the key it needs.
var ErrNoKey = errors.New("no key")

// For returns the scheme a provider uses. authHeader overrides the token header of the
// header-token scheme (CM.com Sign's --auth-header); "" keeps the catalog's.
func For(p *catalog.Provider, authHeader string) (Scheme, error) {
	s := p.Scheme
	switch s.Name {
	case catalog.SchemeHMACSHA256:
		return &HMAC{Header: s.Header, Prefix: s.Prefix}, nil
	case catalog.SchemeHeaderToken:
		h := s.Header
		if authHeader != "" {
			h = authHeader
		}
		if h == "" {
			h = "X-Webhook-Token"
		}
		return &Token{Header: h}, nil
	case catalog.SchemeOneflowSHA1:
		return &Oneflow{Field: orDefault(s.Field, "signature"), IDField: orDefault(s.IDField, "callback_id")}, nil
	case catalog.SchemeIroncladRSA:
		return &Ironclad{Header: orDefault(s.Header, "X-Ironclad-Webhook-Verification"), EventIDHeader: orDefault(s.EventIDHeader, "X-Ironclad-Webhook-Event-Id")}, nil
	case catalog.SchemeStandardWebhooks:
		return &StandardWebhooks{}, nil
	}
	return nil, fmt.Errorf("provider %s: unknown scheme %q", p.ID, s.Name)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func valid(warnings ...string) Result {
	return Result{Valid: true, Status: "valid", Warnings: warnings}
}

func invalid(format string, a ...any) Result {
	return Result{Status: "invalid", Reason: fmt.Sprintf(format, a...)}
}

func unsigned(format string, a ...any) Result {
	return Result{Status: "unsigned", Reason: fmt.Sprintf(format, a...)}
}

// randomHex returns n random bytes as lowercase hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// SignatureHeader is the header a scheme reads its signature (or token) from; "" for
// Oneflow, whose signature is a field of the body.
func SignatureHeader(s Scheme) string {
	switch s := s.(type) {
	case *HMAC:
		return s.Header
	case *Ironclad:
		return s.Header
	case *StandardWebhooks:
		return HeaderWebhookSignature
	case *Token:
		return s.Header
	}
	return ""
}
