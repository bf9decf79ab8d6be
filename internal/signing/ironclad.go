package signing

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/whk-cli/whk/internal/catalog"
	"net/http"
	"strings"
)

// Ironclad signs eventId + body + nonce with RSASSA-PKCS1-v1_5 and SHA-256, using the
// account's private key. The event id travels in its own header; the nonce and the
// signature in a JSON object in the verification header.
type Ironclad struct {
	Header        string // X-Ironclad-Webhook-Verification
	EventIDHeader string // X-Ironclad-Webhook-Event-Id
}

func init() {
	register(catalog.SchemeIroncladRSA, func(s catalog.Scheme, _ string) Scheme {
		return &Ironclad{Header: orDefault(s.Header, "X-Ironclad-Webhook-Verification"), EventIDHeader: orDefault(s.EventIDHeader, "X-Ironclad-Webhook-Event-Id")}
	})
}

// Facts implements Described.
func (s *Ironclad) Facts() Facts {
	return Facts{
		Header:     s.Header,
		CoversBody: true,
		KeyPair:    true,
		Forged:     "a signature in " + s.Header + " that does not verify",
		Rejected:   "correctly signed deliveries were rejected: check that the endpoint has the public key of the key whk signs with, and verify the raw body bytes before parsing them",
	}
}

// Forge implements Described: signed with k, then one bit of the RSA signature flipped,
// so the header stays well-formed (forging with another key would need a fresh RSA key).
func (s *Ironclad) Forge(body []byte, k Keys, p Params) (Signed, error) {
	signed, err := s.Sign(body, k, p)
	if err != nil {
		return Signed{}, err
	}
	for i, h := range signed.Headers {
		if h.Name != s.Header {
			continue
		}
		v, err := ParseVerification(h.Value)
		if err != nil {
			return Signed{}, err
		}
		sig, err := v.SignatureBytes()
		if err != nil {
			return Signed{}, err
		}
		sig[len(sig)/2] ^= 0x01
		v.Signature = base64.StdEncoding.EncodeToString(sig)
		v.Encoding = "base64"
		b, _ := json.Marshal(v)
		signed.Headers[i].Value = string(b)
	}
	return signed, nil
}

// Verification is the JSON object in X-Ironclad-Webhook-Verification.
type Verification struct {
	Nonce         string `json:"nonce"`
	SignAlgorithm string `json:"signAlgorithm"`
	Signature     string `json:"signature"`
	Encoding      string `json:"encoding"`
}

// Name implements Scheme.
func (s *Ironclad) Name() string { return "ironclad-rsa" }

// SignedBytes is what Ironclad signs: event id, body and nonce, concatenated.
func SignedBytes(eventID string, body []byte, nonce string) []byte {
	msg := make([]byte, 0, len(eventID)+len(body)+len(nonce))
	msg = append(msg, eventID...)
	msg = append(msg, body...)
	return append(msg, nonce...)
}

// Sign implements Scheme. Missing event id and nonce get random values.
func (s *Ironclad) Sign(body []byte, k Keys, p Params) (Signed, error) {
	if k.PrivateKey == nil {
		return Signed{}, fmt.Errorf("%w: Ironclad signing needs an RSA private key (--private-key)", ErrNoKey)
	}
	if _, ok := k.PrivateKey.Public().(*rsa.PublicKey); !ok {
		return Signed{}, fmt.Errorf("Ironclad signs with RSA; the private key is not an RSA key")
	}
	eventID := orDefault(p.EventID, randomHex(12))
	nonce := orDefault(p.Nonce, randomHex(16))
	digest := sha256.Sum256(SignedBytes(eventID, body, nonce))
	sig, err := k.PrivateKey.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return Signed{}, fmt.Errorf("signing: %w", err)
	}
	v, _ := json.Marshal(Verification{Nonce: nonce, SignAlgorithm: "sha256", Signature: base64.StdEncoding.EncodeToString(sig), Encoding: "base64"})
	return Signed{Headers: []Header{{s.EventIDHeader, eventID}, {s.Header, string(v)}}, Body: body}, nil
}

// Verify implements Scheme: the raw body first, then (as Ironclad's own guidance allows
// for frameworks that re-parse) a compact re-serialisation that keeps key order.
func (s *Ironclad) Verify(body []byte, h http.Header, k Keys, _ VerifyOptions) (Result, error) {
	pub, ok := k.PublicKey.(*rsa.PublicKey)
	if !ok || pub == nil {
		return Result{}, fmt.Errorf("%w: Ironclad verification needs Ironclad's RSA public key (--public-key)", ErrNoKey)
	}
	raw := h.Get(s.Header)
	if raw == "" {
		return unsigned("the request has no %s header", s.Header), nil
	}
	eventID := h.Get(s.EventIDHeader)
	if eventID == "" {
		return invalid("the request has no %s header, which the signature covers", s.EventIDHeader), nil
	}
	v, err := ParseVerification(raw)
	if err != nil {
		return invalid("%s: %v", s.Header, err), nil
	}
	sig, err := v.SignatureBytes()
	if err != nil {
		return invalid("%s: %v", s.Header, err), nil
	}
	check := func(b []byte) bool {
		d := sha256.Sum256(SignedBytes(eventID, b, v.Nonce))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig) == nil
	}
	if check(body) {
		return valid(), nil
	}
	var compact bytes.Buffer
	if json.Compact(&compact, body) == nil && !bytes.Equal(compact.Bytes(), body) && check(compact.Bytes()) {
		return valid("the signature matches the compact form of the body, not the bytes received: something re-formatted the body"), nil
	}
	return invalid("the RSA signature does not verify over event id + body + nonce with this public key"), nil
}

// ParseVerification reads the X-Ironclad-Webhook-Verification JSON object.
func ParseVerification(raw string) (Verification, error) {
	var v Verification
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&v); err != nil {
		return v, fmt.Errorf("not a JSON object: %v", err)
	}
	if v.Signature == "" {
		return v, fmt.Errorf("no signature")
	}
	if v.SignAlgorithm != "" && !strings.EqualFold(v.SignAlgorithm, "sha256") {
		return v, fmt.Errorf("signAlgorithm %q is not sha256", v.SignAlgorithm)
	}
	return v, nil
}

// SignatureBytes decodes the signature as its encoding says (base64, the default, or hex).
func (v Verification) SignatureBytes() ([]byte, error) {
	switch strings.ToLower(v.Encoding) {
	case "", "base64":
		b, err := base64.StdEncoding.DecodeString(v.Signature)
		if err != nil {
			return nil, fmt.Errorf("signature is not base64")
		}
		return b, nil
	case "hex":
		b, err := hex.DecodeString(v.Signature)
		if err != nil {
			return nil, fmt.Errorf("signature is not hex")
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", v.Encoding)
}
