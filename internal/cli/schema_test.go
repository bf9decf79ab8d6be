package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

// TestSchemaOutStaysInside writes schemas for providers whose id or event type would
// climb out of --out, as a catalog that skipped the load checks would give: runSchema
// refuses, and nothing is written outside the directory.
func TestSchemaOutStaysInside(t *testing.T) {
	clment, err := catalog.MustBuiltin().Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		id, typ string
	}{
		{"event type climbing out", "clment", "../../../PWNED"},
		{"provider id climbing out", "../../x", "review.completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "a", "b", "out")
			p := *clment
			p.ID = tt.id
			e := *clment.Events[0]
			e.Type = tt.typ
			p.Events = []*catalog.Event{&e}
			var errOut bytes.Buffer
			err := runSchema(&SchemaOptions{Catalog: catalog.MustBuiltin(), Provider: &p, OutDir: out, Out: &bytes.Buffer{}, ErrOut: &errOut})
			if err == nil || !strings.Contains(err.Error(), "outside "+out) {
				t.Fatalf("runSchema = %v, want a refusal", err)
			}
			filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && !strings.HasPrefix(path, out+string(filepath.Separator)) {
					t.Errorf("wrote %s outside %s", path, out)
				}
				return nil
			})
		})
	}
}
