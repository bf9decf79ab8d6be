package signing

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
)

// Oneflow puts lowercase hex sha1(callback_id + sign key) in the body's signature field.
// The signature does not cover the body: whoever saw one delivery can forge others with
// the same callback_id.
type Oneflow struct {
	Field   string // "signature"
	IDField string // "callback_id"
}

func init() {
	register(catalog.SchemeOneflowSHA1, func(s catalog.Scheme, _ string) (Scheme, error) {
		return &Oneflow{Field: orDefault(s.Field, "signature"), IDField: orDefault(s.IDField, "callback_id")}, nil
	})
}

// Facts implements Described.
func (s *Oneflow) Facts() Facts {
	return Facts{
		Field:     s.Field,
		Warning:   NotCoveredWarning,
		Uncovered: "%s's signature covers only " + s.IDField + " and the sign key, not the body: no receiver can detect an altered body; fetch the contract's events through the API before acting on them",
		Forged:    "a wrong " + s.Field + " field",
		Rejected:  "correctly signed deliveries were rejected: check the sign key",
		Mismatch:  "check that the sign key is the one set for this Oneflow account's webhooks",
		Unsigned:  "no Oneflow sign key given: sending unsigned, as Oneflow does when none is set (pass --secret-file to sign)",
	}
}

// Forge implements Described: signed with a random sign key.
func (s *Oneflow) Forge(body []byte, _ Keys, p Params) (Signed, error) {
	return s.Sign(body, wrongSecret("key"), p)
}

// NotCoveredWarning is said on every Oneflow verification, valid or not.
const NotCoveredWarning = "Oneflow's signature covers only callback_id and the sign key, not the body: a captured delivery can be replayed with other contents; fetch the contract's events through the API before acting on them"

// Name implements Scheme.
func (s *Oneflow) Name() string { return "oneflow-sha1" }

// Signature is hex sha1(callbackID + key).
func (s *Oneflow) Signature(callbackID string, key []byte) string {
	h := sha1.New()
	h.Write([]byte(callbackID))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil))
}

// Sign implements Scheme: the body comes back with its signature field set (replaced in
// place, or added at the end of the top-level object); no other byte changes.
func (s *Oneflow) Sign(body []byte, k Keys, _ Params) (Signed, error) {
	if len(k.Secret) == 0 {
		return Signed{}, fmt.Errorf("%w: Oneflow signing needs the sign key (--secret)", ErrNoKey)
	}
	id, err := s.callbackID(body)
	if err != nil {
		return Signed{}, err
	}
	out, err := SetTopLevelString(body, s.Field, s.Signature(id, k.Secret))
	if err != nil {
		return Signed{}, err
	}
	return Signed{Body: out}, nil
}

// Verify implements Scheme.
func (s *Oneflow) Verify(body []byte, _ http.Header, k Keys, _ VerifyOptions) (Result, error) {
	if len(k.Secret) == 0 {
		return Result{}, fmt.Errorf("%w: Oneflow verification needs the sign key (--secret)", ErrNoKey)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return withWarning(invalid("the body is not a JSON object, so it has no %s field", s.Field)), nil
	}
	var got string
	if raw, ok := doc[s.Field]; ok {
		if err := json.Unmarshal(raw, &got); err != nil {
			return withWarning(invalid("the body's %s field is not a string", s.Field)), nil
		}
	}
	if got == "" {
		return withWarning(unsigned("the body has no %s field (Oneflow sends none when no sign key is set)", s.Field)), nil
	}
	id, err := s.callbackID(body)
	if err != nil {
		return withWarning(invalid("%v", err)), nil
	}
	if !hmac.Equal([]byte(got), []byte(s.Signature(id, k.Secret))) {
		if why := s.malformed(body, nil, k); why != "" {
			return withWarning(invalid("%s", why)), nil
		}
		return withWarning(invalid("%s does not match sha1(%s + sign key)", s.Field, s.IDField)), nil
	}
	return valid(NotCoveredWarning), nil
}

func withWarning(r Result) Result {
	r.Warnings = append(r.Warnings, NotCoveredWarning)
	return r
}

func (s *Oneflow) callbackID(body []byte) (string, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("the body is not a JSON object: %w", err)
	}
	var id string
	if err := json.Unmarshal(doc[s.IDField], &id); err != nil || id == "" {
		return "", fmt.Errorf("the body has no string %s to sign", s.IDField)
	}
	return id, nil
}

// SetTopLevelString sets key to the string value in a JSON object's raw bytes, keeping
// every other byte as it was: an existing value is replaced in place; a missing key is
// appended before the closing brace.
func SetTopLevelString(body []byte, key, value string) ([]byte, error) {
	start, end, found, err := topLevelSpan(body, key)
	if err != nil {
		return nil, err
	}
	enc, _ := json.Marshal(value)
	var out bytes.Buffer
	if found {
		out.Write(body[:start])
		out.Write(enc)
		out.Write(body[end:])
		return out.Bytes(), nil
	}
	closing := bytes.LastIndexByte(body, '}')
	before := bytes.TrimRight(body[:closing], " \t\r\n")
	out.Write(body[:closing])
	if before[len(before)-1] != '{' {
		out.Truncate(len(before))
		out.WriteByte(',')
		out.Write(body[len(before):closing])
	}
	kb, _ := json.Marshal(key)
	out.Write(kb)
	out.WriteByte(':')
	out.Write(enc)
	out.Write(body[closing:])
	return out.Bytes(), nil
}

// topLevelSpan finds the byte range of key's value in a top-level JSON object.
func topLevelSpan(body []byte, key string) (start, end int, found bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return 0, 0, false, fmt.Errorf("the body is not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return 0, 0, false, errors.New("the body is not a JSON object")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return 0, 0, false, fmt.Errorf("the body is not JSON: %w", err)
		}
		afterKey := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, false, fmt.Errorf("the body is not JSON: %w", err)
		}
		if k, _ := kt.(string); k == key && !found {
			end = int(dec.InputOffset())
			start = afterKey + bytes.Index(body[afterKey:end], raw[:1])
			found = true
		}
	}
	if _, err := dec.Token(); err != nil {
		return 0, 0, false, fmt.Errorf("the body is not JSON: %w", err)
	}
	return start, end, found, nil
}

// Diagnosis: see diagnosable.

func (s *Oneflow) malformed(body []byte, _ http.Header, _ Keys) string {
	got, ok := topLevelStringField(body, s.Field)
	if !ok || got == "" {
		return ""
	}
	if why := hexShape(got, 2*sha1.Size, "a SHA-1"); why != "" {
		return fmt.Sprintf("the body's %s field is malformed: %s", s.Field, why)
	}
	return ""
}

func (s *Oneflow) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	got, ok := topLevelStringField(body, s.Field)
	if !ok {
		return Finding{}, false
	}
	if low := strings.ToLower(got); low != got {
		if b, err := SetTopLevelString(body, s.Field, low); err == nil && d.try(b, d.in.Header, d.in.Keys) {
			return Finding{Cause: CauseEncoding, Message: "the signature is upper-case hex; Oneflow sends lower-case hex"}, true
		}
	}
	return Finding{}, false
}

// madeOtherwise re-checks the usual wrong recipes for the signature.
func (s *Oneflow) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
	got, ok := topLevelStringField(in.Body, s.Field)
	id, idOK := topLevelStringField(in.Body, s.IDField)
	if !ok || !idOK {
		return Finding{}, false
	}
	got = strings.ToLower(got)
	secret := in.Keys.Secret
	cands := []struct{ sig, msg string }{
		{hexHash(sha1.New(), secret, []byte(id)), "the signature is sha1(sign key + callback_id), the two in the wrong order; Oneflow hashes callback_id + sign key"},
		{hexMAC(sha1.New, secret, []byte(id)), "the signature is HMAC-SHA1(sign key, callback_id); Oneflow uses a plain sha1 of callback_id + sign key"},
		{hexHash(sha256.New(), []byte(id), secret), "the signature is sha256(callback_id + sign key); Oneflow uses sha1"},
		{hexMAC(sha256.New, secret, bodyWithoutField(in.Body, s.Field)), "the signature is HMAC-SHA256 of the body; Oneflow's signature is sha1(callback_id + sign key) and does not cover the body"},
	}
	for _, c := range cands {
		if equal(got, c.sig) {
			return Finding{Cause: CauseOtherScheme, Message: c.msg}, true
		}
	}
	return Finding{}, false
}

func (s *Oneflow) secretMistakes(secret []byte, provider string) []secretMistake {
	return plainSecretMistakes(secret, provider)
}
