// Package receivertest holds webhook receivers to run `whk test` against: a careful one
// built on whk's own signing package, for any provider in the catalog, and careless
// variants that each make one mistake real receivers make.
package receivertest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

// Flaw is one mistake a careless receiver makes.
type Flaw string

// The flaws whk test must name.
const (
	// Careful makes no mistake.
	Careful Flaw = ""
	// NoVerify accepts every delivery without checking its signature or token.
	NoVerify Flaw = "no-verify"
	// ParseFirst decodes the body and verifies its re-encoding instead of the raw bytes.
	ParseFirst Flaw = "parse-first"
	// ReEncode verifies the body re-encoded compactly in its own key order, as
	// JSON.stringify(JSON.parse(body)) does: right for every compact body, wrong for
	// any other form.
	ReEncode Flaw = "re-encode"
	// NoDedupe refuses a delivery id it has seen (409 Conflict), as a unique key would.
	NoDedupe Flaw = "no-dedupe"
	// Status201 answers 201 Created instead of 200.
	Status201 Flaw = "status-201"
	// CrashOnUnknown answers 500 to event types it does not know.
	CrashOnUnknown Flaw = "crash-on-unknown"
	// Hang never answers; it waits until the sender gives up.
	Hang Flaw = "hang"
	// Locking marks an id as taken while it handles it (for Working) and refuses a copy
	// that arrives meanwhile (409), as a row lock taken with NOWAIT would: right for
	// duplicates one after another, wrong for duplicates at once.
	Locking Flaw = "locking"
	// FirstSignature reads only the first entry of a signature list.
	FirstSignature Flaw = "first-signature"
	// SmallBodies refuses bodies over 100 kB (413), Express's default limit.
	SmallBodies Flaw = "small-bodies"
)

// Flaws lists every flaw, for tests that run them all.
var Flaws = []Flaw{NoVerify, ParseFirst, ReEncode, NoDedupe, Status201, CrashOnUnknown, Hang, Locking, FirstSignature, SmallBodies}

// Working is how long a Locking receiver holds an id while handling it.
const Working = 100 * time.Millisecond

// smallBodyLimit is SmallBodies' limit: Express's "100kb".
const smallBodyLimit = 100 * 1024

// Receiver is an http.Handler for one provider's deliveries.
type Receiver struct {
	Provider *catalog.Provider
	Scheme   signing.Scheme
	Keys     signing.Keys
	Flaw     Flaw

	mu      sync.Mutex
	seen    map[string]bool
	working map[string]bool
}

// New returns a receiver with the given flaw (Careful for none).
func New(p *catalog.Provider, s signing.Scheme, k signing.Keys, flaw Flaw) *Receiver {
	return &Receiver{Provider: p, Scheme: s, Keys: k, Flaw: flaw, seen: map[string]bool{}, working: map[string]bool{}}
}

// ServeHTTP implements http.Handler.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if rc.Flaw == SmallBodies && len(body) > smallBodyLimit {
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	if rc.Flaw == Hang {
		// With the body read, the server notices the sender hanging up and cancels the
		// request's context; the timer only makes sure a test server always stops.
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	}
	var doc any
	if rc.Flaw == ParseFirst {
		if err := json.Unmarshal(body, &doc); err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		body, _ = json.Marshal(doc)
	}
	if rc.Flaw == ReEncode {
		v, err := jsontree.Parse(body)
		if err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		body, _ = jsontree.Marshal(v)
	}
	if f, _ := signing.FactsOf(rc.Scheme); rc.Flaw == FirstSignature && f.ListSeparator != "" {
		first, _, _ := strings.Cut(r.Header.Get(f.Header), f.ListSeparator)
		r.Header.Set(f.Header, first)
	}
	if rc.Flaw != NoVerify {
		res, err := rc.Scheme.Verify(body, r.Header, rc.Keys, signing.VerifyOptions{Now: time.Now()})
		if err != nil || !res.Valid {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	if rc.Flaw == CrashOnUnknown {
		for _, t := range rc.Provider.TypesOf(doc) {
			if _, err := rc.Provider.Event(t); err != nil && t != "whk.test" {
				http.Error(w, "panic: unknown event type "+t, http.StatusInternalServerError)
				return
			}
		}
	}
	id := rc.Provider.IDOf(r.Header, doc)
	if rc.Flaw == Locking {
		rc.mu.Lock()
		busy, done := rc.working[id], rc.seen[id]
		if !busy && !done {
			rc.working[id] = true
		}
		rc.mu.Unlock()
		switch {
		case busy:
			http.Error(w, "could not obtain lock on row", http.StatusConflict)
			return
		case !done:
			time.Sleep(Working)
			rc.mu.Lock()
			delete(rc.working, id)
			rc.mu.Unlock()
		}
	}
	rc.mu.Lock()
	dup := rc.seen[id]
	rc.seen[id] = true
	rc.mu.Unlock()
	if dup && rc.Flaw == NoDedupe {
		http.Error(w, "duplicate key value violates unique constraint", http.StatusConflict)
		return
	}
	if rc.Flaw == Status201 {
		w.WriteHeader(http.StatusCreated)
		return
	}
	w.WriteHeader(http.StatusOK)
}
