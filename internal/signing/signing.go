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
	ID        string    // {id} of an HMAC scheme (Standard Webhooks webhook-id)
	Timestamp time.Time // {timestamp} of an HMAC scheme (Standard Webhooks webhook-timestamp)
	Nonce     string    // Ironclad nonce
	EventID   string    // Ironclad X-Ironclad-Webhook-Event-Id
	// Header holds the values of the {header:Name} parts an HMAC scheme signs besides
	// its id and timestamp headers; signing fails when one is missing.
	Header http.Header
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
	Tolerance time.Duration // timestamp window; 0 means the scheme's own (catalog tolerance, else DefaultTolerance)
}

// DefaultTolerance is the Standard Webhooks reference libraries' timestamp window: the
// catalog's, which a timestamped scheme without its own tolerance gets.
const DefaultTolerance = catalog.DefaultTolerance

// Signature statuses: the words a Result, a delivery record and listen's output use.
const (
	StatusValid   = "valid"
	StatusInvalid = "invalid"
	// StatusUnsigned: the request carries no signature (or token).
	StatusUnsigned = "unsigned"
	// StatusUnchecked: whk did not check it (no key, unknown provider, body not read).
	StatusUnchecked = "unchecked"
)

// Result is the outcome of a verification.
type Result struct {
	Valid bool
	// Status is StatusValid, StatusInvalid or StatusUnsigned.
	Status string
	// Reason says why a signature is not valid, in one sentence.
	Reason string
	// Warnings hold caveats that apply even to a valid signature (Oneflow's signature
	// does not cover the body).
	Warnings []string
}

// Scheme signs and verifies deliveries one way. A scheme does not change once built, so
// one value may serve every delivery at once (listen builds each provider's once).
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
	build, ok := registry[p.Scheme.Name]
	if !ok {
		return nil, fmt.Errorf("provider %s: unknown scheme %q", p.ID, p.Scheme.Name)
	}
	s, err := build(p.Scheme, authHeader)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", p.ID, err)
	}
	return s, nil
}

// registry builds each scheme from its catalog entry; every scheme file registers its
// own, so adding a scheme touches that file (and catalog.Schemes) only.
var registry = map[string]builder{}

// builder makes a scheme from its catalog entry; a description the catalog did not
// check (one built in code) may be refused.
type builder func(s catalog.Scheme, authHeader string) (Scheme, error)

func register(name string, build builder) {
	registry[name] = build
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func valid(warnings ...string) Result {
	return Result{Valid: true, Status: StatusValid, Warnings: warnings}
}

func invalid(format string, a ...any) Result {
	return Result{Status: StatusInvalid, Reason: fmt.Sprintf(format, a...)}
}

func unsigned(format string, a ...any) Result {
	return Result{Status: StatusUnsigned, Reason: fmt.Sprintf(format, a...)}
}

// wrongSecret is a random secret for Forge, named for what it stands in for ("secret",
// "token"), so a receiver's log shows what whk sent on purpose.
func wrongSecret(what string) Keys {
	return Keys{Secret: []byte("whk-wrong-" + what + "-" + randomHex(8))}
}

// randomHex returns n random bytes as lowercase hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Facts are what commands need to know about a scheme without naming it: where its
// signature travels, what it covers, how to forge one a receiver must refuse.
type Facts struct {
	// Header carries the signature or token; "" when Field does.
	Header string
	// Field is the top-level body field that carries the signature; "" when Header does.
	Field string
	// Token means the value is the shared secret itself, sent as it is: redact it
	// wherever a request is shown or recorded.
	Token bool
	// CoversBody means a body altered after signing fails verification.
	CoversBody bool
	// Timestamped means the scheme signs a timestamp whose age a receiver checks.
	Timestamped bool
	// Tolerance is how far from now a signed timestamp may be before a receiver
	// refuses it (0 exactly when none is signed); TimestampIn names where the timestamp
	// travels ("webhook-timestamp", "the timestamp in Stripe-Signature").
	Tolerance   time.Duration
	TimestampIn string
	// KeyPair means the scheme signs with a private key and verifies with a public one
	// (--private-key, --public-key) rather than with a shared secret.
	KeyPair bool
	// Pins are the values besides the body that the scheme signs and a user may pin
	// for reproducible output (whk sign's flags: "id", "timestamp", "nonce",
	// "event-id").
	Pins []string
	// IDPrefix starts the fresh delivery ids whk makes for the scheme when they travel
	// in a header (Standard Webhooks' examples use msg_).
	IDPrefix string
	// ListSeparator, when the header takes a list of signatures (several during a key
	// rotation) of which any one may verify, separates the entries; "" when it takes
	// one signature.
	ListSeparator string
	// UnknownEntry is a well-formed list entry of a version no receiver knows, which a
	// receiver must skip rather than refuse the delivery for ("" without a list).
	UnknownEntry string
	// Reserialised, when the scheme signs a re-serialisation of the body rather than
	// its bytes, says what it signs: a receiver then has to re-serialise too.
	Reserialised string
	// Warning is said on every verification, valid or not ("" for none).
	Warning string
	// Uncovered says, when the body is not covered, why no receiver can detect an
	// altered body: a format whose one %s is the provider's name.
	Uncovered string
	// Forged describes what Forge makes, as a noun phrase ("a wrong token in X-Token").
	Forged string
	// Rejected says what to check when a receiver rejects correctly signed deliveries.
	Rejected string
	// Mismatch says what to check when a signature does not verify and none of the
	// usual mistakes explains it ("check that the secret is the one configured …").
	Mismatch string
	// Unsigned, when the provider sends unsigned deliveries while no key is set, says
	// so for a sender that has none (whk then sends unsigned too); "" means a sender
	// needs a key.
	Unsigned string
}

// Described is what every scheme the catalog names implements besides Scheme
// (TestEverySchemeStatesItsFacts holds each to it); a scheme of whk's own, such as
// delivery.Unsigned, need not.
type Described interface {
	Scheme
	// Facts states the scheme's facts.
	Facts() Facts
	// Forge makes what a careful receiver refuses: a well-formed signature over body
	// that does not verify with the receiver's key. k are the right keys, which a
	// scheme may sign with before corrupting the result.
	Forge(body []byte, k Keys, p Params) (Signed, error)
}

// FactsOf returns a scheme's facts; ok is false for a scheme that states none.
func FactsOf(s Scheme) (f Facts, ok bool) {
	d, ok := s.(Described)
	if !ok {
		return Facts{}, false
	}
	return d.Facts(), true
}

// FactsFor returns the facts of a provider's scheme (none for an unknown scheme).
func FactsFor(p *catalog.Provider) Facts {
	s, err := For(p, "")
	if err != nil {
		return Facts{}
	}
	f, _ := FactsOf(s)
	return f
}

// SignatureHeader is the header a scheme reads its signature (or token) from; "" when
// the signature is a body field (Oneflow).
func SignatureHeader(s Scheme) string {
	f, _ := FactsOf(s)
	return f.Header
}

// TokenHeader is the header that carries a scheme's token, which must be redacted; ""
// for schemes that send a signature rather than the secret itself.
func TokenHeader(s Scheme) string {
	if f, _ := FactsOf(s); f.Token {
		return f.Header
	}
	return ""
}

// Present puts a signature presented on its own (verify --signature) where the scheme
// reads it: into its header, or into its body field. h is changed in place.
func Present(s Scheme, body []byte, h http.Header, signature string) ([]byte, error) {
	f, _ := FactsOf(s)
	switch {
	case f.Field != "":
		return SetTopLevelString(body, f.Field, signature)
	case f.Header != "":
		h.Set(f.Header, signature)
	}
	return body, nil
}

// Forging returns a scheme whose Sign forges (see Described.Forge), so that whatever
// attaches a scheme's headers can attach a forged signature the same way; ok is false
// for a scheme that cannot forge.
func Forging(s Scheme) (Scheme, bool) {
	d, ok := s.(Described)
	if !ok {
		return nil, false
	}
	return forging{d}, true
}

type forging struct{ Described }

func (f forging) Sign(body []byte, k Keys, p Params) (Signed, error) {
	return f.Forge(body, k, p)
}
