package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/schemagen"
)

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEveryFixtureIsValid(t *testing.T) {
	v := New(schemagen.Options{})
	strict := New(schemagen.Options{Strict: true})
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, e := range p.Events {
			doc := decode(t, e.Example)
			for name, val := range map[string]*Validator{"default": v, "strict": strict} {
				for _, target := range []*catalog.Event{e, nil} {
					probs, err := val.Validate(p, target, doc)
					if err != nil {
						t.Fatalf("%s %s: %v", p.ID, e.Type, err)
					}
					if len(probs) > 0 {
						t.Errorf("%s %s (%s, provider schema %v): %v", p.ID, e.Type, name, target == nil, probs)
					}
				}
			}
		}
	}
}

// mutation changes one field of a decoded example; ok says whether it applied.
type mutation func(obj map[string]any, f catalog.Field) bool

func payloadOf(p *catalog.Provider, doc any) map[string]any {
	vals := jsonpointer.Resolve(doc, p.PayloadAt)
	if len(vals) != 1 {
		return nil
	}
	m, _ := vals[0].(map[string]any)
	return m
}

// For every documented event, dropping a required field, changing a field's type and
// breaking an enum each make the example fail, against the event's schema and against
// the provider's schema.
func TestMutationsFail(t *testing.T) {
	v := New(schemagen.Options{})
	muts := map[string]mutation{
		"drop required field": func(obj map[string]any, f catalog.Field) bool {
			if !f.Required {
				return false
			}
			delete(obj, f.Name)
			return true
		},
		"change type": func(obj map[string]any, f catalog.Field) bool {
			if f.Type == "string" {
				obj[f.Name] = 42
			} else {
				obj[f.Name] = "not-a-" + f.Type
			}
			return true
		},
		"break enum": func(obj map[string]any, f catalog.Field) bool {
			if len(f.Enum) == 0 {
				return false
			}
			obj[f.Name] = "no-such-value"
			return true
		},
	}
	checked := 0
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, e := range p.Events {
			if !e.Documented {
				continue
			}
			for _, f := range e.Fields {
				for name, m := range muts {
					doc := decode(t, e.Example)
					if !m(payloadOf(p, doc), f) {
						continue
					}
					for _, target := range []*catalog.Event{e, nil} {
						probs, err := v.Validate(p, target, doc)
						if err != nil {
							t.Fatal(err)
						}
						if len(probs) == 0 {
							t.Errorf("%s %s: %s %s still validates (provider schema: %v)", p.ID, e.Type, name, f.Name, target == nil)
						}
						checked++
					}
				}
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d mutations checked", checked)
	}
}

func TestEnvelopeMutationsFail(t *testing.T) {
	v := New(schemagen.Options{})
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, e := range p.Events {
			for _, f := range p.Envelope {
				if !f.Required {
					continue
				}
				doc := decode(t, e.Example).(map[string]any)
				delete(doc, f.Name)
				probs, _ := v.Validate(p, e, doc)
				if len(probs) == 0 {
					t.Errorf("%s %s without %s validates", p.ID, e.Type, f.Name)
				}
			}
		}
	}
}

func TestSpecificRules(t *testing.T) {
	c := catalog.MustBuiltin()
	v := New(schemagen.Options{})
	tests := []struct {
		name, provider, event, body string
		valid                       bool
		pointer                     string
	}{
		{"oneflow +0000 offset passes", "oneflow", "contract:publish",
			`{"contract":{"id":101},"callback_id":"a","events":[{"created_time":"2020-07-06T15:14:14+0000","id":1,"type":"contract:publish"}]}`, true, ""},
		{"oneflow several events, one of them the type", "oneflow", "contract:sign",
			`{"contract":{"id":101},"callback_id":"a","events":[{"created_time":"2020-07-06T15:14:14+0000","id":1,"type":"contract:publish"},{"created_time":"2020-07-06T15:14:15Z","id":2,"type":"contract:sign"}]}`, true, ""},
		{"oneflow bad timestamp", "oneflow", "contract:publish",
			`{"contract":{"id":101},"callback_id":"a","events":[{"created_time":"06/07/2020","id":1,"type":"contract:publish"}]}`, false, "/events/0/created_time"},
		{"oneflow type absent from events", "oneflow", "contract:sign",
			`{"contract":{"id":101},"callback_id":"a","events":[{"created_time":"2020-07-06T15:14:14+0000","id":1,"type":"contract:publish"}]}`, false, "/events"},
		{"clment review mention with null finding", "clment", "user.mentioned",
			mention("review", "null", "null"), true, ""},
		{"clment finding mention with null finding", "clment", "user.mentioned",
			mention("finding", "null", `"t"`), false, "/payload/findingId"},
		{"clment review mention with a finding", "clment", "user.mentioned",
			mention("review", `"f"`, "null"), false, "/payload/findingId"},
		{"clment pageCount null", "clment", "contract.created",
			`{"id":"e","type":"contract.created","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"o","payload":{"contractId":"c","contractNumber":1,"title":"t","fileName":"f","fileFormat":"pdf","pageCount":null,"createdAt":"2026-06-16T14:30:00.000Z","createdBy":"u"}}`, true, ""},
		{"clment bad date-time", "clment", "contract.created",
			`{"id":"e","type":"contract.created","occurredAt":"yesterday","organizationId":"o","payload":{"contractId":"c","contractNumber":1,"title":"t","fileName":"f","fileFormat":"pdf","pageCount":1,"createdAt":"2026-06-16T14:30:00.000Z","createdBy":"u"}}`, false, "/occurredAt"},
		{"ironclad changed_turn without fromParty", "ironclad", "workflow_changed_turn",
			`{"companyID":"c","payload":{"event":"workflow_changed_turn","templateID":"t","workflowID":"w","toParty":"counterparty"},"timestamp":"2022-04-07T21:36:52.776Z","webhookID":"h"}`, true, ""},
		{"ironclad bad transition", "ironclad", "workflow_step_updated",
			`{"companyID":"c","payload":{"event":"workflow_step_updated","templateID":"t","transition":"sideways","workflowID":"w"},"timestamp":"2022-04-07T21:36:52.776Z","webhookID":"h"}`, false, "/payload/transition"},
		{"cm-sign wrong type for the schema", "cm-sign", "dossier.prepared",
			`{"id":"i","type":"dossier.state.updated","created":"2026-01-01T00:00:00+00:00","dossier":{"id":"d","state":"draft"}}`, false, "/type"},
		{"unknown fields are allowed", "contract-as-code", "test.ping",
			`{"id":"i","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"o","data":{"message":"m","extra":1},"more":true}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := c.Provider(tt.provider)
			e, err := p.Event(tt.event)
			if err != nil {
				t.Fatal(err)
			}
			for _, target := range []*catalog.Event{e, nil} {
				if target == nil && tt.pointer == "/type" {
					continue // the provider schema dispatches on type, so any known type is fine there
				}
				if target == nil && tt.pointer == "/events" {
					continue
				}
				probs, err := v.Validate(p, target, decode(t, []byte(tt.body)))
				if err != nil {
					t.Fatal(err)
				}
				if (len(probs) == 0) != tt.valid {
					t.Fatalf("valid = %v, want %v: %v", len(probs) == 0, tt.valid, probs)
				}
				if tt.pointer != "" && !hasPointer(probs, tt.pointer) {
					t.Errorf("problems %v do not point at %s", probs, tt.pointer)
				}
			}
		})
	}
}

func TestStrictRejectsUnknownFields(t *testing.T) {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("contract-as-code")
	e, _ := p.Event("test.ping")
	body := `{"id":"i","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"o","data":{"message":"m","extra":1}}`
	probs, err := New(schemagen.Options{Strict: true}).Validate(p, e, decode(t, []byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if !hasPointer(probs, "/data") {
		t.Fatalf("strict validation did not flag /data/extra: %v", probs)
	}
}

func mention(context, findingID, findingTitle string) string {
	return fmt.Sprintf(`{"id":"e","type":"user.mentioned","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"o","payload":{"mentionedUserId":"u","mentionedUserEmail":"a@example.com","mentionerUserId":"u2","mentionerName":"n","context":%q,"reviewId":"r","reviewNumber":1,"contractId":"c","findingId":%s,"findingTitle":%s}}`, context, findingID, findingTitle)
}

func hasPointer(probs []Problem, ptr string) bool {
	for _, p := range probs {
		if p.Pointer == ptr || strings.HasPrefix(p.Pointer, ptr+"/") {
			return true
		}
	}
	return false
}
