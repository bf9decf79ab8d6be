// Package ironclad is a minimal Ironclad webhook receiver: it verifies the RSA signature
// in X-Ironclad-Webhook-Verification over event id + raw body + nonce before parsing the
// body, fetches Ironclad's public key again once when a signature does not verify (the
// key may have been rotated), acknowledges a delivery it has already seen without redoing
// the work (Ironclad retries with the same X-Ironclad-Webhook-Event-Id), and answers at
// once, leaving the work to a goroutine.
package ironclad

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// Event is one Ironclad delivery. ID comes from the X-Ironclad-Webhook-Event-Id header
// (the body has no id) and Type from payload.event.
type Event struct {
	ID        string          `json:"-"`
	Type      string          `json:"-"`
	CompanyID string          `json:"companyID"`
	WebhookID string          `json:"webhookID"`
	Timestamp string          `json:"timestamp"`
	Payload   json.RawMessage `json:"payload"`
}

// FetchKey returns Ironclad's public key, in production from
// GET /public/api/v1/webhooks/verification-key (PEM, text/plain).
type FetchKey func() (*rsa.PublicKey, error)

// Receiver is an http.Handler for Ironclad deliveries.
type Receiver struct {
	fetch FetchKey
	work  chan Event

	mu        sync.Mutex
	key       *rsa.PublicKey
	fetchedAt time.Time
	seen      map[string]bool // in production: a table with a unique key on the id
}

// New returns a receiver that checks signatures with the key fetch returns and passes
// each new event to handle, one at a time, after answering. handle should switch on
// Event.Type and ignore types it does not know.
func New(fetch FetchKey, handle func(Event)) *Receiver {
	r := &Receiver{fetch: fetch, work: make(chan Event, 256), seen: map[string]bool{}}
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
	id := req.Header.Get("X-Ironclad-Webhook-Event-Id")
	var v struct {
		Nonce     string `json:"nonce"`
		Signature string `json:"signature"`
	}
	if json.Unmarshal([]byte(req.Header.Get("X-Ironclad-Webhook-Verification")), &v) != nil || id == "" || v.Signature == "" {
		http.Error(w, "missing signature", http.StatusUnauthorized)
		return
	}
	sig, err := base64.StdEncoding.DecodeString(v.Signature)
	if err != nil || !r.verify(id, body, v.Nonce, sig) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, "not an Ironclad event", http.StatusBadRequest)
		return
	}
	var p struct {
		Event string `json:"event"`
	}
	json.Unmarshal(e.Payload, &p)
	e.ID, e.Type = id, p.Event
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[e.ID] {
		w.WriteHeader(http.StatusOK) // a retry of a delivery already taken: acknowledge it again
		return
	}
	select {
	case r.work <- e: // Ironclad does not document its timeout: answer first, work after
		r.seen[e.ID] = true
		w.WriteHeader(http.StatusOK)
	default:
		// Busy: Ironclad retries any 4xx or 5xx except 410, which deletes the webhook.
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
}

// verify checks the RSASSA-PKCS1-v1_5 SHA-256 signature of event id + body + nonce,
// fetching the key again (at most once a minute) when it does not verify.
func (r *Receiver) verify(id string, body []byte, nonce string, sig []byte) bool {
	msg := append(append([]byte(id), body...), nonce...)
	digest := sha256.Sum256(msg)
	for attempt := 0; attempt < 2; attempt++ {
		key := r.currentKey(attempt > 0)
		if key != nil && rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) == nil {
			return true
		}
	}
	return false
}

func (r *Receiver) currentKey(refresh bool) *rsa.PublicKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.key == nil || (refresh && time.Since(r.fetchedAt) > time.Minute) {
		if k, err := r.fetch(); err == nil {
			r.key, r.fetchedAt = k, time.Now()
		}
	}
	return r.key
}

// ParsePublicKey reads an RSA public key in PEM ("PUBLIC KEY" or "RSA PUBLIC KEY").
func ParsePublicKey(pemText []byte) (*rsa.PublicKey, error) {
	b, _ := pem.Decode(pemText)
	if b == nil {
		return nil, errors.New("not PEM")
	}
	if k, err := x509.ParsePKCS1PublicKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}
