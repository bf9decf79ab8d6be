package signing

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

func scheme(t *testing.T, provider string) Scheme {
	t.Helper()
	p, err := catalog.MustBuiltin().Provider(provider)
	if err != nil {
		t.Fatal(err)
	}
	s, err := For(p, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func headerOf(s Signed) http.Header {
	h := http.Header{}
	for _, kv := range s.Headers {
		h.Add(kv.Name, kv.Value)
	}
	return h
}

// The test vectors of PROVIDERS.md, byte for byte.
func TestVectors(t *testing.T) {
	tests := []struct {
		name, provider, secret, body string
		params                       Params
		header, want                 string
	}{
		{"Contract-as-Code", "contract-as-code", "lac_test_secret",
			`{"id":"evt_test_abc123","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"org_xyz789","data":{"message":"Webhook test from Contract-as-Code"}}`,
			Params{}, "X-Lac-Signature", "sha256=4f350c95dee353e812495b02b1d444cadf726652428bb004c4765427b061ad15"},
		{"Clment", "clment", "clment_test_secret",
			`{"id":"evt_8f3a","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`,
			Params{}, "X-Clment-Signature", "sha256=db7c5c70481a362a562d59a3eef293a7d86b6fef9340712923c438ede4941724"},
		{"Standard Webhooks (spec's Go library)", "standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			`{"test": 2432232314}`,
			Params{ID: "msg_p5jXN8AQM9LWM0D4loKWxJek", Timestamp: time.Unix(1614265330, 0)}, "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scheme(t, tt.provider)
			signed, err := s.Sign([]byte(tt.body), Keys{Secret: []byte(tt.secret)}, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if got := headerOf(signed).Get(tt.header); got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.header, got, tt.want)
			}
			if string(signed.Body) != tt.body {
				t.Fatalf("body changed")
			}
			now := tt.params.Timestamp
			if now.IsZero() {
				now = time.Now()
			}
			r, err := s.Verify([]byte(tt.body), headerOf(signed), Keys{Secret: []byte(tt.secret)}, VerifyOptions{Now: now})
			if err != nil || !r.Valid {
				t.Fatalf("round trip: %+v %v", r, err)
			}
		})
	}
}

func TestOneflowVector(t *testing.T) {
	s := scheme(t, "oneflow").(*Oneflow)
	if got := s.Signature("eaf850991bb7c273a56dcdeb265d30006fdc9de0", []byte("my-sign-key")); got != "cbff4912268db88c60dc81d7d232c50bde58af9d" {
		t.Fatalf("signature = %s", got)
	}
	body := `{"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0","events":[{"created_time":"2020-07-06T15:14:14+0000","id":2322,"type":"contract:publish"}]}`
	signed, err := s.Sign([]byte(body), Keys{Secret: []byte("my-sign-key")}, Params{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(body, "}") + `,"signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}`
	if string(signed.Body) != want {
		t.Fatalf("signed body\n got %s\nwant %s", signed.Body, want)
	}
	r, err := s.Verify(signed.Body, nil, Keys{Secret: []byte("my-sign-key")}, VerifyOptions{})
	if err != nil || !r.Valid || len(r.Warnings) == 0 {
		t.Fatalf("verify: %+v %v (a valid Oneflow signature must still warn)", r, err)
	}
	// Re-signing replaces the value in place.
	again, _ := s.Sign(signed.Body, Keys{Secret: []byte("other")}, Params{})
	if strings.Count(string(again.Body), `"signature"`) != 1 || !strings.HasPrefix(string(again.Body), body[:len(body)-1]) {
		t.Fatalf("re-sign: %s", again.Body)
	}
}

func TestSetTopLevelString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty object", `{}`, `{"k":"v"}`},
		{"append", `{"a":1}`, `{"a":1,"k":"v"}`},
		{"pretty append keeps layout", "{\n  \"a\": 1\n}\n", "{\n  \"a\": 1,\n\"k\":\"v\"}\n"},
		{"replace in place", `{"k": "old", "b": {"k": "nested"}}`, `{"k": "v", "b": {"k": "nested"}}`},
		{"replace non-string", `{"k":null}`, `{"k":"v"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SetTopLevelString([]byte(tt.in), "k", "v")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, bad := range []string{``, `[]`, `{"a":`, `"s"`} {
		if _, err := SetTopLevelString([]byte(bad), "k", "v"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestIroncladRoundTrip(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := scheme(t, "ironclad")
	body := []byte(`{"companyID":"c","payload":{"event":"workflow_launched"},"timestamp":"2022-04-07T21:36:52.776Z","webhookID":"w"}`)
	signed, err := s.Sign(body, Keys{PrivateKey: key}, Params{EventID: "evt1", Nonce: "n1"})
	if err != nil {
		t.Fatal(err)
	}
	h := headerOf(signed)
	if h.Get("X-Ironclad-Webhook-Event-Id") != "evt1" || !strings.HasPrefix(h.Get("X-Ironclad-Webhook-Verification"), `{"nonce":"n1","signAlgorithm":"sha256","signature":"`) {
		t.Fatalf("headers: %v", h)
	}
	pub := Keys{PublicKey: &key.PublicKey}
	if r, _ := s.Verify(body, h, pub, VerifyOptions{}); !r.Valid {
		t.Fatalf("raw body: %+v", r)
	}
	pretty := []byte("{\n  \"companyID\": \"c\",\n  \"payload\": {\"event\": \"workflow_launched\"},\n  \"timestamp\": \"2022-04-07T21:36:52.776Z\",\n  \"webhookID\": \"w\"\n}")
	signedPretty, _ := s.Sign(pretty, Keys{PrivateKey: key}, Params{EventID: "evt1", Nonce: "n1"})
	if r, _ := s.Verify(body, headerOf(signedPretty), pub, VerifyOptions{}); r.Valid {
		t.Fatalf("a signature over other bytes verified: %+v", r)
	}
	if r, _ := s.Verify(pretty, h, pub, VerifyOptions{}); !r.Valid || len(r.Warnings) == 0 {
		t.Fatalf("compact fallback: %+v", r)
	}
	h.Set("X-Ironclad-Webhook-Event-Id", "evt2")
	if r, _ := s.Verify(body, h, pub, VerifyOptions{}); r.Valid {
		t.Fatal("a changed event id verified")
	}
	if _, err := s.Verify(body, h, Keys{}, VerifyOptions{}); err == nil {
		t.Fatal("no public key is not an error")
	}
}

func TestVerifyOutcomes(t *testing.T) {
	secret := Keys{Secret: []byte("s3cret")}
	body := []byte(`{"id":"e","type":"t"}`)
	tests := []struct {
		name, provider string
		headers        map[string]string
		status         string
	}{
		{"hmac missing header", "clment", nil, "unsigned"},
		{"hmac upper-case hex", "clment", map[string]string{"X-Clment-Signature": "sha256=" + strings.ToUpper(mustSign(t, "clment", body, secret))}, "invalid"},
		{"hmac missing prefix", "clment", map[string]string{"X-Clment-Signature": mustSign(t, "clment", body, secret)}, "invalid"},
		{"hmac valid", "clment", map[string]string{"X-Clment-Signature": "sha256=" + mustSign(t, "clment", body, secret)}, "valid"},
		{"token missing", "cm-sign", nil, "unsigned"},
		{"token wrong", "cm-sign", map[string]string{"X-Webhook-Token": "nope"}, "invalid"},
		{"token right", "cm-sign", map[string]string{"X-Webhook-Token": "s3cret"}, "valid"},
		{"stdwh no signature", "standard-webhooks", nil, "unsigned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			keys := secret
			if tt.provider == "standard-webhooks" {
				keys = Keys{Secret: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")}
			}
			r, err := scheme(t, tt.provider).Verify(body, h, keys, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.Valid != (tt.status == "valid") {
				t.Fatalf("status %q valid %v (%s), want %q", r.Status, r.Valid, r.Reason, tt.status)
			}
		})
	}
}

func mustSign(t *testing.T, provider string, body []byte, k Keys) string {
	s, err := scheme(t, provider).Sign(body, k, Params{})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(s.Headers[0].Value, "sha256=")
}

func TestStandardWebhooksTolerance(t *testing.T) {
	s := scheme(t, "standard-webhooks")
	k := Keys{Secret: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")}
	ts := time.Unix(1614265330, 0)
	signed, _ := s.Sign([]byte("{}"), k, Params{ID: "msg_1", Timestamp: ts})
	h := headerOf(signed)
	for _, tt := range []struct {
		name  string
		now   time.Time
		valid bool
	}{
		{"on time", ts.Add(4 * time.Minute), true},
		{"stale", ts.Add(6 * time.Minute), false},
		{"future", ts.Add(-6 * time.Minute), false},
	} {
		r, _ := s.Verify([]byte("{}"), h, k, VerifyOptions{Now: tt.now})
		if r.Valid != tt.valid {
			t.Errorf("%s: %+v", tt.name, r)
		}
	}
	// Key rotation: the matching signature may be anywhere in the list, after any run
	// of spaces or tabs.
	sig := h.Get("webhook-signature")
	for _, list := range []string{"v1,AAAA " + sig, "v1,AAAA  \t" + sig + " v1,BBBB", " " + sig} {
		h.Set("webhook-signature", list)
		if r, _ := s.Verify([]byte("{}"), h, k, VerifyOptions{Now: ts}); !r.Valid {
			t.Errorf("rotation %q: %+v", list, r)
		}
	}
}
