package catalog

import (
	"net/http"
	"testing"
)

// Validate, replay and verify pick a delivery's provider by one rule; this is it.
func TestProviderOf(t *testing.T) {
	c := MustBuiltin()
	cm, _ := c.Provider("cm-sign")
	clmentBody := map[string]any{"id": "evt_1", "type": "review.completed", "occurredAt": "x", "organizationId": "o", "payload": map[string]any{}}
	for _, tt := range []struct {
		name     string
		forced   *Provider
		recorded string
		h        http.Header
		doc      any
		want     string
	}{
		{"-p wins over everything", cm, "clment", http.Header{"X-Clment-Signature": {"sha256=00"}}, clmentBody, "cm-sign"},
		{"a record's provider wins over the body's shape", nil, "cm-sign", nil, clmentBody, "cm-sign"},
		{"a record's unknown provider falls back to detection", nil, "gone", nil, clmentBody, "clment"},
		{"no record: detected from the body", nil, "", nil, clmentBody, "clment"},
		{"no record: detected from a signature header", nil, "", http.Header{"X-Clment-Signature": {"sha256=00"}}, map[string]any{}, "clment"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.ProviderOf(tt.forced, tt.recorded, tt.h, tt.doc)
			if err != nil || p.ID != tt.want {
				t.Fatalf("got %v, %v; want %s", p, err, tt.want)
			}
		})
	}
	if p, err := c.ProviderOf(nil, "", nil, map[string]any{"hello": 1}); err == nil {
		t.Errorf("undetectable body: got %s, want an error", p.ID)
	}
}
