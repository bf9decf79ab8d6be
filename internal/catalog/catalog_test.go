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

func TestLoadRejectsBadPointers(t *testing.T) {
	base := `"scheme":{"name":"hmac-sha256"},"success":{"rule":"2xx"},"events":[]`
	tests := []struct{ name, fields, want string }{
		{"type_at missing", `"type_at":""`, "type_at must be a JSON pointer"},
		{"type_at without a slash", `"type_at":"type"`, `type_at "type"`},
		{"id_at with a bad escape", `"type_at":"/type","id_at":"/a~2"`, `id_at "/a~2"`},
		{"payload_at without a slash", `"type_at":"/type","payload_at":"data"`, `payload_at "data"`},
		{"fresh at with a lone tilde", `"type_at":"/type","fresh":[{"at":"/id~","kind":"uuid"}]`, `fresh[0].at "/id~"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"id":"x",`+base+`,`+tt.fields+`}`), 0o644)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestTypesOfUnescapesPointers(t *testing.T) {
	p := &Provider{TypeAt: "/meta~1data/kind~0name"}
	doc := map[string]any{"meta/data": map[string]any{"kind~name": "signed"}}
	if got := p.TypesOf(doc); len(got) != 1 || got[0] != "signed" {
		t.Errorf("TypesOf = %q, want [signed]", got)
	}
}

// acmeProvider is a valid custom provider; tests change one key at a time.
func acmeProvider(t *testing.T, change func(p map[string]any)) []byte {
	t.Helper()
	p := map[string]any{}
	err := json.Unmarshal([]byte(`{"id":"acme","name":"Acme","aliases":["ac"],"source":"test","scheme":{"name":"hmac-sha256","header":"X-Acme-Signature","prefix":"sha256=","encoding":"hex"},
	 "content_type":"application/json","headers":[{"name":"X-Acme-Event","value":"{type}"}],"detect":["acme_event"],"type_at":"/type","id_at":"/id","payload_at":"/data",
	 "envelope":[{"name":"type","type":"string","required":true}],"success":{"rule":"2xx","stop_statuses":[410]},"timeout":"15s",
	 "retry":{"documented":true,"base":"60s","factor":2,"retries":12},"fresh":[{"at":"/id","kind":"hex","length":40}],
	 "events":[{"type":"order.paid","description":"An order was paid.","documented":true,
	   "fields":[{"name":"sku","type":"string","pattern":"^[A-Z]{3}-\\d+$"}],"example":{"id":"a","type":"order.paid","acme_event":1,"data":{}}}]}`), &p)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(p)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func event(p map[string]any) map[string]any { return p["events"].([]any)[0].(map[string]any) }

// nested returns n levels of fields, each holding the next.
func nested(n int) []any {
	f := map[string]any{"name": "leaf", "type": "string"}
	for i := 1; i < n; i++ {
		f = map[string]any{"name": "f", "type": "object", "fields": []any{f}}
	}
	return []any{f}
}

func TestLoadRejectsUnsafeCatalogs(t *testing.T) {
	tests := []struct {
		name   string
		change func(p map[string]any)
		want   string
	}{
		{"event type climbing out of the directory", func(p map[string]any) { event(p)["type"] = "../../../PWNED" }, `event type "../../../PWNED" holds '/'`},
		{"event type with a backslash", func(p map[string]any) { event(p)["type"] = `..\x` }, `holds '\\'`},
		{"event type of two dots", func(p map[string]any) { event(p)["type"] = ".." }, `must not start with '.'`},
		{"event type hidden file", func(p map[string]any) { event(p)["type"] = ".env" }, `must not start with '.'`},
		{"event type of colons that become dots", func(p map[string]any) { event(p)["type"] = "a::b" }, `hold ".."`},
		{"event type with a newline", func(p map[string]any) { event(p)["type"] = "a\n::warning x" }, `holds '\n'`},
		{"event type with an escape", func(p map[string]any) { event(p)["type"] = "a\x1b[2J" }, `holds '\x1b'`},
		{"event type with a bidi override", func(p map[string]any) { event(p)["type"] = "a\u202eb" }, `holds '\u202e'`},
		{"event type with a space", func(p map[string]any) { event(p)["type"] = "order paid" }, `holds ' '`},
		{"provider id climbing out", func(p map[string]any) { p["id"] = "../../x" }, `id "../../x" may hold only`},
		{"provider id of dots", func(p map[string]any) { p["id"] = ".." }, `id ".." must not start with '.'`},
		{"provider id in upper case", func(p map[string]any) { p["id"] = "Acme" }, `id "Acme" has upper case`},
		{"alias in upper case", func(p map[string]any) { p["aliases"] = []any{"AC"} }, `alias "AC" has upper case`},
		{"alias with a space", func(p map[string]any) { p["aliases"] = []any{" ac"} }, `alias " ac" may hold only`},
		{"types differing only in case", func(p map[string]any) {
			e := event(p)
			p["events"] = []any{e, map[string]any{"type": "Order.Paid", "example": map[string]any{}}}
		}, `events "order.paid" and "Order.Paid" share a file name`},
		{"the same type twice", func(p map[string]any) { p["events"] = []any{event(p), event(p)} }, `share a file name`},
		{"CR LF in a header value", func(p map[string]any) {
			p["headers"] = []any{map[string]any{"name": "X-A", "value": "{type}\r\nX-Injected: 1"}}
		}, `header X-A value "{type}\r\nX-Injected: 1" holds a control character`},
		{"LF in a header name", func(p map[string]any) { p["headers"] = []any{map[string]any{"name": "X-A\nB", "value": "v"}} }, `header name "X-A\nB" is not an HTTP header name`},
		{"CR in the signature header", func(p map[string]any) { p["scheme"].(map[string]any)["header"] = "X-Sig\r" }, `scheme.header "X-Sig\r"`},
		{"LF in the signature prefix", func(p map[string]any) { p["scheme"].(map[string]any)["prefix"] = "v1\n" }, `scheme.prefix`},
		{"LF in the user agent", func(p map[string]any) { p["user_agent"] = "a\nb" }, `user_agent`},
		{"two billion retries", func(p map[string]any) { p["retry"].(map[string]any)["retries"] = 2000000000 }, `retry.retries 2000000000 is outside 0–100`},
		{"negative retries", func(p map[string]any) { p["retry"].(map[string]any)["retries"] = -1 }, `retry.retries -1`},
		{"factor that overflows", func(p map[string]any) { p["retry"].(map[string]any)["factor"] = 10 }, `grows past 168h0m0s`},
		{"factor below one", func(p map[string]any) { p["retry"].(map[string]any)["factor"] = 0.5 }, `retry.factor 0.5`},
		{"negative delay", func(p map[string]any) { p["retry"] = map[string]any{"delays": []any{"-1s"}} }, `retry.delays: -1s`},
		{"a year's delay", func(p map[string]any) { p["retry"] = map[string]any{"delays": []any{"8760h"}} }, `retry.delays: 8760h0m0s`},
		{"negative timeout", func(p map[string]any) { p["timeout"] = "-5s" }, `timeout -5s`},
		{"a day's timeout", func(p map[string]any) { p["timeout"] = "24h" }, `timeout 24h0m0s`},
		{"stop status out of range", func(p map[string]any) { p["success"].(map[string]any)["stop_statuses"] = []any{4100} }, `4100 is not an HTTP status`},
		{"throttle status out of range", func(p map[string]any) { p["retry"].(map[string]any)["throttle_statuses"] = []any{42} }, `retry.throttle_statuses: 42 is not an HTTP status`},
		{"fresh value a gigabyte long", func(p map[string]any) {
			p["fresh"] = []any{map[string]any{"at": "/id", "kind": "hex", "length": 1 << 30}}
		}, `length 1073741824`},
		{"fields 3,000 levels deep", func(p map[string]any) { event(p)["fields"] = nested(3000) }, `fields nest deeper than 32 levels`},
		{"envelope too deep", func(p map[string]any) { p["envelope"] = nested(33) }, `envelope: fields nest deeper`},
		{"lookahead pattern", func(p map[string]any) {
			event(p)["fields"] = []any{map[string]any{"name": "sku", "type": "string", "pattern": "^(?=a)a$"}}
		}, `pattern "^(?=a)a$" is not a regular expression whk can run`},
		{"backreference pattern", func(p map[string]any) {
			event(p)["fields"] = []any{map[string]any{"name": "x", "type": "array", "items": map[string]any{"type": "string", "pattern": `(a)\1`}}}
		}, `is not a regular expression whk can run`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "acme.json"), acmeProvider(t, tt.change), 0o644)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load accepted the catalog")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "catalog "+filepath.Join(dir, "acme.json")+": ") || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line naming the file and saying %q", msg, tt.want)
			}
		})
	}
	t.Run("the unchanged provider loads", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "acme.json"), acmeProvider(t, nil), 0o644)
		if _, err := Load(dir); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoadRejectsUnsafeExtensions(t *testing.T) {
	// A file extending a built-in provider is checked as strictly as a new one.
	for name, ev := range map[string]string{
		"type climbing out":  `{"type":"../../x","example":{}}`,
		"type in other case": `{"type":"Review.Completed","example":{}}`,
		"deep fields":        `{"type":"deep","example":{},"fields":` + string(must(json.Marshal(nested(40)))) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "ext.json"), []byte(`{"id":"clment","events":[`+ev+`]}`), 0o644)
			if _, err := Load(dir); err == nil || !strings.HasPrefix(err.Error(), "catalog "+filepath.Join(dir, "ext.json")+": ") {
				t.Fatalf("Load = %v, want an error naming ext.json", err)
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
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
