package conformance_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/conformance/examples"
	"github.com/whk-cli/whk/internal/signing"
)

// TestExampleReceiversPass holds each guide's receiver to `whk test`: no check fails.
func TestExampleReceiversPass(t *testing.T) {
	c := catalog.MustBuiltin()
	for _, id := range examples.Providers {
		t.Run(id, func(t *testing.T) {
			p, err := c.Provider(id)
			if err != nil {
				t.Fatal(err)
			}
			sk, vk := keysFor(t, p)
			cfg := examples.Config{Secret: sk.Secret}
			if vk.PublicKey != nil {
				der, err := x509.MarshalPKIXPublicKey(vk.PublicKey)
				if err != nil {
					t.Fatal(err)
				}
				cfg.PublicKeyPath = filepath.Join(t.TempDir(), "ironclad.pub.pem")
				if err := os.WriteFile(cfg.PublicKeyPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan struct{}, 1000)
			cfg.Handle = func(string, string) { done <- struct{}{} }
			h, err := examples.Handler(id, cfg)
			if err != nil {
				t.Fatal(err)
			}
			acked := &ackedIDs{p: p, next: h, ids: map[string]bool{}}
			srv := httptest.NewServer(acked)
			defer srv.Close()
			s, _ := signing.For(p, "")
			results, err := conformance.Run(context.Background(), conformance.Options{Provider: p, URL: srv.URL, Scheme: s, Keys: sk, Client: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.Outcome == conformance.Fail {
					t.Errorf("%s failed: %s", r.Check, r.Detail)
				}
			}
			// Each delivery id the receiver acknowledged reaches the handler once; the
			// duplicates and retries do not.
			for handled := 0; handled < len(acked.ids); handled++ {
				<-done
			}
			select {
			case <-done:
				t.Error("the handler saw a duplicate")
			default:
			}
		})
	}
}

// TestGuidesQuoteTheExamples: each guide's Go code block is its example receiver, byte
// for byte, so the two cannot drift apart.
func TestGuidesQuoteTheExamples(t *testing.T) {
	block := regexp.MustCompile("(?s)```go\n(.*?)```")
	for _, id := range examples.Providers {
		t.Run(id, func(t *testing.T) {
			guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "receivers", id+".md"))
			if err != nil {
				t.Fatal(err)
			}
			code, err := os.ReadFile(filepath.Join("examples", id, "receiver.go"))
			if err != nil {
				t.Fatal(err)
			}
			m := block.FindSubmatch(guide)
			if m == nil {
				t.Fatal("the guide has no ```go block")
			}
			if string(m[1]) != string(code) {
				t.Errorf("the guide's code block differs from examples/%s/receiver.go: copy the file into the guide", id)
			}
			if !strings.Contains(string(guide), "whk test -p "+id) {
				t.Errorf("the guide does not show how to run whk test -p %s", id)
			}
		})
	}
}

// ackedIDs records the delivery ids of the requests its handler answered with a 2xx.
type ackedIDs struct {
	p    *catalog.Provider
	next http.Handler

	mu  sync.Mutex
	ids map[string]bool
}

func (a *ackedIDs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	a.next.ServeHTTP(rec, r)
	var doc any
	if rec.Code >= 200 && rec.Code < 300 && json.Unmarshal(body, &doc) == nil {
		a.mu.Lock()
		a.ids[a.p.IDOf(r.Header, doc)] = true
		a.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
