// Package oneflow is a minimal Oneflow webhook receiver. Oneflow puts its signature in
// the body: hex sha1(callback_id + sign key), which does NOT cover the rest of the body,
// so whoever saw one delivery can send others with the same callback_id and any
// contents. The receiver checks the signature in constant time, acknowledges a delivery
// it has already seen (Oneflow retries with the same callback_id), answers exactly 200
// (Oneflow counts anything else, 201 and 204 included, as a failure), and leaves the
// work to a goroutine, which should fetch the contract's events through Oneflow's API
// rather than trust the body.
package oneflow

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// CreatedTimeLayout parses events[].created_time ("2020-07-06T15:14:14+0000", not RFC 3339).
const CreatedTimeLayout = "2006-01-02T15:04:05-0700"

// Event is one Oneflow delivery: one or more events about one contract.
type Event struct {
	Contract struct {
		ID int64 `json:"id"`
	} `json:"contract"`
	CallbackID string `json:"callback_id"`
	Events     []struct {
		ID          int64  `json:"id"`
		Type        string `json:"type"`
		CreatedTime string `json:"created_time"`
	} `json:"events"`
	Signature string `json:"signature"`
}

// Receiver is an http.Handler for Oneflow deliveries.
type Receiver struct {
	signKey []byte
	work    chan Event

	mu   sync.Mutex
	seen map[string]bool // in production: a table with a unique key on callback_id
}

// New returns a receiver that checks signatures with the sign key and passes each new
// delivery to handle, one at a time, after answering. handle should ignore event types
// it does not know.
func New(signKey []byte, handle func(Event)) *Receiver {
	r := &Receiver{signKey: signKey, work: make(chan Event, 256), seen: map[string]bool{}}
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
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	// The signature is inside the body, so the body must be parsed to check it.
	var e Event
	if err := json.Unmarshal(body, &e); err != nil || e.CallbackID == "" {
		http.Error(w, "not a Oneflow delivery", http.StatusBadRequest)
		return
	}
	sum := sha1.Sum([]byte(e.CallbackID + string(r.signKey)))
	if e.Signature == "" || !hmac.Equal([]byte(e.Signature), []byte(hex.EncodeToString(sum[:]))) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[e.CallbackID] {
		w.WriteHeader(http.StatusOK) // a retry of a delivery already taken: acknowledge it again
		return
	}
	select {
	case r.work <- e: // the timeout is not documented: answer first, work after
		r.seen[e.CallbackID] = true
		w.WriteHeader(http.StatusOK) // exactly 200
	default:
		http.Error(w, "busy", http.StatusServiceUnavailable) // Oneflow will retry
	}
}
