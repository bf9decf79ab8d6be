package conformance_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/conformance/receivertest"
	"github.com/whk-cli/whk/internal/signing"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// keysFor returns the test keys of a provider: a secret, or an RSA pair for Ironclad.
func keysFor(t *testing.T, p *catalog.Provider) (sign, verify signing.Keys) {
	t.Helper()
	switch p.Scheme.Name {
	case catalog.SchemeIroncladRSA:
		rsaOnce.Do(func() {
			var err error
			if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		})
		return signing.Keys{PrivateKey: rsaKey}, signing.Keys{PublicKey: &rsaKey.PublicKey}
	case catalog.SchemeStandardWebhooks:
		k := signing.Keys{Secret: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")}
		return k, k
	}
	k := signing.Keys{Secret: []byte(p.ID + "_test_secret")}
	return k, k
}

// runAgainst runs whk test against h on 127.0.0.1 and returns the outcomes by check.
func runAgainst(t *testing.T, p *catalog.Provider, flaw receivertest.Flaw, opts func(*conformance.Options)) map[string]conformance.Result {
	t.Helper()
	s, err := signing.For(p, "")
	if err != nil {
		t.Fatal(err)
	}
	sk, vk := keysFor(t, p)
	srv := httptest.NewServer(receivertest.New(p, s, vk, flaw))
	defer srv.Close()
	o := conformance.Options{Provider: p, URL: srv.URL, Scheme: s, Keys: sk, Client: srv.Client()}
	if opts != nil {
		opts(&o)
	}
	var streamed []string
	o.OnResult = func(r conformance.Result) { streamed = append(streamed, r.Check) }
	results, err := conformance.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]conformance.Result{}
	var ids []string
	for _, r := range results {
		out[r.Check] = r
		ids = append(ids, r.Check)
	}
	if strings.Join(streamed, ",") != strings.Join(ids, ",") {
		t.Errorf("OnResult saw %v, Run returned %v", streamed, ids)
	}
	return out
}

func failed(res map[string]conformance.Result) []string {
	var out []string
	for id, r := range res {
		if r.Outcome == conformance.Fail {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func TestCarefulReceiverPassesForEveryProvider(t *testing.T) {
	c := catalog.MustBuiltin()
	for _, p := range c.Providers() {
		t.Run(p.ID, func(t *testing.T) {
			s, err := signing.For(p, "")
			if err != nil {
				t.Fatal(err)
			}
			res := runAgainst(t, p, receivertest.Careful, nil)
			if f := failed(res); len(f) > 0 {
				for _, id := range f {
					t.Errorf("%s failed: %s", id, res[id].Detail)
				}
			}
			if len(res) != len(conformance.Checks) {
				t.Errorf("got %d results, want %d", len(res), len(conformance.Checks))
			}
			wantSkip := map[string]bool{}
			if p.Scheme.Name != catalog.SchemeStandardWebhooks {
				wantSkip[conformance.CheckStaleTimestamp] = true
			}
			if p.Scheme.Name == catalog.SchemeOneflowSHA1 || p.Scheme.Name == catalog.SchemeHeaderToken {
				wantSkip[conformance.CheckTamperedBody] = true
			}
			if p.Scheme.Name == catalog.SchemeOneflowSHA1 || p.Scheme.Name == catalog.SchemeHeaderToken || p.Scheme.Name == catalog.SchemeIroncladRSA {
				wantSkip[conformance.CheckRawBody] = true
			}
			if p.Timeout == 0 {
				wantSkip[conformance.CheckTimeout] = true
			}
			if len(p.Events) == 0 {
				wantSkip[conformance.CheckLifecycle] = true // no built-in lifecycle
			}
			if f, _ := signing.FactsOf(s); f.ListSeparator == "" {
				wantSkip[conformance.CheckSignatureList] = true
			}
			if p.Dedupe == "" {
				wantSkip[conformance.CheckConcurrentDuplicate] = true
			}
			if p.MaxBody == 0 {
				wantSkip[conformance.CheckMaxBody] = true // no built-in document states one
			}
			for id, r := range res {
				if (r.Outcome == conformance.Skip) != wantSkip[id] {
					t.Errorf("%s: %s (%s), want skip=%v", id, r.Outcome, r.Detail, wantSkip[id])
				}
				if r.Detail == "" || r.Title == "" {
					t.Errorf("%s has no detail or title", id)
				}
			}
		})
	}
}

// TestCarelessReceiversAreNamed: each careless receiver fails the checks that describe
// its mistake, for every provider where the mistake matters.
func TestCarelessReceiversAreNamed(t *testing.T) {
	c := catalog.MustBuiltin()
	signsBody := func(p *catalog.Provider) bool {
		return p.Scheme.Name != catalog.SchemeOneflowSHA1 && p.Scheme.Name != catalog.SchemeHeaderToken
	}
	tests := []struct {
		flaw receivertest.Flaw
		want func(p *catalog.Provider) []string
	}{
		{receivertest.NoVerify, func(p *catalog.Provider) []string {
			out := []string{conformance.CheckBadSignature, conformance.CheckMissingSignature}
			if signsBody(p) {
				out = append(out, conformance.CheckTamperedBody)
			}
			if p.Scheme.Name == catalog.SchemeStandardWebhooks {
				out = append(out, conformance.CheckStaleTimestamp)
			}
			return out
		}},
		{receivertest.ParseFirst, func(p *catalog.Provider) []string {
			if !signsBody(p) {
				return nil // the signature does not cover the body: re-encoding it is harmless
			}
			if p.Scheme.Name == catalog.SchemeIroncladRSA {
				return []string{conformance.CheckSignedDelivery} // Ironclad signs a re-serialisation itself
			}
			return []string{conformance.CheckSignedDelivery, conformance.CheckRawBody}
		}},
		{receivertest.NoDedupe, func(p *catalog.Provider) []string {
			out := []string{conformance.CheckDuplicate, conformance.CheckRetry}
			if p.Dedupe != "" {
				out = append(out, conformance.CheckConcurrentDuplicate)
			}
			return out
		}},
		{receivertest.Status201, func(p *catalog.Provider) []string {
			if p.Success.Rule != "200" {
				return nil // 201 is a 2xx, which these providers accept
			}
			return []string{conformance.CheckSignedDelivery, conformance.CheckDuplicate, conformance.CheckRetry, conformance.CheckUnknownType}
		}},
		{receivertest.CrashOnUnknown, func(*catalog.Provider) []string {
			return []string{conformance.CheckUnknownType}
		}},
	}
	for _, tt := range tests {
		for _, p := range c.Providers() {
			t.Run(string(tt.flaw)+"/"+p.ID, func(t *testing.T) {
				res := runAgainst(t, p, tt.flaw, nil)
				got := failed(res)
				want := tt.want(p)
				for _, id := range want {
					if res[id].Outcome != conformance.Fail {
						t.Errorf("%s: %s (%s), want fail", id, res[id].Outcome, res[id].Detail)
					}
				}
				if len(want) == 0 && len(got) > 0 {
					t.Errorf("failed %v, want none", got)
				}
			})
		}
	}
}

func TestHangingReceiverFailsTheTimeoutCheck(t *testing.T) {
	p, _ := catalog.MustBuiltin().Provider("clment")
	e, _ := p.Event("review.completed")
	res := runAgainst(t, p, receivertest.Hang, func(o *conformance.Options) {
		o.Timeout = 50 * time.Millisecond
		o.Events = []*catalog.Event{e}
		o.Checks = []string{conformance.CheckSignedDelivery, conformance.CheckTimeout}
	})
	if r := res[conformance.CheckTimeout]; r.Outcome != conformance.Fail || !strings.Contains(r.Detail, "did not come within the --timeout 50ms") {
		t.Errorf("timeout: %s %s", r.Outcome, r.Detail)
	}
	if r := res[conformance.CheckSignedDelivery]; r.Outcome != conformance.Fail || !strings.Contains(r.Detail, "no answer within 50ms") {
		t.Errorf("signed-delivery: %s %s", r.Outcome, r.Detail)
	}
}

func TestDetailsSayWhatHappened(t *testing.T) {
	c := catalog.MustBuiltin()
	tests := []struct {
		provider string
		flaw     receivertest.Flaw
		check    string
		want     string
	}{
		{"clment", receivertest.Careful, conformance.CheckUnknownType, "contract.created.v2 acknowledged (200)"},
		{"clment", receivertest.CrashOnUnknown, conformance.CheckUnknownType, `contract.created.v2 crashed the endpoint (500 "panic: unknown event type contract.created.v2")`},
		{"clment", receivertest.Careful, conformance.CheckTimeout, "within Clment's 10s"},
		{"clment", receivertest.Careful, conformance.CheckStaleTimestamp, "X-Clment-Delivery-Timestamp is not covered by the signature"},
		{"clment", receivertest.NoVerify, conformance.CheckTamperedBody, "occurredAt moved an hour back): accepted with 200"},
		{"clment", receivertest.ParseFirst, conformance.CheckSignedDelivery, "verify the raw body bytes before parsing them"},
		{"oneflow", receivertest.Status201, conformance.CheckSignedDelivery, "31 of 31 not acknowledged (Oneflow wants exactly 200): contract:content_update: 201;"},
		{"oneflow", receivertest.NoVerify, conformance.CheckBadSignature, "a wrong signature field: accepted with 200"},
		{"oneflow", receivertest.Careful, conformance.CheckTamperedBody, "not the body"},
		{"cm-sign", receivertest.Careful, conformance.CheckBadSignature, "a wrong token in X-Webhook-Token: rejected with 401"},
		{"cm-sign", receivertest.Careful, conformance.CheckTimeout, "CM.com Sign does not document a timeout"},
		{"ironclad", receivertest.NoDedupe, conformance.CheckDuplicate, `then 409 "duplicate key value violates unique constraint" when sent again`},
		{"ironclad", receivertest.Careful, conformance.CheckBadSignature, "a signature in X-Ironclad-Webhook-Verification that does not verify: rejected with 401"},
		{"ironclad", receivertest.ParseFirst, conformance.CheckSignedDelivery, "correctly signed deliveries were rejected: check that the endpoint has the public key of the key whk signs with, and verify the raw body bytes before parsing them"},
		{"ironclad", receivertest.Careful, conformance.CheckMissingSignature, "no X-Ironclad-Webhook-Verification header: rejected with 401"},
		{"contract-as-code", receivertest.Careful, conformance.CheckBadSignature, "X-Lac-Signature made with another secret: rejected with 401"},
		{"standard-webhooks", receivertest.Careful, conformance.CheckBadSignature, "a webhook-signature made with another secret: rejected with 401"},
		{"standard-webhooks", receivertest.Careful, conformance.CheckMissingSignature, "no webhook-signature header: rejected with 401"},
		{"oneflow", receivertest.Careful, conformance.CheckMissingSignature, "no signature field: rejected with 401"},
		{"oneflow", receivertest.Careful, conformance.CheckTamperedBody, "Oneflow's signature covers only callback_id and the sign key, not the body: no receiver can detect an altered body; fetch the contract's events through the API before acting on them"},
		{"cm-sign", receivertest.Careful, conformance.CheckTamperedBody, "CM.com Sign deliveries are not signed: the token does not cover the body"},
		{"cm-sign", receivertest.Careful, conformance.CheckMissingSignature, "no X-Webhook-Token header: rejected with 401"},
		{"clment", receivertest.Careful, conformance.CheckBadSignature, "X-Clment-Signature made with another secret: rejected with 401"},
		{"contract-as-code", receivertest.Careful, conformance.CheckUnknownType, "whk.test.unknown_event acknowledged"},
		{"standard-webhooks", receivertest.Careful, conformance.CheckStaleTimestamp, "webhook-timestamp 10m ago: rejected with 401; webhook-timestamp 10m ahead: rejected with 401 (the tolerance is 5m)"},
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+tt.check+"/"+string(tt.flaw), func(t *testing.T) {
			p, err := c.Provider(tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			res := runAgainst(t, p, tt.flaw, func(o *conformance.Options) { o.Checks = []string{tt.check} })
			if len(res) != 1 {
				t.Fatalf("ran %d checks, want 1", len(res))
			}
			if d := res[tt.check].Detail; !strings.Contains(d, tt.want) {
				t.Errorf("detail %q\nwant it to contain %q", d, tt.want)
			}
		})
	}
}

func TestConnectionRefusedFailsEveryCheck(t *testing.T) {
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	p, _ := catalog.MustBuiltin().Provider("lac")
	s, _ := signing.For(p, "")
	e, _ := p.Event("test.ping")
	res, err := conformance.Run(context.Background(), conformance.Options{Provider: p, URL: url, Scheme: s,
		Keys: signing.Keys{Secret: []byte("x")}, Events: []*catalog.Event{e}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome == conformance.Pass {
			t.Errorf("%s passed against a closed port: %s", r.Check, r.Detail)
		}
	}
	if d := res[0].Detail; !strings.Contains(d, "connection refused") {
		t.Errorf("detail %q does not say connection refused", d)
	}
}

func TestCancelledContextStops(t *testing.T) {
	p, _ := catalog.MustBuiltin().Provider("clment")
	s, _ := signing.For(p, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := conformance.Run(ctx, conformance.Options{Provider: p, URL: "http://127.0.0.1:1/", Scheme: s, Keys: signing.Keys{Secret: []byte("x")}})
	if err == nil {
		t.Fatal("no error after cancel")
	}
}

// The signature checks are titled the way the scheme carries its signature: a token
// header, a body field, or the default wording.
func TestSignatureCheckTitles(t *testing.T) {
	c := catalog.MustBuiltin()
	tests := []struct{ provider, check, want string }{
		{"cm-sign", conformance.CheckBadSignature, "a wrong token in X-Webhook-Token is rejected with 4xx"},
		{"cm-sign", conformance.CheckMissingSignature, "a delivery without the X-Webhook-Token header is rejected with 4xx"},
		{"oneflow", conformance.CheckBadSignature, "a wrong signature field is rejected with 4xx"},
		{"oneflow", conformance.CheckMissingSignature, "a delivery without a signature field is rejected with 4xx"},
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+tt.check, func(t *testing.T) {
			p, err := c.Provider(tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			res := runAgainst(t, p, receivertest.Careful, func(o *conformance.Options) { o.Checks = []string{tt.check} })
			if got := res[tt.check].Title; got != tt.want {
				t.Errorf("title %q, want %q", got, tt.want)
			}
		})
	}
	p, _ := c.Provider("clment")
	res := runAgainst(t, p, receivertest.Careful, func(o *conformance.Options) { o.Checks = []string{conformance.CheckBadSignature} })
	if got := res[conformance.CheckBadSignature].Title; strings.Contains(got, "token") || strings.Contains(got, "field") {
		t.Errorf("clment's title %q speaks of a token or field", got)
	}
}

// TestReEncodingReceiverFailsOnlyRawBody: a receiver that verifies
// JSON.stringify(JSON.parse(body)) passes every other check, because whk's other bodies
// are compact already; raw-body is the one row that names it.
func TestReEncodingReceiverFailsOnlyRawBody(t *testing.T) {
	for _, p := range catalog.MustBuiltin().Providers() {
		t.Run(p.ID, func(t *testing.T) {
			res := runAgainst(t, p, receivertest.ReEncode, nil)
			var want []string
			switch p.Scheme.Name {
			case catalog.SchemeHMACSHA256, catalog.SchemeStandardWebhooks:
				want = []string{conformance.CheckRawBody}
			}
			if got := failed(res); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("failed %v, want %v", got, want)
			}
			const says = "rejected a correctly signed body that is not in canonical form: it verifies a re-serialisation, not the raw bytes"
			if r := res[conformance.CheckRawBody]; want != nil && !strings.Contains(r.Detail, says) {
				t.Errorf("raw-body detail %q does not say %q", r.Detail, says)
			}
		})
	}
}

// TestDocumentedChecksNameTheirFlaw: each check that applies only where a provider's
// documents ask for it fails exactly its row against the receiver that gets it wrong,
// and passes against the careful one.
func TestDocumentedChecksNameTheirFlaw(t *testing.T) {
	c := catalog.MustBuiltin()
	withMaxBody := func(id string, n int64) *catalog.Provider {
		p, err := c.Provider(id)
		if err != nil {
			t.Fatal(err)
		}
		cp := *p
		cp.MaxBody = n // as a --catalog file may state it; no built-in document does
		return &cp
	}
	provider := func(id string) *catalog.Provider {
		p, err := c.Provider(id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		p     *catalog.Provider
		flaw  receivertest.Flaw
		check string
		says  string
	}{
		{"a lock refuses copies at once (Clment)", provider("clment"), receivertest.Locking, conformance.CheckConcurrentDuplicate,
			` not: 409 "could not obtain lock on row"`},
		{"a lock refuses copies at once (Contract-as-Code)", provider("lac"), receivertest.Locking, conformance.CheckConcurrentDuplicate,
			"a copy that arrives while the first is being handled must be acknowledged too"},
		{"only the first signature read", provider("stdwh"), receivertest.FirstSignature, conformance.CheckSignatureList,
			"webhook-signature listing an unknown v2 entry first and the valid signature last: rejected with 401"},
		{"a 100 kB body limit", withMaxBody("clment", 256<<10), receivertest.SmallBodies, conformance.CheckMaxBody,
			"a review.completed delivery of 262144 bytes (Clment's documented maximum): refused as too large (413"},
		{"a 100 kB body limit, signature in the body", withMaxBody("oneflow", 200_000), receivertest.SmallBodies, conformance.CheckMaxBody,
			"delivery of 200000 bytes (Oneflow's documented maximum): refused as too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			one := func(o *conformance.Options) {
				if e, err := tt.p.Event("review.completed"); err == nil {
					o.Events = []*catalog.Event{e}
				} else if len(tt.p.Events) > 0 {
					o.Events = tt.p.Events[:1]
				}
			}
			res := runAgainst(t, tt.p, tt.flaw, one)
			if got := failed(res); strings.Join(got, ",") != tt.check {
				t.Errorf("failed %v, want only %s", got, tt.check)
			}
			if d := res[tt.check].Detail; !strings.Contains(d, tt.says) {
				t.Errorf("detail %q\nwant it to contain %q", d, tt.says)
			}
			careful := runAgainst(t, tt.p, receivertest.Careful, func(o *conformance.Options) {
				one(o)
				o.Checks = []string{tt.check}
			})
			if r := careful[tt.check]; r.Outcome != conformance.Pass {
				t.Errorf("the careful receiver: %s %s", r.Outcome, r.Detail)
			}
		})
	}
}

// TestSlowAnswerFailsTheTimeoutCheck: an answer slower than the provider's timeout (a
// scaled --timeout here, so the test takes milliseconds) is a failure; one within it
// passes.
func TestSlowAnswerFailsTheTimeoutCheck(t *testing.T) {
	p, _ := catalog.MustBuiltin().Provider("clment")
	e, _ := p.Event("review.completed")
	s, _ := signing.For(p, "")
	sk, vk := keysFor(t, p)
	// Wide enough for a loaded machine to answer at once within it.
	const limit = 400 * time.Millisecond
	for _, tt := range []struct {
		name  string
		delay time.Duration
		want  conformance.Outcome
	}{
		{"answers at once", 0, conformance.Pass},
		{"answers after the timeout", 5 * limit, conformance.Fail},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc := receivertest.New(p, s, vk, receivertest.Careful)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// With the body read, the server sees whk hang up at the timeout.
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				select {
				case <-time.After(tt.delay):
				case <-r.Context().Done():
				}
				rc.ServeHTTP(w, r)
			}))
			defer srv.Close()
			res, err := conformance.Run(context.Background(), conformance.Options{Provider: p, URL: srv.URL, Scheme: s, Keys: sk,
				Client: srv.Client(), Timeout: limit, Events: []*catalog.Event{e}, Checks: []string{conformance.CheckTimeout}})
			if err != nil {
				t.Fatal(err)
			}
			if r := res[0]; r.Outcome != tt.want {
				t.Errorf("%s %s, want %s", r.Outcome, r.Detail, tt.want)
			}
		})
	}
}

// A catalog's own tolerance sets how stale the stale-timestamp check's deliveries are:
// a careful receiver that allows 30 minutes must not fail for accepting 10.
func TestStaleTimestampUsesTheSchemesTolerance(t *testing.T) {
	raw, err := os.ReadFile("../../docs/examples/schemes/stripe-style.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	long := bytes.Replace(raw, []byte(`"tolerance": "5m"`), []byte(`"tolerance": "30m"`), 1)
	if bytes.Equal(long, raw) {
		t.Fatal("the example's tolerance is no longer 5m: update this test")
	}
	if err := os.WriteFile(filepath.Join(dir, "stripe-style.json"), long, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Provider("stripe-style")
	if err != nil {
		t.Fatal(err)
	}
	res := runAgainst(t, p, receivertest.Careful, func(o *conformance.Options) { o.Checks = []string{conformance.CheckStaleTimestamp} })
	r := res[conformance.CheckStaleTimestamp]
	want := "the timestamp in Stripe-Signature 1h ago: rejected with 401; the timestamp in Stripe-Signature 1h ahead: rejected with 401 (the tolerance is 30m)"
	if r.Outcome != conformance.Pass || r.Detail != want {
		t.Errorf("got %s %q\nwant pass %q", r.Outcome, r.Detail, want)
	}
}
