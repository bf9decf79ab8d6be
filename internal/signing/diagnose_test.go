package signing

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

const (
	diagSecret = "xyzzy-s3cret-42"
	diagWhsec  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t *testing.T) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func others(t *testing.T) []Alternative {
	var out []Alternative
	for _, p := range catalog.MustBuiltin().Providers() {
		s, err := For(p, "")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Alternative{Provider: p.ID, Name: p.Name, Scheme: s})
	}
	return out
}

// signed signs body for provider and returns the headers it would send.
func signed(t *testing.T, provider string, body string, k Keys, p Params) http.Header {
	t.Helper()
	s, err := scheme(t, provider).Sign([]byte(body), k, p)
	if err != nil {
		t.Fatal(err)
	}
	return headerOf(s)
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// One case per diagnosis: the body and headers as the receiver has them, the key it
// verifies with, and the cause Diagnose must name.
func TestDiagnose(t *testing.T) {
	key := testRSAKey(t)
	sec := Keys{Secret: []byte(diagSecret)}
	whsec := Keys{Secret: []byte(diagWhsec)}
	ts := time.Unix(1614265330, 0)
	at := VerifyOptions{Now: ts}
	compact := `{"id":"evt_1","type":"review.completed","payload":{"b":1,"a":[1,2]}}`
	pretty := "{\n  \"id\": \"evt_1\",\n  \"type\": \"review.completed\",\n  \"payload\": {\n    \"b\": 1,\n    \"a\": [\n      1,\n      2\n    ]\n  }\n}"
	oneflowBody := func(sig string) string {
		return `{"contract":{"id":101},"callback_id":"cb1","events":[],"signature":"` + sig + `"}`
	}
	tests := []struct {
		name     string
		provider string
		body     string
		header   http.Header
		keys     Keys
		opts     VerifyOptions
		cause    Cause
		says     string
	}{
		{"body pretty-printed after signing", "clment", pretty,
			signed(t, "clment", compact, sec, Params{}), sec, at, CauseBodyReserialised, "compacted"},
		{"body compacted after signing", "clment", compact,
			signed(t, "clment", pretty, sec, Params{}), sec, at, CauseBodyReserialised, "2-space indent"},
		{"keys sorted", "contract-as-code", `{"b":1,"a":2}`,
			signed(t, "contract-as-code", `{"a":2,"b":1}`, sec, Params{}), sec, at, CauseBodyReserialised, "keys sorted"},
		{"Python json.dumps separators", "clment", `{"a":1,"b":[1,2]}`,
			signed(t, "clment", `{"a": 1, "b": [1, 2]}`, sec, Params{}), sec, at, CauseBodyReserialised, `", " and ": "`},
		{"unicode escaped by the receiver", "clment", `{"name":"Zo\u00eb"}`,
			signed(t, "clment", `{"name":"Zoë"}`, sec, Params{}), sec, at, CauseBodyReserialised, `\u escapes decoded`},
		{"unicode escaped by the sender (ensure_ascii)", "clment", `{"name":"Zoë"}`,
			signed(t, "clment", `{"name":"Zo\u00eb"}`, sec, Params{}), sec, at, CauseBodyReserialised, `non-ASCII characters escaped`},
		{"HTML escaped by Go's encoding/json", "clment", `{"q":"a<b&c"}`,
			signed(t, "clment", `{"q":"a\u003cb\u0026c"}`, sec, Params{}), sec, at, CauseBodyReserialised, `\u003c`},
		{"slashes lost: PHP sender, JSON.parse + JSON.stringify receiver", "clment", `{"id":"evt_1","url":"https://x.test/a/b"}`,
			signed(t, "clment", `{"id":"evt_1","url":"https:\/\/x.test\/a\/b"}`, sec, Params{}), sec, at, CauseBodyReserialised, `"/" escaped as "\/"`},
		{"slashes and non-ASCII lost: PHP's json_encode defaults", "contract-as-code", `{"name":"Zoë","url":"https://x.test/a"}`,
			signed(t, "contract-as-code", `{"name":"Zo\u00eb","url":"https:\/\/x.test\/a"}`, sec, Params{}), sec, at, CauseBodyReserialised, "PHP's json_encode writes by default"},
		{"slashes lost, Unicode kept: JSON_UNESCAPED_UNICODE", "clment", `{"name":"Zoë","url":"https://x.test/a"}`,
			signed(t, "clment", `{"name":"Zoë","url":"https:\/\/x.test\/a"}`, sec, Params{}), sec, at, CauseBodyReserialised, "JSON_UNESCAPED_UNICODE"},
		{"PHP pretty print compacted by the receiver", "clment", `{"id":"evt_1","data":{"url":"https://x.test/","tags":[]}}`,
			signed(t, "clment", "{\n    \"id\": \"evt_1\",\n    \"data\": {\n        \"url\": \"https:\\/\\/x.test\\/\",\n        \"tags\": []\n    }\n}", sec, Params{}), sec, at, CauseBodyReserialised, "JSON_PRETTY_PRINT"},
		{"slashes lost under Standard Webhooks", "standard-webhooks", `{"type":"invoice.paid","data":{"pdf":"https://x.test/i/1.pdf"}}`,
			signed(t, "standard-webhooks", `{"type":"invoice.paid","data":{"pdf":"https:\/\/x.test\/i\/1.pdf"}}`, whsec, Params{ID: "msg_1", Timestamp: ts}), whsec, at, CauseBodyReserialised, `"\/"`},
		{"trailing newline added", "clment", compact + "\n",
			signed(t, "clment", compact, sec, Params{}), sec, at, CauseTrailingNewline, `without its trailing "\n"`},
		{"trailing CRLF removed", "clment", compact,
			signed(t, "clment", compact+"\r\n", sec, Params{}), sec, at, CauseTrailingNewline, `"\r\n" added`},
		{"line endings converted to CRLF", "clment", strings.ReplaceAll(pretty, "\n", "\r\n"),
			signed(t, "clment", pretty, sec, Params{}), sec, at, CauseBodyReserialised, "CRLF line endings turned into LF"},
		{"upper-case hex", "clment", compact,
			http.Header{"X-Clment-Signature": {"sha256=" + strings.ToUpper(hmacHex(diagSecret, compact))}}, sec, at, CauseEncoding, "upper-case hex"},
		{"base64 instead of hex", "contract-as-code", compact,
			http.Header{"X-Lac-Signature": {"sha256=" + base64.StdEncoding.EncodeToString(MAC([]byte(diagSecret), []byte(compact)))}}, sec, at, CauseEncoding, "base64"},
		{"missing sha256= prefix", "clment", compact,
			http.Header{"X-Clment-Signature": {hmacHex(diagSecret, compact)}}, sec, at, CauseMissingPrefix, `lacks the "sha256=" prefix`},
		{"missing prefix and a trailing newline at once", "clment", compact + "\n",
			http.Header{"X-Clment-Signature": {hmacHex(diagSecret, compact)}}, sec, at, CauseMissingPrefix, `and the signature matches the body without its trailing "\n"`},
		{"missing v1, prefix", "standard-webhooks", compact,
			func() http.Header {
				h := signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: ts})
				h.Set("webhook-signature", strings.TrimPrefix(h.Get("webhook-signature"), "v1,"))
				return h
			}(), whsec, at, CauseMissingPrefix, `"v1,"`},
		{"hex instead of base64 (Standard Webhooks)", "standard-webhooks", compact,
			func() http.Header {
				h := signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: ts})
				b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(h.Get("webhook-signature"), "v1,"))
				h.Set("webhook-signature", "v1,"+hex.EncodeToString(b))
				return h
			}(), whsec, at, CauseEncoding, "hex"},
		{"whsec_ secret used raw by the sender", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, Keys{Secret: []byte("whsec_" + base64.StdEncoding.EncodeToString([]byte(diagWhsec)))}, Params{ID: "msg_1", Timestamp: ts}),
			whsec, at, CauseWhsecSecret, "secret string itself"},
		{"raw secret given for Standard Webhooks", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, Keys{Secret: []byte("whsec_" + base64.StdEncoding.EncodeToString([]byte(diagSecret)))}, Params{ID: "msg_1", Timestamp: ts}),
			sec, at, CauseWhsecSecret, "not whsec_<base64>"},
		{"whsec_ secret decoded for an HMAC provider", "clment", compact,
			func() http.Header {
				k, _ := DecodeWhsec([]byte(diagWhsec))
				return http.Header{"X-Clment-Signature": {"sha256=" + hex.EncodeToString(MAC(k, []byte(compact)))}}
			}(), whsec, at, CauseWhsecSecret, "base64-decoded"},
		{"secret file with an extra newline", "clment", compact,
			signed(t, "clment", compact, sec, Params{}), Keys{Secret: []byte(diagSecret + "\n")}, at, CauseSecretWhitespace, "trimmed"},
		{"secret pasted with spaces", "oneflow", oneflowBody(hexHash(sha1.New(), []byte("cb1"), []byte(diagSecret))),
			nil, Keys{Secret: []byte(" " + diagSecret + " ")}, at, CauseSecretWhitespace, "trimmed"},
		{"sender kept the newline of its secret file", "contract-as-code", compact,
			signed(t, "contract-as-code", compact, Keys{Secret: []byte(diagSecret + "\n")}, Params{}), sec, at, CauseSecretWhitespace, `plus a trailing "\n"`},
		{"Clment header checked as Contract-as-Code", "contract-as-code", compact,
			signed(t, "clment", compact, sec, Params{}), sec, at, CauseOtherScheme, "-p clment"},
		{"Standard Webhooks signature presented to an HMAC provider", "clment", compact,
			func() http.Header {
				h := signed(t, "standard-webhooks", compact, Keys{Secret: []byte("whsec_" + base64.StdEncoding.EncodeToString([]byte(diagSecret)))}, Params{ID: "msg_1", Timestamp: ts})
				h.Set("X-Clment-Signature", h.Get("webhook-signature"))
				h.Del("webhook-signature")
				return h
			}(), sec, at, CauseOtherScheme, "Standard Webhooks v1"},
		{"HMAC-SHA1 instead of SHA-256", "clment", compact,
			http.Header{"X-Clment-Signature": {"sha1=" + hexMAC(sha1.New, []byte(diagSecret), []byte(compact))}}, sec, at, CauseOtherScheme, "HMAC-SHA1"},
		{"plain SHA-256 without the secret", "contract-as-code", compact,
			http.Header{"X-Lac-Signature": {"sha256=" + hexHash(sha256.New(), []byte(compact))}}, sec, at, CauseOtherScheme, "plain SHA-256"},
		{"HMAC signature presented to Standard Webhooks", "standard-webhooks", compact,
			func() http.Header {
				h := signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: ts})
				k, _ := DecodeWhsec([]byte(diagWhsec))
				h.Set("webhook-signature", "sha256="+hex.EncodeToString(MAC(k, []byte(compact))))
				return h
			}(), whsec, at, CauseOtherScheme, "body alone"},
		{"stale timestamp", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: ts}), whsec, VerifyOptions{Now: ts.Add(7 * time.Minute)}, CauseTimestamp, "7m0s old"},
		{"future timestamp", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: ts}), whsec, VerifyOptions{Now: ts.Add(-time.Hour)}, CauseTimestamp, "in the future"},
		{"timestamp in milliseconds", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, whsec, Params{ID: "msg_1", Timestamp: time.Unix(1614265330000, 0)}), whsec, at, CauseTimestamp, "milliseconds"},
		{"Oneflow key and callback_id swapped", "oneflow", oneflowBody(hexHash(sha1.New(), []byte(diagSecret), []byte("cb1"))),
			nil, sec, at, CauseOtherScheme, "wrong order"},
		{"Oneflow upper-case signature", "oneflow", oneflowBody(strings.ToUpper(hexHash(sha1.New(), []byte("cb1"), []byte(diagSecret)))),
			nil, sec, at, CauseEncoding, "upper-case"},
		{"Ironclad body pretty-printed before signing", "ironclad", compact,
			signed(t, "ironclad", pretty, Keys{PrivateKey: key}, Params{EventID: "e1", Nonce: "n1"}), Keys{PublicKey: &key.PublicKey}, at, CauseBodyReserialised, "2-space indent"},
		{"Ironclad hex signature labelled base64", "ironclad", compact,
			func() http.Header {
				d := sha256.Sum256(SignedBytes("e1", []byte(compact), "n1"))
				sig, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
				return http.Header{"X-Ironclad-Webhook-Event-Id": {"e1"}, "X-Ironclad-Webhook-Verification": {`{"nonce":"n1","signAlgorithm":"SHA256","signature":"` + hex.EncodeToString(sig) + `","encoding":"base64"}`}}
			}(), Keys{PublicKey: &key.PublicKey}, at, CauseEncoding, "hex"},
		{"Ironclad signature over the body alone", "ironclad", compact,
			func() http.Header {
				d := sha256.Sum256([]byte(compact))
				sig, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
				return http.Header{"X-Ironclad-Webhook-Event-Id": {"e1"}, "X-Ironclad-Webhook-Verification": {`{"nonce":"n1","signAlgorithm":"sha256","signature":"` + base64.StdEncoding.EncodeToString(sig) + `","encoding":"base64"}`}}
			}(), Keys{PublicKey: &key.PublicKey}, at, CauseOtherScheme, "the body alone"},
		{"CM.com token in another header", "cm-sign", compact,
			http.Header{"Authorization": {"Bearer " + diagSecret}}, sec, at, CauseTokenHeader, "--auth-header Authorization"},
		{"stale timestamp and the wrong secret: both said", "standard-webhooks", compact,
			signed(t, "standard-webhooks", compact, Keys{Secret: []byte("whsec_" + base64.StdEncoding.EncodeToString([]byte("other key")))}, Params{ID: "msg_1", Timestamp: ts}),
			whsec, VerifyOptions{Now: ts.Add(time.Hour)}, CauseTimestamp, "1h0m0s old"},
		{"keys sorted by the receiver: likely, not confirmable", "clment", "{\n  \"a\": 2,\n  \"b\": 1\n}",
			signed(t, "clment", `{"b":1,"a":2}`, sec, Params{}), sec, at, CauseBodyReserialised, "order it was signed in is lost"},
		{"nothing explains it", "clment", compact,
			signed(t, "clment", compact, Keys{Secret: []byte("another-secret")}, Params{}), sec, at, CauseUnexplained, "check that the secret"},
		{"Ironclad key does not match", "ironclad", compact,
			func() http.Header {
				other, _ := rsa.GenerateKey(rand.Reader, 1024)
				return signed(t, "ironclad", compact, Keys{PrivateKey: other}, Params{EventID: "e1", Nonce: "n1"})
			}(), Keys{PublicKey: &key.PublicKey}, at, CauseUnexplained, "check the public key"},
	}
	all := others(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scheme(t, tt.provider)
			p, _ := catalog.MustBuiltin().Provider(tt.provider)
			fs := Diagnose(DiagnoseInput{Scheme: s, Provider: p.Name, Body: []byte(tt.body), Header: tt.header, Keys: tt.keys, Options: tt.opts, Others: all})
			var got *Finding
			for i := range fs {
				if fs[i].Cause == tt.cause {
					got = &fs[i]
				}
				for _, secret := range []string{diagSecret, diagWhsec, strings.TrimPrefix(diagWhsec, "whsec_")} {
					if strings.Contains(fs[i].Message, secret) {
						t.Errorf("a finding shows the secret: %q", fs[i].Message)
					}
				}
			}
			if got == nil {
				t.Fatalf("no %s finding; got %+v", tt.cause, fs)
			}
			if !strings.Contains(got.Message, tt.says) {
				t.Errorf("message %q does not say %q", got.Message, tt.says)
			}
			if want := tt.cause != CauseUnexplained && !strings.Contains(tt.name, "both said") && !strings.Contains(tt.name, "not confirmable"); Explained(fs) != want || got.Confirmed != want {
				t.Errorf("Explained = %v, want %v (%+v)", !want, want, fs)
			}
			if tt.provider == "oneflow" && fs[0].Cause != CauseBodyNotCovered {
				t.Errorf("Oneflow diagnosis does not warn that the body is not covered: %+v", fs)
			}
		})
	}
}

func TestDiagnoseValidSaysNothingButOneflowWarning(t *testing.T) {
	sec := Keys{Secret: []byte(diagSecret)}
	body := `{"contract":{"id":1},"callback_id":"cb1","events":[]}`
	s := scheme(t, "oneflow")
	sig, _ := s.Sign([]byte(body), sec, Params{})
	fs := Diagnose(DiagnoseInput{Scheme: s, Provider: "Oneflow", Body: sig.Body, Keys: sec})
	if len(fs) != 1 || fs[0].Cause != CauseBodyNotCovered {
		t.Fatalf("valid Oneflow: %+v", fs)
	}
	h := signed(t, "clment", body, sec, Params{})
	if fs := Diagnose(DiagnoseInput{Scheme: scheme(t, "clment"), Body: []byte(body), Header: h, Keys: sec}); len(fs) != 0 {
		t.Fatalf("valid Clment: %+v", fs)
	}
}

func TestReformatStyles(t *testing.T) {
	body := []byte(`{"b":"é<","a":[1,{"c":null}],"e":{}}`)
	root, err := parseJSON(body)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		style jsonStyle
		want  string
	}{
		{"compact", jsonStyle{layout: layoutCompact}, `{"b":"é<","a":[1,{"c":null}],"e":{}}`},
		{"python ascii", jsonStyle{layoutPython, false, escapeASCII}, `{"b": "\u00e9<", "a": [1, {"c": null}], "e": {}}`},
		{"go map", jsonStyle{layoutCompact, true, escapeHTML}, `{"a":[1,{"c":null}],"b":"é\u003c","e":{}}`},
		{"indent 2", jsonStyle{layout: layoutIndent2}, "{\n  \"b\": \"é<\",\n  \"a\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"e\": {}\n}"},
		{"original layout, ascii", jsonStyle{layoutOriginal, false, escapeASCII}, `{"b":"\u00e9<","a":[1,{"c":null}],"e":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(reformat(body, root, tt.style)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if got := string(reformat([]byte(`["😀"]`), mustParse(t, `["😀"]`), jsonStyle{layoutCompact, false, escapeASCII})); got != `["\ud83d\ude00"]` {
		t.Errorf("surrogate pair: %s", got)
	}
}

func mustParse(t *testing.T, s string) jnode {
	n, err := parseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A receiver that sorted the keys gets one coherent diagnosis: the re-serialisation
// first, then what to check if the raw bytes fail too, and no line that says a body
// re-serialisation was ruled out.
func TestDiagnoseSortedKeysIsOneStory(t *testing.T) {
	sec := Keys{Secret: []byte(diagSecret)}
	tests := []struct {
		name, provider, sent, received string
		keys                           Keys
	}{
		{"Python sort_keys, indented", "clment", `{"type":"review.completed","id":"evt_1","payload":{"b":1,"a":2}}`, "{\n  \"id\": \"evt_1\",\n  \"payload\": {\n    \"a\": 2,\n    \"b\": 1\n  },\n  \"type\": \"review.completed\"\n}", sec},
		{"jq -S -c", "contract-as-code", `{"type":"t","id":"e","data":{"z":true,"m":null}}`, `{"data":{"m":null,"z":true},"id":"e","type":"t"}`, sec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scheme(t, tt.provider)
			fs := Diagnose(DiagnoseInput{Scheme: s, Provider: "P", Body: []byte(tt.received), Header: signed(t, tt.provider, tt.sent, tt.keys, Params{}), Keys: tt.keys, Others: others(t)})
			if len(fs) < 2 || fs[0].Cause != CauseBodyReserialised || fs[0].Confirmed || !strings.Contains(fs[0].Message, "sorted order") {
				t.Fatalf("the sorted keys are not the first, likely cause: %+v", fs)
			}
			last := fs[len(fs)-1]
			if last.Cause != CauseUnexplained || !strings.HasPrefix(last.Message, "if none of the above is it: check that the secret") {
				t.Fatalf("the last finding does not follow on from the likely cause: %+v", last)
			}
			for _, f := range fs {
				if strings.Contains(f.Message, "none of the usual mistakes") || strings.Contains(f.Message, "(body re-serialised") {
					t.Errorf("a finding rules out what another suspects: %q", f.Message)
				}
			}
		})
	}
}

// A signature that cannot match under any key, whatever the body, is called malformed
// by Verify and by Diagnose, not a mismatch that sends the user to the secret.
func TestDiagnoseMalformedSignature(t *testing.T) {
	key := testRSAKey(t)
	sec := Keys{Secret: []byte(diagSecret)}
	whsec := Keys{Secret: []byte(diagWhsec)}
	ts := time.Unix(1614265330, 0)
	body := `{"id":"evt_1","type":"review.completed","callback_id":"cb1"}`
	std := func(sig string) http.Header {
		return http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {"1614265330"}, "Webhook-Signature": {sig}}
	}
	ironclad := func(v string) http.Header {
		return http.Header{"X-Ironclad-Webhook-Event-Id": {"e1"}, "X-Ironclad-Webhook-Verification": {v}}
	}
	tests := []struct {
		name     string
		provider string
		body     string
		header   http.Header
		keys     Keys
		says     string
	}{
		{"not hex", "clment", body, http.Header{"X-Clment-Signature": {"sha256=zz"}}, sec, `after "sha256=" it is not hex`},
		{"too short", "clment", body, http.Header{"X-Clment-Signature": {"sha256=" + hmacHex(diagSecret, body)[:40]}}, sec, "it has 40 hex digits; an HMAC-SHA256 has 64"},
		{"one digit too many", "contract-as-code", body, http.Header{"X-Lac-Signature": {"sha256=" + hmacHex(diagSecret, body) + "0"}}, sec, "not hex"},
		{"nothing after the prefix", "clment", body, http.Header{"X-Clment-Signature": {"sha256="}}, sec, "it is empty"},
		{"no prefix, not hex", "clment", body, http.Header{"X-Clment-Signature": {"hello"}}, sec, `lacks the "sha256=" prefix and it is not hex`},
		{"bad base64", "standard-webhooks", body, std("v1,not*base64!"), whsec, "no entry is v1,<base64"},
		{"base64 of the wrong length", "standard-webhooks", body, std("v1," + base64.StdEncoding.EncodeToString([]byte("short"))), whsec, "32-byte HMAC-SHA256"},
		{"no version", "standard-webhooks", body, std("garbage"), whsec, "malformed"},
		{"Ironclad header not JSON", "ironclad", body, ironclad("nonce=n1"), Keys{PublicKey: &key.PublicKey}, "not a JSON object"},
		{"Ironclad signature not base64", "ironclad", body, ironclad(`{"nonce":"n1","signAlgorithm":"sha256","signature":"%%%","encoding":"base64"}`), Keys{PublicKey: &key.PublicKey}, "signature is not base64"},
		{"Oneflow signature too short", "oneflow", `{"callback_id":"cb1","signature":"abc123"}`, nil, sec, "it has 6 hex digits; a SHA-1 has 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scheme(t, tt.provider)
			o := VerifyOptions{Now: ts}
			r, err := s.Verify([]byte(tt.body), tt.header, tt.keys, o)
			if err != nil || r.Valid || !strings.Contains(r.Reason, "malformed") || !strings.Contains(r.Reason, tt.says) {
				t.Errorf("Verify: %+v %v, want a malformed reason saying %q", r, err, tt.says)
			}
			fs := Diagnose(DiagnoseInput{Scheme: s, Provider: "P", Body: []byte(tt.body), Header: tt.header, Keys: tt.keys, Options: o, Others: others(t)})
			got := first(t, fs)
			if got.Cause != CauseMalformed || !got.Confirmed || !strings.Contains(got.Message, "malformed signature matches under no key") {
				t.Fatalf("first finding %+v, want %s (all: %+v)", got, CauseMalformed, fs)
			}
			if Explained(fs) {
				t.Error("a malformed signature is taken to explain how the signature was made")
			}
			for _, f := range fs {
				if f.Cause == CauseUnexplained {
					t.Errorf("a malformed signature still sends the user to the key: %q", f.Message)
				}
			}
		})
	}
}

// Senders and a careless receiver as real serialisers write them, not as whk's own
// reformatter does: python3 for the senders (PHP's JSON_PRETTY_PRINT is json.dumps with
// indent=4 plus PHP's "\/"; every "/" in JSON is inside a string), Go's encoding/json,
// and node's JSON.parse + JSON.stringify for the receiver. Diagnose must name the
// sender's style from the receiver's bytes and the sender's signature.
func TestDiagnoseAgainstRealSerialisers(t *testing.T) {
	const value = `{"id":"evt_1","url":"https://x.test/a?b=1&c=<2>","name":"Zoë","n":[1,2.5,{"k":null}]}`
	run := func(name, script string, stdin []byte) []byte {
		t.Helper()
		cmd := exec.Command(name, "-c", script)
		if name == "node" {
			cmd = exec.Command(name, "-e", script)
		}
		cmd.Stdin = bytes.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	python := func(expr string) func() []byte {
		return func() []byte {
			return run("python3", "import json,sys; sys.stdout.write("+expr+")", []byte(value))
		}
	}
	tests := []struct {
		name   string
		sender func() []byte
		says   string
	}{
		{"PHP json_encode(JSON_PRETTY_PRINT)", python(`json.dumps(json.load(sys.stdin), indent=4).replace("/", "\\/")`), "JSON_PRETTY_PRINT"},
		{"PHP json_encode", python(`json.dumps(json.load(sys.stdin), separators=(",", ":")).replace("/", "\\/")`), "PHP's json_encode writes by default"},
		{"Python json.dumps", python(`json.dumps(json.load(sys.stdin))`), "Python's json.dumps writes by default"},
		{"Go json.Marshal of a map", func() []byte {
			var v map[string]any
			if err := json.Unmarshal([]byte(value), &v); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v)
			return b
		}, "as Go's encoding/json writes strings"},
	}
	sec := Keys{Secret: []byte(diagSecret)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := tt.sender()
			received := run("node", `let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s))))`, sent)
			if bytes.Equal(sent, received) {
				t.Fatalf("the receiver changed nothing: %s", sent)
			}
			fs := Diagnose(DiagnoseInput{Scheme: scheme(t, "clment"), Provider: "Clment", Body: received, Header: signed(t, "clment", string(sent), sec, Params{}), Keys: sec, Others: others(t)})
			if got := first(t, fs); got.Cause != CauseBodyReserialised || !got.Confirmed || !strings.Contains(got.Message, tt.says) {
				t.Fatalf("sent %s\nreceived %s\nfindings %+v, want a confirmed %s saying %q", sent, received, fs, CauseBodyReserialised, tt.says)
			}
		})
	}
}
