package interop

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/whk-cli/whk/internal/catalog"
)

// The official meta-schemas, vendored in testdata/meta (see its README for where
// they come from and their licence).
const (
	openAPISchema     = "https://spec.openapis.org/oas/3.1/schema/WORK-IN-PROGRESS"
	openAPISchemaBase = "https://spec.openapis.org/oas/3.1/schema-base/WORK-IN-PROGRESS"
	asyncAPISchema    = "http://asyncapi.com/definitions/3.0.0/asyncapi.json"
)

// metaSchemas compiles the vendored meta-schemas once per test.
func metaSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	files := map[string]string{
		"openapi-3.1-schema.json":      openAPISchema,
		"openapi-3.1-schema-base.json": openAPISchemaBase,
		"openapi-3.1-meta.json":        "https://spec.openapis.org/oas/3.1/meta/WORK-IN-PROGRESS",
		"openapi-3.1-dialect.json":     "https://spec.openapis.org/oas/3.1/dialect/WORK-IN-PROGRESS",
		"asyncapi-3.0.0.json":          asyncAPISchema,
	}
	for file, url := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "meta", file))
		if err != nil {
			t.Fatal(err)
		}
		if file == "openapi-3.1-meta.json" {
			// jsonschema/v5 refuses to compile a schema whose root $vocabulary marks a
			// vocabulary it does not know as required ("unsupported vocab
			// https://spec.openapis.org/oas/3.1/vocab/base", compiler.go). The OAS base
			// vocabulary only adds annotations (discriminator, example, externalDocs,
			// xml) whose shapes meta.json checks with ordinary keywords, so it is
			// loaded here as optional (true -> false), in memory only: every keyword
			// of meta.json still applies to the exported Schema Objects.
			before := `"https://spec.openapis.org/oas/3.1/vocab/base": true`
			if !bytes.Contains(b, []byte(before)) {
				t.Fatalf("%s no longer requires the OAS base vocabulary: drop this workaround", file)
			}
			b = bytes.Replace(b, []byte(before), []byte(`"https://spec.openapis.org/oas/3.1/vocab/base": false`), 1)
		}
		if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, url := range []string{openAPISchema, openAPISchemaBase, asyncAPISchema} {
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("compile %s: %v", url, err)
		}
		out[url] = s
	}
	return out
}

func TestExportsValidateAgainstOfficialMetaSchemas(t *testing.T) {
	metas := metaSchemas(t)
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, tc := range []struct {
			format string
			export func(*catalog.Provider, string) ([]byte, error)
			metas  []string
		}{
			{"openapi", OpenAPI, []string{openAPISchema, openAPISchemaBase}},
			{"asyncapi", AsyncAPI, []string{asyncAPISchema}},
		} {
			t.Run(p.ID+"/"+tc.format, func(t *testing.T) {
				b, err := tc.export(p, "1.0.0")
				if err != nil {
					t.Fatal(err)
				}
				var doc any
				err = json.Unmarshal(b, &doc)
				if err != nil {
					t.Fatal(err)
				}
				for _, url := range tc.metas {
					if err := metas[url].Validate(doc); err != nil {
						t.Errorf("%s: %s", url, strings.TrimSpace(err.Error()))
					}
				}
			})
		}
	}
}

// TestMetaSchemasRefuseBrokenDocuments shows the validation above can fail: each
// document breaks one rule of the meta-schema named.
func TestMetaSchemasRefuseBrokenDocuments(t *testing.T) {
	metas := metaSchemas(t)
	for _, tc := range []struct {
		name, meta, doc string
	}{
		{"openapi without info", openAPISchema, `{"openapi":"3.1.0","webhooks":{}}`},
		{"openapi lower-case status range", openAPISchema, `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"a":{"post":{"responses":{"2xx":{"description":"ok"}}}}}}`},
		{"openapi schema object with a bad type", openAPISchemaBase, `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"components":{"schemas":{"a":{"type":5}}}}`},
		{"asyncapi receive with an unknown action", asyncAPISchema, `{"asyncapi":"3.0.0","info":{"title":"t","version":"1"},"channels":{"a":{}},"operations":{"o":{"action":"listen","channel":{"$ref":"#/channels/a"}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			if err := metas[tc.meta].Validate(doc); err == nil {
				t.Errorf("%s accepted %s", tc.meta, tc.doc)
			}
		})
	}
}
