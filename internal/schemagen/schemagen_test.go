package schemagen_test

import (
	"bytes"
	"io/fs"
	"sort"
	"testing"

	whk "github.com/whk-cli/whk"
	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schemagen"
)

// TestGenerated fails when schemas/ or fixtures/ differ from what the catalog generates:
// run `go generate ./...` and commit the result.
func TestGenerated(t *testing.T) {
	files, err := schemagen.Generate(catalog.MustBuiltin())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range files {
		want[f.Path] = f.Data
	}
	var onDisk []string
	err = fs.WalkDir(whk.Generated, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		onDisk = append(onDisk, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(onDisk)
	for _, path := range onDisk {
		got, _ := fs.ReadFile(whk.Generated, path)
		w, ok := want[path]
		switch {
		case !ok:
			t.Errorf("%s is checked in but the catalog does not generate it (run go generate ./...)", path)
		case !bytes.Equal(got, w):
			t.Errorf("%s is stale (run go generate ./...)", path)
		}
		delete(want, path)
	}
	for path := range want {
		t.Errorf("%s is missing (run go generate ./...)", path)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _ := schemagen.Generate(catalog.MustBuiltin())
	b, _ := schemagen.Generate(catalog.MustBuiltin())
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d vs %d files", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two runs", a[i].Path)
		}
	}
}

func TestUndocumentedSchemaSaysSo(t *testing.T) {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("contract-as-code")
	e, _ := p.Event("rule.approved")
	b, err := schemagen.EventSchema(p, e, schemagen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("not documented: this schema checks the envelope only")) {
		t.Errorf("undocumented event schema does not say so:\n%s", b)
	}
}

func TestSchemasOfOneProvider(t *testing.T) {
	p, err := catalog.MustBuiltin().Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	loose, err := schemagen.Schemas([]*catalog.Provider{p}, schemagen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	strict, err := schemagen.Schemas([]*catalog.Provider{p}, schemagen.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(loose) != 1+len(p.Events) || loose[0].Path != schemagen.SchemaPath(p, nil) || loose[1].Path != schemagen.SchemaPath(p, p.Events[0]) {
		t.Fatalf("%d files, first %q", len(loose), loose[0].Path)
	}
	if bytes.Equal(loose[1].Data, strict[1].Data) {
		t.Fatal("Strict changed nothing")
	}
}
