package interop

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestOpenAPIGolden keeps one provider's whole document under review: a change to the
// export shows up as a diff of testdata/clment.openapi.json.
func TestOpenAPIGolden(t *testing.T) {
	p, err := catalog.MustBuiltin().Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenAPI(p, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "clment.openapi.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("OpenAPI(clment) differs from %s (run go test ./internal/interop -update and review the diff)", path)
	}
}
