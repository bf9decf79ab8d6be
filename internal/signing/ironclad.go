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
	"net/http"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
)

// Ironclad signs eventId + body + nonce with RSASSA-PKCS1-v1_5 and SHA-256, using the
// account's private key. The event id travels in its own header; the nonce and the
// signature in a JSON object in the verification header.
type Ironclad struct {
	Header        string // X-Ironclad-Webhook-Verification
	EventIDHeader string // X-Ironclad-Webhook-Event-Id
}

func init() {
	register(catalog.SchemeIroncladRSA, func(s catalog.Scheme, _ string) (Scheme, error) {
		return &Ironclad{Header: orDefault(s.Header, "X-Ironclad-Webhook-Verification"), EventIDHeader: orDefault(s.EventIDHeader, "X-Ironclad-Webhook-Event-Id")}, nil
	})
}

// Facts implements Described.
func (s *Ironclad) Facts() Facts {
	return Facts{
		Header:     s.Header,
		CoversBody: true,
		KeyPair:    true,
		Pins:       []string{"nonce", "event-id"},
		// PROVIDERS.md: Ironclad signs event id + JSON.stringify(body) + nonce.
		Reserialised: "event id + JSON.stringify(body) + nonce",
		Forged:       "a signature in " + s.Header + " that does not verify",
		Rejected:     "correctly signed deliveries were rejected: check that the endpoint has the public key of the key whk signs with, and verify the raw body bytes before parsing them",
		Mismatch:     "check the public key (Ironclad rotates it: re-fetch it from GET /public/api/v1/webhooks/verification-key; whk's test key only verifies whk's own signatures) and that the event id header is the one Ironclad sent",
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
		return invalid("%s is malformed: %v", s.Header, err), nil
	}
	sig, err := v.SignatureBytes()
	if err != nil {
		return invalid("%s is malformed: %v", s.Header, err), nil
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
	if why := s.malformed(body, h, k); why != "" {
		return invalid("%s", why), nil
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

// Diagnosis: see diagnosable.

// malformed: the header is not the JSON object Ironclad sends, or its signature does not
// decode. A signature of another length is well-formed: it was made with a key of
// another size (madeOtherwise says so).
func (s *Ironclad) malformed(_ []byte, h http.Header, _ Keys) string {
	raw := strings.TrimSpace(h.Get(s.Header))
	if raw == "" {
		return ""
	}
	v, err := ParseVerification(raw)
	if err != nil {
		return fmt.Sprintf("%s is malformed: %v", s.Header, err)
	}
	sig, err := v.SignatureBytes()
	if err != nil {
		return fmt.Sprintf("%s is malformed: %v", s.Header, err)
	}
	if len(sig) == 0 {
		return fmt.Sprintf("%s is malformed: the signature is empty", s.Header)
	}
	return ""
}

func (s *Ironclad) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	in := d.in
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
	return Finding{}, false
}

// madeOtherwise re-checks the RSA signature over other signed content or padding.
func (s *Ironclad) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
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
	if len(sig) != pub.Size() {
		d.maybe(CauseOtherScheme, "the signature has %d bytes, the size of an RSA-%d signature, but the public key is RSA-%d: it was made with another key", len(sig), len(sig)*8, pub.Size()*8)
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

// secretMistakes: Ironclad signs with a key pair, so there is no shared secret to misuse.
func (s *Ironclad) secretMistakes([]byte, string) []secretMistake { return nil }
