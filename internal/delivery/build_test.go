package delivery

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schema"
	"github.com/whk-cli/whk/internal/schemagen"
	"github.com/whk-cli/whk/internal/signing"
)

var fixed = func() time.Time { return time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC) }

// Every built delivery of every event still validates, carries fresh ids and timestamps
// in the provider's formats, and keeps the example's type.
func TestFromExampleEveryEvent(t *testing.T) {
	v := schema.New(schemagen.Options{})
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, e := range p.Events {
			d, err := FromExample(p, e, BuildOptions{Now: fixed})
			if err != nil {
				t.Fatalf("%s %s: %v", p.ID, e.Type, err)
			}
			if d.Type != e.Type || d.ID == "" {
				t.Errorf("%s %s: type %q id %q", p.ID, e.Type, d.Type, d.ID)
			}
			var doc any
			if err := json.Unmarshal(d.Body, &doc); err != nil {
				t.Fatal(err)
			}
			probs, err := v.Validate(p, e, doc)
			if err != nil || len(probs) > 0 {
				t.Errorf("%s %s: built body invalid: %v %v", p.ID, e.Type, probs, err)
			}
			if strings.Contains(string(d.Body), "\n") {
				t.Errorf("%s %s: body is not compact", p.ID, e.Type)
			}
		}
	}
}

func TestFreshFormats(t *testing.T) {
	c := catalog.MustBuiltin()
	tests := []struct {
		provider, event string
		want            []*regexp.Regexp
	}{
		{"clment", "review.completed", []*regexp.Regexp{regexp.MustCompile(`"id":"evt_[0-9a-f]{12}"`), regexp.MustCompile(`"occurredAt":"2026-06-16T14:32:08\.000Z"`)}},
		{"cm-sign", "dossier.prepared", []*regexp.Regexp{regexp.MustCompile(`"id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"`), regexp.MustCompile(`"created":"2026-06-16T14:32:08\+00:00"`)}},
		{"oneflow", "contract:publish", []*regexp.Regexp{regexp.MustCompile(`"callback_id":"[0-9a-f]{40}"`), regexp.MustCompile(`"created_time":"2026-06-16T14:32:08\+0000"`)}},
		{"ironclad", "workflow_launched", []*regexp.Regexp{regexp.MustCompile(`"timestamp":"2026-06-16T14:32:08\.000Z"`)}},
		{"contract-as-code", "test.ping", []*regexp.Regexp{regexp.MustCompile(`"created_at":"2026-06-16T14:32:08Z"`)}},
	}
	for _, tt := range tests {
		p, _ := c.Provider(tt.provider)
		e, _ := p.Event(tt.event)
		d, err := FromExample(p, e, BuildOptions{Now: fixed})
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range tt.want {
			if !re.Match(d.Body) {
				t.Errorf("%s: %s does not match %s", tt.provider, d.Body, re)
			}
		}
		d2, _ := FromExample(p, e, BuildOptions{Now: fixed})
		if d.ID == d2.ID {
			t.Errorf("%s: two builds share id %s", tt.provider, d.ID)
		}
	}
}

func TestSetAndKeepIDs(t *testing.T) {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("clment")
	e, _ := p.Event("review.completed")
	d, err := FromExample(p, e, BuildOptions{Now: fixed, Sets: []string{"payload.overallRisk=high", "payload.findingCount=3", "id=evt_pinned"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d.Body), `"overallRisk":"high"`) || !strings.Contains(string(d.Body), `"findingCount":3`) || d.ID != "evt_pinned" {
		t.Fatalf("sets not applied: %s (id %s)", d.Body, d.ID)
	}
	raw := []byte("{\"id\": \"evt_keep\", \"type\": \"review.completed\"}\n")
	kept, err := FromBody(p, raw, BuildOptions{KeepIDs: true})
	if err != nil || string(kept.Body) != string(raw) || kept.ID != "evt_keep" {
		t.Fatalf("keep: %q %v", kept.Body, err)
	}
	if _, err := FromExample(p, e, BuildOptions{Sets: []string{"novalue"}}); err == nil {
		t.Fatal("--set without = accepted")
	}
}

func TestSetPathDepthIsBounded(t *testing.T) {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("clment")
	e, _ := p.Event("review.completed")
	deep := func(n int) string { return strings.Repeat("a.", n-1) + "a=1" }
	tests := []struct {
		name    string
		set     string
		wantErr string
	}{
		{"at the bound", deep(MaxSetDepth), ""},
		{"one past the bound", deep(MaxSetDepth + 1), "the path has 65 levels, more than 64"},
		{"12,000 levels", deep(12000), "the path has 12000 levels, more than 64"},
		{"a huge value without =", strings.Repeat("x", 1<<20), "want path=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromExample(p, e, BuildOptions{Now: fixed, Sets: []string{tt.set}})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if n := len(err.Error()); n > 200 {
				t.Fatalf("error line of %d bytes", n)
			}
		})
	}
}

func TestSignAttachesHeadersInOrder(t *testing.T) {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("clment")
	e, _ := p.Event("review.completed")
	d, _ := FromExample(p, e, BuildOptions{Now: fixed})
	s, _ := signing.For(p, "")
	if err := d.Sign(s, signing.Keys{Secret: []byte("k")}, signing.Params{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range d.Headers {
		names = append(names, h.Name)
	}
	want := "Content-Type User-Agent X-Clment-Event X-Clment-Event-Id X-Clment-Delivery-Timestamp X-Clment-Signature"
	if strings.Join(names, " ") != want {
		t.Fatalf("headers %v", names)
	}
	if d.Headers[3].Value != d.ID {
		t.Fatalf("event id header %q, id %q", d.Headers[3].Value, d.ID)
	}
	ip, _ := c.Provider("ironclad")
	ie, _ := ip.Event("workflow_launched")
	id, _ := FromExample(ip, ie, BuildOptions{Now: fixed})
	if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id.ID) {
		t.Fatalf("ironclad header id %q", id.ID)
	}
}
