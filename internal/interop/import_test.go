package interop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schemagen"
)

// TestRoundTrip exports every built-in provider with events, imports the document
// back, loads the catalog file as --catalog would, and finds the same event types,
// descriptions, examples and (as JSON values) the same schemas.
func TestRoundTrip(t *testing.T) {
	for _, p := range catalog.MustBuiltin().Providers() {
		if len(p.Events) == 0 {
			continue // standard-webhooks has no events of its own: nothing to import
		}
		t.Run(p.ID, func(t *testing.T) {
			doc, err := OpenAPI(p, "1")
			if err != nil {
				t.Fatal(err)
			}
			id := p.ID + "-imported"
			got, err := Import(doc, ImportOptions{Provider: id, Scheme: p.Scheme.Name, Source: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if got.TypeAt != p.TypeAt {
				t.Errorf("type_at = %q, want %q", got.TypeAt, p.TypeAt)
			}
			if got.Success.Rule != p.Success.Rule {
				t.Errorf("success rule = %q, want %q", got.Success.Rule, p.Success.Rule)
			}
			// The file must pass the catalog's load-time checks.
			file, err := File(got)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, id+".json"), file, 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := catalog.Load(dir)
			if err != nil {
				t.Fatalf("the imported catalog does not load: %v", err)
			}
			loaded, err := c.Provider(id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(loaded.EventTypes(), p.EventTypes()) {
				t.Fatalf("event types = %v, want %v", loaded.EventTypes(), p.EventTypes())
			}
			for i, e := range loaded.Events {
				want := p.Events[i]
				if e.Description != want.Description {
					t.Errorf("%s: description = %q, want %q", e.Type, e.Description, want.Description)
				}
				sameJSON(t, e.Type+" example", e.Example, want.Example)
				gotSchema, err := schemagen.EventSchema(loaded, e, schemagen.Options{})
				if err != nil {
					t.Fatal(err)
				}
				wantSchema, err := schemagen.EventSchema(p, want, schemagen.Options{})
				if err != nil {
					t.Fatal(err)
				}
				sameJSON(t, e.Type+" schema", withoutID(t, gotSchema), withoutID(t, wantSchema))
			}
		})
	}
}

func withoutID(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "$id") // names the provider, which the import renamed
	out, _ := json.Marshal(m)
	return out
}

func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs:\n got %s\nwant %s", what, got, want)
	}
}

// A minimal 3.1 document with one webhook; the cases below break it one way each.
const hookDoc = `{"openapi":"3.1.0","info":{"title":"Acme webhooks","version":"1"},
"webhooks":{"order.paid":{"post":{"description":"An order was paid.",
"requestBody":{"content":{"application/json":{"schema":%s,"example":{"type":"order.paid","id":"e1"}}}},
"responses":{"200":{"description":"ok"}}}}},
"components":{"schemas":{"Order":{"type":"object","properties":{"type":{"const":"order.paid"},"total":{"$ref":"#/components/schemas/Money"}}},"Money":{"type":"number"},
"Loop":{"type":"object","properties":{"next":{"$ref":"#/components/schemas/Loop"}}}}}}`

func doc(schema string) string { return strings.Replace(hookDoc, "%s", schema, 1) }

func TestImportResolvesLocalSchemaRefs(t *testing.T) {
	p, err := Import([]byte(doc(`{"$ref":"#/components/schemas/Order"}`)), ImportOptions{Provider: "acme", Scheme: catalog.SchemeHMACSHA256, Source: "acme.json"})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "schema", p.Events[0].Schema, []byte(`{"type":"object","properties":{"type":{"const":"order.paid"},"total":{"type":"number"}}}`))
	if p.TypeAt != "/type" || p.Success.Rule != "200" || p.Name != "Acme" || p.Events[0].Description != "An order was paid." {
		t.Errorf("got type_at %q, rule %q, name %q, description %q", p.TypeAt, p.Success.Rule, p.Name, p.Events[0].Description)
	}
}

func TestImportRefusesBadDocuments(t *testing.T) {
	opts := ImportOptions{Provider: "acme", Scheme: catalog.SchemeHMACSHA256, Source: "x"}
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"not JSON", `openapi: 3.1.0`, "not a JSON document"},
		{"not OpenAPI", `{"swagger":"2.0"}`, `not an OpenAPI 3.0 or 3.1 document: "openapi" is missing`},
		{"no webhooks", `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`, "describes no webhooks"},
		{"3.0 reads x-webhooks only", `{"openapi":"3.0.3","webhooks":{"a":{}}}`, `no "x-webhooks" section`},
		{"external $ref", doc(`{"$ref":"https://example.com/order.json"}`), `unsupported $ref "https://example.com/order.json"`},
		{"$ref outside components/schemas", doc(`{"$ref":"#/info"}`), `unsupported $ref "#/info"`},
		{"recursive $ref", doc(`{"$ref":"#/components/schemas/Loop"}`), `recursive $ref "#/components/schemas/Loop"`},
		{"no example", strings.Replace(doc(`{"type":"object"}`), `"example":{"type":"order.paid","id":"e1"}`, `"x":1`, 1), "has no example"},
		{"no POST", `{"openapi":"3.1.0","webhooks":{"a":{"get":{}}}}`, `webhook "a" has no POST operation`},
		{"type not pinned", doc(`{"type":"object"}`), "give --type-at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import([]byte(tc.doc), opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	if _, err := Import([]byte(doc(`{"type":"object"}`)), ImportOptions{Provider: "acme", Scheme: "rot13"}); err == nil || !strings.Contains(err.Error(), `unknown scheme "rot13"`) {
		t.Errorf("unknown scheme: error = %v", err)
	}
}
