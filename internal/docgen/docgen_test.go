package docgen_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/docgen"
)

const repoRoot = "../.."

// TestGenerated fails when docs/reference/ or docs/man/ differ from what the command tree
// generates: run `go generate ./...` and commit the result.
func TestGenerated(t *testing.T) {
	files, err := docgen.Generate(docgen.NewRoot(), docgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range files {
		want[f.Path] = f.Data
	}
	var onDisk []string
	for _, dir := range []string{docgen.ReferenceDir, docgen.ManDir} {
		entries, err := os.ReadDir(filepath.Join(repoRoot, filepath.FromSlash(dir)))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range entries {
			onDisk = append(onDisk, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(onDisk)
	for _, p := range onDisk {
		got, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[p]
		switch {
		case !ok:
			t.Errorf("%s is checked in but no command generates it (run go generate ./...)", p)
		case !bytes.Equal(got, w):
			t.Errorf("%s is stale (run go generate ./...)", p)
		}
		delete(want, p)
	}
	for p := range want {
		t.Errorf("%s is missing (run go generate ./...)", p)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := docgen.Generate(docgen.NewRoot(), docgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1781620328") // cobra would date the man pages from it
	b, _ := docgen.Generate(docgen.NewRoot(), docgen.Options{})
	if len(a) != len(b) || len(a) < 3 {
		t.Fatalf("%d vs %d files", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two runs", a[i].Path)
		}
		if bytes.Contains(a[i].Data, []byte("Auto generated")) {
			t.Errorf("%s carries cobra's dated footer", a[i].Path)
		}
	}
}

// Every visible command gets a reference page, a man page and a row in the index.
func TestEveryCommandIsDocumented(t *testing.T) {
	root := docgen.NewRoot()
	files, err := docgen.Generate(root, docgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string][]byte{}
	for _, f := range files {
		have[f.Path] = f.Data
	}
	index := string(have[docgen.ReferenceDir+"/README.md"])
	for _, c := range docgen.Commands(root) {
		md := path.Join(docgen.ReferenceDir, docgen.MarkdownName(c))
		man := path.Join(docgen.ManDir, docgen.ManName(c))
		if _, ok := have[md]; !ok {
			t.Errorf("%s: no %s", c.CommandPath(), md)
		}
		if !bytes.HasPrefix(have[man], []byte(".nh\n.TH \""+strings.ToUpper(strings.TrimSuffix(docgen.ManName(c), ".1"))+"\" \"1\" \"\"")) {
			t.Errorf("%s: %s has no undated .TH line:\n%.200s", c.CommandPath(), man, have[man])
		}
		if !strings.Contains(index, "]("+docgen.MarkdownName(c)+")") {
			t.Errorf("%s: not in the reference index", c.CommandPath())
		}
	}
	for _, name := range []string{"whk", "whk completion", "whk events list"} {
		found := false
		for _, c := range docgen.Commands(root) {
			found = found || c.CommandPath() == name
		}
		if !found {
			t.Errorf("%s is not documented", name)
		}
	}
}

func TestManDate(t *testing.T) {
	d := time.Date(2026, 6, 16, 0, 0, 0, 0, time.UTC)
	files, err := docgen.Generate(docgen.NewRoot(), docgen.Options{ManDate: &d})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == docgen.ManDir+"/whk.1" && !bytes.Contains(f.Data, []byte(`.TH "WHK" "1" "Jun 2026" "whk" "whk manual"`)) {
			t.Errorf("whk.1 is not dated Jun 2026:\n%.200s", f.Data)
		}
	}
}
