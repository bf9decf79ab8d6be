// Package clment is a minimal Clment webhook receiver: it verifies X-Clment-Signature
// over the raw body before parsing it, compares in constant time, acknowledges a
// delivery it has already seen without redoing the work (Clment retries with the same
// id), and answers at once, leaving the work to a goroutine.
package clment

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// Event is Clment's envelope; the shape of Payload depends on Type.
type Event struct {
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	OccurredAt     string          `json:"occurredAt"`
	OrganizationID string          `json:"organizationId"`
	Payload        json.RawMessage `json:"payload"`
}

// Receiver is an http.Handler for Clment deliveries.
type Receiver struct {
	secret []byte
	work   chan Event

	mu   sync.Mutex
	seen map[string]bool // in production: a table with a unique key on the id
}

// New returns a receiver that checks signatures with secret and passes each new event
// to handle, one at a time, after answering. handle should switch on Event.Type and
// ignore types it does not know: Clment ships a changed payload as a new versioned type
// (review.completed.v2) beside the old one.
func New(secret []byte, handle func(Event)) *Receiver {
	r := &Receiver{secret: secret, work: make(chan Event, 256), seen: map[string]bool{}}
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
	// The signature covers these exact bytes, not a re-encoding of the parsed JSON.
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, r.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(req.Header.Get("X-Clment-Signature")), []byte(want)) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" {
		http.Error(w, "not a Clment event", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[e.ID] {
		w.WriteHeader(http.StatusOK) // a retry of a delivery already taken: acknowledge it again
		return
	}
	select {
	case r.work <- e: // Clment waits 10 s for the answer: do the work after answering
		r.seen[e.ID] = true
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "busy", http.StatusServiceUnavailable) // Clment will retry
	}
}
