// Package cmsign is a minimal CM.com Sign webhook receiver. CM.com Sign does not sign
// its deliveries: the only authentication is a token you add as a custom header when
// you register the webhook. The receiver compares that header in constant time,
// acknowledges a delivery it has already seen without redoing the work, and answers
// at once, leaving the work to a goroutine.
package cmsign

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// Event is one CM.com Sign delivery; the object beside Dossier (invite, invitee, …)
// depends on Type and stays in Raw.
type Event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created string `json:"created"`
	Dossier struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"dossier"`
	Raw json.RawMessage `json:"-"`
}

// Receiver is an http.Handler for CM.com Sign deliveries.
type Receiver struct {
	header string
	token  [sha256.Size]byte
	work   chan Event

	mu   sync.Mutex
	seen map[string]bool // in production: a table with a unique key on the id
}

// New returns a receiver that wants token in the header named header (the custom header
// registered with the webhook, e.g. X-Webhook-Token) and passes each new event to
// handle, one at a time, after answering. handle should ignore types it does not know.
func New(header string, token []byte, handle func(Event)) *Receiver {
	r := &Receiver{header: header, token: sha256.Sum256(token), work: make(chan Event, 256), seen: map[string]bool{}}
	go func() {
		for e := range r.work {
			handle(e)
		}
	}()
	return r
}

// ServeHTTP implements http.Handler.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	// Hashing both sides keeps the comparison constant-time whatever their lengths.
	got := sha256.Sum256([]byte(req.Header.Get(r.header)))
	if req.Header.Get(r.header) == "" || subtle.ConstantTimeCompare(got[:], r.token[:]) != 1 {
		http.Error(w, "invalid token", http.StatusUnauthorized) // a 4xx is final: CM.com Sign retries only 5xx
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" {
		http.Error(w, "not a CM.com Sign event", http.StatusBadRequest)
		return
	}
	e.Raw = body
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[e.ID] {
		w.WriteHeader(http.StatusOK) // a retry of a delivery already taken: acknowledge it again
		return
	}
	select {
	case r.work <- e: // the timeout is not documented: answer first, work after
		r.seen[e.ID] = true
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "busy", http.StatusServiceUnavailable) // 5xx: CM.com Sign will retry
	}
}
