// Package delivery builds deliveries exactly as a provider would send them (fresh ids
// and timestamps in the provider's formats, its headers, its signature), sends them,
// and retries them on the provider's schedule.
package delivery

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

// Delivery is one request ready to send.
type Delivery struct {
	Provider *catalog.Provider
	Type     string
	// ID is the delivery id the provider dedupes by (body id, Oneflow's callback_id, or
	// the header id of Ironclad and Standard Webhooks). Retries keep it.
	ID      string
	Body    []byte
	Headers []signing.Header
	// At is when the delivery was built; {delivery_time} headers use it.
	At time.Time
}

// BuildOptions change how a delivery is built.
type BuildOptions struct {
	Now func() time.Time
	// Sets are --set path=value overrides, applied after fresh values.
	Sets []string
	// KeepIDs keeps the ids and timestamps of the body as they are.
	KeepIDs bool
}

// FromExample builds a delivery of event e from its catalog example, with fresh ids and
// timestamps in the provider's own formats and the --set overrides applied. The body is
// compact JSON with the example's key order.
func FromExample(p *catalog.Provider, e *catalog.Event, o BuildOptions) (*Delivery, error) {
	return FromBody(p, e.Example, o)
}

// FromBody builds a delivery from a given body. Without Sets and with KeepIDs the body
// is sent byte for byte; otherwise it is re-encoded compactly in its key order. It is
// a Template built once.
func FromBody(p *catalog.Provider, body []byte, o BuildOptions) (*Delivery, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	t, err := NewTemplate(p, body, "", o)
	if err != nil {
		return nil, err
	}
	return t.Build(now()), nil
}

func freshValue(f catalog.Fresh, at time.Time) any {
	switch f.Kind {
	case "prefixed":
		return f.Prefix + randomHex(6)
	case "uuid":
		return uuid4()
	case "hex":
		n := f.Length
		if n <= 0 {
			n = 32
		}
		return randomHex((n + 1) / 2)[:n]
	case "time":
		return at.UTC().Format(f.Layout)
	}
	return randomHex(8)
}

// headerID makes an id for providers whose delivery id travels in a header. Ironclad
// does not document the format of X-Ironclad-Webhook-Event-Id; whk uses 24 hex digits,
// like the other Ironclad ids in its examples.
func headerID(p *catalog.Provider) string {
	return signing.FactsFor(p).IDPrefix + randomHex(12)
}

// Sign attaches the provider's delivery headers and signature. The signed bytes are
// d.Body exactly (Oneflow's scheme sets its signature field in the body).
func (d *Delivery) Sign(s signing.Scheme, k signing.Keys, p signing.Params) error {
	if p.EventID == "" {
		p.EventID = d.ID
	}
	if p.ID == "" {
		// The delivery's id is what a scheme that signs an id (Standard Webhooks'
		// webhook-id) signs; the others ignore Params.ID.
		p.ID = d.ID
	}
	if p.Timestamp.IsZero() {
		p.Timestamp = d.At
	}
	signed, err := s.Sign(d.Body, k, p)
	if err != nil {
		return err
	}
	d.Body = signed.Body
	d.Headers = nil
	for _, h := range d.Provider.DeliveryHeaders(d.Type, d.ID, d.At) {
		d.Headers = append(d.Headers, signing.Header{Name: h.Name, Value: h.Value})
	}
	d.Headers = append(d.Headers, signed.Headers...)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func uuid4() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// MaxSetDepth bounds the segments of a --set path: deeper than any body whk sends
// (the catalog nests fields at most catalog.MaxFieldDepth), and a path of 12,000
// segments made a 1.18 MB error line.
const MaxSetDepth = 64

// applySets applies --set path=value overrides (CLI.md: a dot path from the body root,
// the value parsed as JSON when it parses) to a parsed body, in order.
func applySets(root any, sets []string) (any, error) {
	for _, s := range sets {
		path, val, ok := strings.Cut(s, "=")
		if !ok || path == "" {
			return nil, fmt.Errorf("--set %s: want path=value", clipArg(s))
		}
		if n := strings.Count(path, ".") + 1; n > MaxSetDepth {
			return nil, fmt.Errorf("--set %s: the path has %d levels, more than %d", clipArg(path), n, MaxSetDepth)
		}
		var err error
		if root, err = jsontree.SetPath(root, path, jsontree.ParseSetValue(val)); err != nil {
			return nil, fmt.Errorf("--set %s: %w", path, err)
		}
	}
	return root, nil
}

// clipArg quotes a command-line value for an error line, cut to its first 40
// characters: the line names the value without repeating a huge one.
func clipArg(s string) string {
	const n = 40
	if r := []rune(s); len(r) > n {
		return fmt.Sprintf("%q…", string(r[:n]))
	}
	return fmt.Sprintf("%q", s)
}
