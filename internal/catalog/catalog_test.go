package catalog

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBuiltinEventCounts(t *testing.T) {
	c := MustBuiltin()
	want := map[string]int{
		"clment":            9,
		"contract-as-code":  10, // 9 + test.ping
		"ironclad":          41, // 31 seed events + 10 named by the API enum
		"cm-sign":           8,
		"oneflow":           31,
		"standard-webhooks": 0,
	}
	for id, n := range want {
		p, err := c.Provider(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.Events); got != n {
			t.Errorf("%s: %d events, want %d", id, got, n)
		}
	}
	if got := len(c.Providers()); got != len(want) {
		t.Errorf("%d providers, want %d", got, len(want))
	}
}

func TestUndocumentedEvents(t *testing.T) {
	c := MustBuiltin()
	count := map[string]int{}
	for _, p := range c.Providers() {
		for _, e := range p.Events {
			if !e.Documented {
				count[p.ID]++
				if len(e.Fields) > 0 {
					t.Errorf("%s %s: undocumented event lists fields", p.ID, e.Type)
				}
			}
		}
	}
	want := map[string]int{"contract-as-code": 8, "ironclad": 10}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("undocumented events per provider = %v, want %v", count, want)
	}
}

func TestProviderAliases(t *testing.T) {
	c := MustBuiltin()
	for alias, id := range map[string]string{"lac": "contract-as-code", "cm": "cm-sign", "stdwh": "standard-webhooks", "Clment": "clment"} {
		p, err := c.Provider(alias)
		if err != nil {
			t.Fatalf("%s: %v", alias, err)
		}
		if p.ID != id {
			t.Errorf("%s resolved to %s, want %s", alias, p.ID, id)
		}
	}
	_, err := c.Provider("docusign")
	var ue *UnknownProviderError
	if !errors.As(err, &ue) || len(ue.Choices) != 6 {
		t.Fatalf("unknown provider error = %v", err)
	}
}

// The seed typos listed in PROVIDERS.md must not reach the catalog's examples.
func TestSeedTyposFixed(t *testing.T) {
	c := MustBuiltin()
	p, _ := c.Provider("ironclad")
	e, err := p.Event("workflow_roles_assigned")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(e.Example, &body); err != nil {
		t.Fatal(err)
	}
	if _, ok := body.Payload["userID"]; !ok {
		t.Errorf("workflow_roles_assigned example lacks userID: %v", body.Payload)
	}
	if _, ok := body.Payload["userId"]; ok {
		t.Errorf("workflow_roles_assigned example keeps the seed's userId typo")
	}
	if _, ok := body.Payload["RoleAssignments"].([]any); !ok {
		t.Errorf("RoleAssignments is not an array")
	}
	for _, prov := range c.Providers() {
		for _, e := range prov.Events {
			for _, bad := range []string{"**", "…", "[email"} {
				if strings.Contains(string(e.Example), bad) {
					t.Errorf("%s %s example contains %q", prov.ID, e.Type, bad)
				}
			}
		}
	}
}

func TestDetectEveryExample(t *testing.T) {
	c := MustBuiltin()
	for _, p := range c.Providers() {
		for _, e := range p.Events {
			var doc any
			if err := json.Unmarshal(e.Example, &doc); err != nil {
				t.Fatal(err)
			}
			got, err := c.Detect(nil, doc)
			if err != nil {
				t.Errorf("%s %s: %v", p.ID, e.Type, err)
				continue
			}
			if got != p {
				t.Errorf("%s %s detected as %s", p.ID, e.Type, got.ID)
			}
			types := p.TypesOf(doc)
			if len(types) != 1 || types[0] != e.Type {
				t.Errorf("%s %s: TypesOf = %v", p.ID, e.Type, types)
			}
		}
	}
}

func TestDetectByHeaderAndAmbiguity(t *testing.T) {
	c := MustBuiltin()
	h := http.Header{}
	h.Set("X-Lac-Signature", "sha256=00")
	p, err := c.Detect(h, map[string]any{"anything": true})
	if err != nil || p.ID != "contract-as-code" {
		t.Fatalf("header detection: %v, %v", p, err)
	}
	both := map[string]any{"occurredAt": "", "organizationId": "", "payload": map[string]any{}, "created_at": "", "organisation_id": "", "data": map[string]any{}}
	_, err = c.Detect(nil, both)
	var ae *AmbiguousError
	if !errors.As(err, &ae) || !reflect.DeepEqual(ae.Choices, []string{"clment", "contract-as-code"}) {
		t.Fatalf("ambiguous body: %v", err)
	}
	_, err = c.Detect(nil, []any{})
	var nd *NotDetectedError
	if !errors.As(err, &nd) {
		t.Fatalf("array body: %v", err)
	}
}

func TestIDOf(t *testing.T) {
	c := MustBuiltin()
	ic, _ := c.Provider("ironclad")
	h := http.Header{}
	h.Set("X-Ironclad-Webhook-Event-Id", "evt-123")
	if got := ic.IDOf(h, map[string]any{}); got != "evt-123" {
		t.Errorf("ironclad id = %q", got)
	}
	of, _ := c.Provider("oneflow")
	if got := of.IDOf(nil, map[string]any{"callback_id": "abc"}); got != "abc" {
		t.Errorf("oneflow id = %q", got)
	}
}

func TestRetrySchedules(t *testing.T) {
	c := MustBuiltin()
	m := time.Minute
	h := time.Hour
	tests := []struct {
		provider   string
		want       []time.Duration
		documented bool
	}{
		{"contract-as-code", []time.Duration{m, 5 * m, 30 * m, 2 * h, 12 * h}, true},
		{"oneflow", []time.Duration{1e9, 5e9, 10e9, 30e9, 60e9, 300e9, 600e9, 1800e9, 3600e9}, true},
		{"ironclad", func() []time.Duration {
			var d []time.Duration
			for i := 0; i < 12; i++ {
				d = append(d, time.Minute<<i)
			}
			return d
		}(), true},
		{"clment", StandardWebhooksDelays, false},
		{"cm-sign", StandardWebhooksDelays[:4], false},
	}
	for _, tt := range tests {
		p, _ := c.Provider(tt.provider)
		got, doc := p.Retry.Schedule()
		if !reflect.DeepEqual(got, tt.want) || doc != tt.documented {
			t.Errorf("%s: schedule %v (documented %v), want %v (%v)", tt.provider, got, doc, tt.want, tt.documented)
		}
	}
}

func TestSuccessRules(t *testing.T) {
	c := MustBuiltin()
	tests := []struct {
		provider  string
		status    int
		ack       bool
		retryable bool
	}{
		{"oneflow", 200, true, false},
		{"oneflow", 201, false, true},
		{"oneflow", 204, false, true},
		{"clment", 204, true, false},
		{"clment", 404, false, true},
		{"ironclad", 410, false, false},
		{"ironclad", 409, false, true},
		{"cm-sign", 404, false, false},
		{"cm-sign", 503, false, true},
		{"cm-sign", 0, false, true},
	}
	for _, tt := range tests {
		p, _ := c.Provider(tt.provider)
		if got := p.Success.Acknowledged(tt.status); got != tt.ack {
			t.Errorf("%s %d acknowledged = %v", tt.provider, tt.status, got)
		}
		if got := p.Success.Retryable(tt.status); got != tt.retryable {
			t.Errorf("%s %d retryable = %v", tt.provider, tt.status, got)
		}
	}
}

func TestLoadExtraCatalog(t *testing.T) {
	dir := t.TempDir()
	custom := `{"id":"acme","name":"Acme","aliases":["ac"],"source":"test","scheme":{"name":"standard-webhooks"},
	 "content_type":"application/json","headers":[],"detect":["acme_event"],"type_at":"/type","id_at":"header:webhook-id","payload_at":"/data",
	 "envelope":[{"name":"type","type":"string","required":true}],"success":{"rule":"2xx"},"retry":{"documented":false},
	 "events":[{"type":"order.paid","description":"An order was paid.","documented":true,"example":{"type":"order.paid","acme_event":1,"data":{}}}]}`
	extend := `{"id":"clment","events":[{"type":"review.completed.v2","description":"v2","documented":false,"example":{"id":"e","type":"review.completed.v2","occurredAt":"2026-01-01T00:00:00Z","organizationId":"o","payload":{}}}]}`
	os.WriteFile(filepath.Join(dir, "acme.json"), []byte(custom), 0o644)
	os.WriteFile(filepath.Join(dir, "clment-v2.json"), []byte(extend), 0o644)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Provider("ac")
	if err != nil || len(p.Events) != 1 {
		t.Fatalf("custom provider: %v %v", p, err)
	}
	cl, _ := c.Provider("clment")
	if _, err := cl.Event("review.completed.v2"); err != nil || len(cl.Events) != 10 {
		t.Fatalf("extended clment: %d events, %v", len(cl.Events), err)
	}
	// The built-in catalog is untouched by another Load's extensions.
	if n := len(MustBuiltin().Providers()); n != 6 {
		t.Fatalf("builtin has %d providers", n)
	}
}

func TestLoadRejectsBadCatalogs(t *testing.T) {
	tests := []struct{ name, body string }{
		{"not json", `{`},
		{"unknown scheme", `{"id":"x","scheme":{"name":"md5"},"success":{"rule":"2xx"},"type_at":"/type","events":[]}`},
		{"unknown key", `{"id":"x","bogus":1}`},
		{"bad success rule", `{"id":"x","scheme":{"name":"hmac-sha256"},"success":{"rule":"3xx"},"type_at":"/type","events":[]}`},
		{"taken alias", `{"id":"x","aliases":["lac"],"scheme":{"name":"hmac-sha256"},"success":{"rule":"2xx"},"type_at":"/type","events":[]}`},
		{"example not object", `{"id":"x","scheme":{"name":"hmac-sha256"},"success":{"rule":"2xx"},"type_at":"/type","events":[{"type":"a","example":[1]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "x.json"), []byte(tt.body), 0o644)
			if _, err := Load(dir); err == nil {
				t.Fatal("Load accepted a bad catalog")
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("Load accepted a missing directory")
	}
}

func TestDeliveryHeaders(t *testing.T) {
	c := MustBuiltin()
	p, _ := c.Provider("clment")
	at := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	got := p.DeliveryHeaders("review.completed", "evt_8f3a", at)
	want := []Header{
		{"Content-Type", "application/json"},
		{"User-Agent", "Clment-Webhook/1.0"},
		{"X-Clment-Event", "review.completed"},
		{"X-Clment-Event-Id", "evt_8f3a"},
		{"X-Clment-Delivery-Timestamp", "2026-06-16T14:32:08.000Z"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	oneflow, _ := c.Provider("oneflow")
	if got := oneflow.DeliveryHeaders("x", "y", at); len(got) != 1 {
		t.Fatalf("oneflow documents only the content type, got %v", got)
	}
}

// Throttling and Retry-After are facts only Standard Webhooks documents (spec 1.0.0,
// "Delivery success and failure"); every other provider's are "not documented".
func TestRetryStatusFacts(t *testing.T) {
	c := MustBuiltin()
	tests := []struct {
		provider   string
		throttles  []int
		retryAfter bool
	}{
		{"standard-webhooks", []int{429, 502, 504}, true},
		{"clment", nil, false},
		{"contract-as-code", nil, false},
		{"ironclad", nil, false},
		{"cm-sign", nil, false},
		{"oneflow", nil, false},
	}
	for _, tt := range tests {
		p, err := c.Provider(tt.provider)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []int{200, 410, 429, 500, 502, 503, 504} {
			want := false
			for _, x := range tt.throttles {
				want = want || x == st
			}
			if got := p.Retry.Throttles(st); got != want {
				t.Errorf("%s: %d throttles = %v", tt.provider, st, got)
			}
		}
		if p.Retry.RetryAfter != tt.retryAfter {
			t.Errorf("%s: retry_after = %v", tt.provider, p.Retry.RetryAfter)
		}
	}
}
