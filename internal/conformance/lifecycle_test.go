package conformance_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/signing"
)

// inOrderOnly is a Clment receiver that refuses any event about a contract it has not
// seen created, and any delivery id it has seen: the receiver single events pass.
func inOrderOnly() http.Handler {
	var mu sync.Mutex
	created := map[string]bool{}
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body struct {
			ID      string `json:"id"`
			Type    string `json:"type"`
			Payload struct {
				ContractID string `json:"contractId"`
			} `json:"payload"`
		}
		json.Unmarshal(b, &body)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case seen[body.ID]:
			w.WriteHeader(http.StatusConflict)
			return
		case body.Type == "contract.created":
			created[body.Payload.ContractID] = true
		case !created[body.Payload.ContractID]:
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		seen[body.ID] = true
	})
}

func runLifecycle(t *testing.T, h http.Handler) conformance.Result {
	t.Helper()
	p, err := catalog.MustBuiltin().Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := signing.For(p, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := conformance.Run(context.Background(), conformance.Options{
		Provider: p, URL: srv.URL, Scheme: s, Keys: signing.Keys{Secret: []byte("s")},
		Checks: []string{conformance.CheckLifecycle},
	})
	if err != nil || len(res) != 1 {
		t.Fatal(res, err)
	}
	return res[0]
}

func TestLifecycleFailsAReceiverThatWantsOrder(t *testing.T) {
	r := runLifecycle(t, inOrderOnly())
	if r.Outcome != conformance.Fail {
		t.Fatalf("%s: %s", r.Outcome, r.Detail)
	}
	for _, want := range []string{
		`^clment-lifecycle's 5 steps in the order 2,2\*,3,4,5,3\*,1,4\*,5\*,1\* \(\* = sent again: 5\): `,
		`: 7 not acknowledged \(Clment wants any 2xx\): #1 contract.classified: 422; #2 contract.classified \(duplicate\): 422; #3 ai_review.generated: 422; and 4 more; `,
		`a receiver must take events in any order and more than once`,
	} {
		if !regexp.MustCompile(want).MatchString(r.Detail) {
			t.Errorf("detail\n  %s\nwant it to match\n  %s", r.Detail, want)
		}
	}
}

func TestLifecyclePassesATolerantReceiver(t *testing.T) {
	r := runLifecycle(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	if r.Outcome != conformance.Pass {
		t.Fatalf("%s: %s", r.Outcome, r.Detail)
	}
	if want := `: all acknowledged`; !regexp.MustCompile(want).MatchString(r.Detail) {
		t.Errorf("detail %q", r.Detail)
	}
}
