package delivery

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/signing"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

const swSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// providerKeys are the keys each provider signs with in these tests.
func providerKeys(t *testing.T, p *catalog.Provider) signing.Keys {
	switch p.ID {
	case "ironclad":
		return signing.Keys{PrivateKey: testRSA(t)}
	case "standard-webhooks":
		return signing.Keys{Secret: []byte(swSecret)}
	}
	return signing.Keys{Secret: []byte(p.ID + "-secret")}
}

// checkAsProvider checks a received request the way a receiver of p would, with crypto
// written out here, not whk's signing package. It returns the delivery id or a problem.
func checkAsProvider(t *testing.T, p *catalog.Provider, r *http.Request, body []byte) (string, error) {
	secret := []byte(p.ID + "-secret")
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("body is not a JSON object: %v", err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return "", fmt.Errorf("Content-Type %q", ct)
	}
	hexHMAC := func(key []byte, msg ...[]byte) string {
		m := hmac.New(sha256.New, key)
		for _, b := range msg {
			m.Write(b)
		}
		return hex.EncodeToString(m.Sum(nil))
	}
	str := func(k string) string { s, _ := doc[k].(string); return s }
	switch p.ID {
	case "clment":
		if got, want := r.Header.Get("X-Clment-Signature"), "sha256="+hexHMAC(secret, body); got != want {
			return "", fmt.Errorf("X-Clment-Signature %q, want %q", got, want)
		}
		if r.Header.Get("User-Agent") != "Clment-Webhook/1.0" {
			return "", fmt.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
		}
		if r.Header.Get("X-Clment-Event") != str("type") || r.Header.Get("X-Clment-Event-Id") != str("id") {
			return "", fmt.Errorf("event headers %q %q do not match the body", r.Header.Get("X-Clment-Event"), r.Header.Get("X-Clment-Event-Id"))
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(r.Header.Get("X-Clment-Delivery-Timestamp")) {
			return "", fmt.Errorf("X-Clment-Delivery-Timestamp %q", r.Header.Get("X-Clment-Delivery-Timestamp"))
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(str("occurredAt")) {
			return "", fmt.Errorf("occurredAt %q", str("occurredAt"))
		}
		return str("id"), nil
	case "contract-as-code":
		if got, want := r.Header.Get("X-Lac-Signature"), "sha256="+hexHMAC(secret, body); got != want {
			return "", fmt.Errorf("X-Lac-Signature %q, want %q", got, want)
		}
		return str("id"), nil
	case "ironclad":
		id := r.Header.Get("X-Ironclad-Webhook-Event-Id")
		if id == "" {
			return "", fmt.Errorf("no X-Ironclad-Webhook-Event-Id")
		}
		var v struct{ Nonce, SignAlgorithm, Signature, Encoding string }
		if err := json.Unmarshal([]byte(r.Header.Get("X-Ironclad-Webhook-Verification")), &v); err != nil {
			return "", fmt.Errorf("X-Ironclad-Webhook-Verification: %v", err)
		}
		sig, err := base64.StdEncoding.DecodeString(v.Signature)
		if err != nil || v.SignAlgorithm != "sha256" || v.Encoding != "base64" || v.Nonce == "" {
			return "", fmt.Errorf("verification header %+v", v)
		}
		digest := sha256.Sum256([]byte(id + string(body) + v.Nonce))
		if err := rsa.VerifyPKCS1v15(&testRSA(t).PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			return "", fmt.Errorf("RSA signature: %v", err)
		}
		payload, _ := doc["payload"].(map[string]any)
		if payload["event"] == nil || doc["id"] != nil {
			return "", fmt.Errorf("body shape: %s", body)
		}
		return id, nil
	case "cm-sign":
		if r.Header.Get("X-Webhook-Token") != string(secret) {
			return "", fmt.Errorf("X-Webhook-Token %q", r.Header.Get("X-Webhook-Token"))
		}
		if !regexp.MustCompile(`\+00:00$`).MatchString(str("created")) {
			return "", fmt.Errorf("created %q", str("created"))
		}
		return str("id"), nil
	case "oneflow":
		h := sha1.Sum([]byte(str("callback_id") + string(secret)))
		if str("signature") != hex.EncodeToString(h[:]) {
			return "", fmt.Errorf("signature %q", str("signature"))
		}
		events, _ := doc["events"].([]any)
		if len(events) == 0 {
			return "", fmt.Errorf("no events")
		}
		if ct, _ := events[0].(map[string]any)["created_time"].(string); !strings.HasSuffix(ct, "+0000") {
			return "", fmt.Errorf("created_time %q", ct)
		}
		return str("callback_id"), nil
	case "standard-webhooks":
		id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
		if _, err := strconv.ParseInt(ts, 10, 64); err != nil || id == "" {
			return "", fmt.Errorf("webhook-id %q webhook-timestamp %q", id, ts)
		}
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(swSecret, "whsec_"))
		m := hmac.New(sha256.New, key)
		m.Write([]byte(id + "." + ts + "." + string(body)))
		if want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)); r.Header.Get("webhook-signature") != want {
			return "", fmt.Errorf("webhook-signature %q, want %q", r.Header.Get("webhook-signature"), want)
		}
		return id, nil
	}
	return "", fmt.Errorf("no check for %s", p.ID)
}

// receiver is an httptest server on 127.0.0.1 that checks each request as p's
// receiver would and answers status.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	ids      map[string]int
	problems []string
	status   func(n int) int // by 1-based request count
	n        int
	bodies   [][]byte
	headers  []http.Header
}

func newReceiver(t *testing.T, p *catalog.Provider, status func(n int) int) *receiver {
	rc := &receiver{ids: map[string]int{}, status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id, err := checkAsProvider(t, p, r, body)
		rc.mu.Lock()
		rc.n++
		n := rc.n
		if err != nil {
			rc.problems = append(rc.problems, err.Error())
		}
		rc.ids[id]++
		rc.bodies = append(rc.bodies, body)
		rc.headers = append(rc.headers, r.Header.Clone())
		rc.mu.Unlock()
		st := 200
		if rc.status != nil {
			st = rc.status(n)
		}
		w.WriteHeader(st)
		fmt.Fprintf(w, "answer %d", st)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) check(t *testing.T) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, p := range rc.problems {
		t.Error(p)
	}
}

func provider(t *testing.T, id string) *catalog.Provider {
	t.Helper()
	p, err := catalog.MustBuiltin().Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func buildSigned(t *testing.T, p *catalog.Provider) *Delivery {
	t.Helper()
	var d *Delivery
	var err error
	if len(p.Events) == 0 {
		d, err = FromBody(p, []byte(`{"type":"invoice.paid","timestamp":"2026-01-01T00:00:00.000Z","data":{"n":1}}`), BuildOptions{})
	} else {
		e := p.Events[0]
		if ev, err := p.Event("test.ping"); err == nil {
			e = ev
		}
		d, err = FromExample(p, e, BuildOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.For(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Sign(s, providerKeys(t, p), signing.Params{}); err != nil {
		t.Fatal(err)
	}
	return d
}

// Every provider's delivery arrives as that provider's receiver expects it.
func TestPostEveryProviderAsItsReceiverChecks(t *testing.T) {
	for _, p := range catalog.MustBuiltin().Providers() {
		t.Run(p.ID, func(t *testing.T) {
			rc := newReceiver(t, p, nil)
			d := buildSigned(t, p)
			a := (&Poster{URL: rc.URL}).Post(context.Background(), d)
			if !a.OK || a.Status != 200 || a.Err != nil || string(a.ResponseBody) != "answer 200" {
				t.Fatalf("attempt %+v", a)
			}
			rc.check(t)
			if rc.ids[d.ID] != 1 {
				t.Errorf("receiver saw ids %v, want %s once", rc.ids, d.ID)
			}
		})
	}
}

func TestSuccessRule(t *testing.T) {
	tests := []struct {
		provider string
		status   int
		ok       bool
	}{
		{"oneflow", 200, true}, {"oneflow", 201, false}, {"oneflow", 204, false},
		{"clment", 204, true}, {"clment", 299, true}, {"clment", 302, false}, {"cm-sign", 202, true},
	}
	for _, tt := range tests {
		p := provider(t, tt.provider)
		rc := newReceiver(t, p, func(int) int { return tt.status })
		a := (&Poster{URL: rc.URL, Client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}).Post(context.Background(), buildSigned(t, p))
		if a.OK != tt.ok || a.Status != tt.status {
			t.Errorf("%s %d: ok=%v status=%d", tt.provider, tt.status, a.OK, a.Status)
		}
	}
}

func TestFailureKinds(t *testing.T) {
	p := provider(t, "clment")
	d := buildSigned(t, p)

	// A port that was just open and is now closed refuses connections.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/"
	l.Close()

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)

	tests := []struct {
		name string
		url  string
		want ErrKind
	}{
		{"connection refused", refused, ErrRefused},
		{"DNS failure", "http://no-such-host.invalid/", ErrDNS},
		{"TLS error: certificate not trusted", tlsSrv.URL, ErrTLS},
		{"TLS error: plain HTTP server", strings.Replace(slow.URL, "http:", "https:", 1), ErrTLS},
		{"timeout", slow.URL, ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Only the timeout case needs a short timeout; the others get time for a TLS
			// handshake on a loaded machine (300 ms was not always enough).
			timeout := 10 * time.Second
			if tt.want == ErrTimeout {
				timeout = 300 * time.Millisecond
			}
			s := &Poster{URL: tt.url, Timeout: timeout, Client: &http.Client{Transport: NewTransport(1)}}
			a := s.Post(context.Background(), d)
			if a.OK || a.Status != 0 || a.Kind != tt.want {
				t.Errorf("kind %q (err %v), want %q", a.Kind, a.Err, tt.want)
			}
		})
	}
}

func TestTimeoutDefaults(t *testing.T) {
	for id, want := range map[string]time.Duration{"clment": 10 * time.Second, "contract-as-code": 30 * time.Second, "ironclad": DefaultTimeout, "oneflow": DefaultTimeout, "cm-sign": DefaultTimeout} {
		got, documented := Timeout(provider(t, id))
		if got != want || documented != (id == "clment" || id == "contract-as-code") {
			t.Errorf("%s: %v %v", id, got, documented)
		}
	}
}

// Standard Webhooks headers go out spelled as the spec spells them.
func TestHeaderCaseKept(t *testing.T) {
	h := http.Header{}
	SetHeaders(h, []signing.Header{{Name: "webhook-id", Value: "msg_1"}, {Name: "content-type", Value: "application/json"}, {Name: "Content-Length", Value: "9"}})
	if h["webhook-id"][0] != "msg_1" || h.Get("Content-Type") != "application/json" || h.Get("Content-Length") != "" {
		t.Errorf("headers %v", h)
	}
}

// A long answer is kept to its start, read to the end so the connection is reused,
// and marked truncated; both the client and the direct transport path do it.
func TestResponseBodyStart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte(strings.Repeat("x", 10000)))
	}))
	defer srv.Close()
	p := provider(t, "clment")
	for _, s := range []*Poster{{URL: srv.URL}, {URL: srv.URL, Transport: NewTransport(1)}} {
		a := s.Post(context.Background(), buildSigned(t, p))
		if a.Status != 500 || len(a.ResponseBody) != MaxResponseBody || !a.Truncated {
			t.Errorf("status %d, %d bytes kept, truncated %v", a.Status, len(a.ResponseBody), a.Truncated)
		}
	}
}
