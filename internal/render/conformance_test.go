package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/conformance"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var sampleSuite = ConformanceSuite{
	Provider: "oneflow",
	URL:      "http://127.0.0.1:8080/hooks",
	Duration: 1234 * time.Millisecond,
	Results: []conformance.Result{
		{Check: "signed-delivery", Title: "a correctly signed delivery of each event is acknowledged", Outcome: conformance.Fail,
			Detail: `31 of 31 not acknowledged (Oneflow wants exactly 200): contract:content_update: 201; contract:decline: 201; contract:delete: 201; and 28 more`, Duration: 912 * time.Millisecond},
		{Check: "bad-signature", Title: "a wrong signature field is rejected with 4xx", Outcome: conformance.Pass,
			Detail: "a wrong signature field: rejected with 401", Duration: 2300 * time.Microsecond},
		{Check: "tampered-body", Title: "a body altered after signing is rejected with 4xx", Outcome: conformance.Skip,
			Detail: "Oneflow's signature covers only callback_id & the sign key, not the body <see docs>", Duration: 800 * time.Nanosecond},
	},
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output:\n%s", path, got)
	}
}

func TestConformanceTablePiped(t *testing.T) {
	var b bytes.Buffer
	if err := ConformanceTable(&b, NewStyles(&b, false), false, 0, sampleSuite.Results); err != nil {
		t.Fatal(err)
	}
	golden(t, "conformance.txt", b.Bytes())
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("piped table has escape codes")
	}
}

func TestConformanceTableTerminal(t *testing.T) {
	var b bytes.Buffer
	if err := ConformanceTable(&b, NewStyles(&b, false), true, 0, sampleSuite.Results); err != nil {
		t.Fatal(err)
	}
	golden(t, "conformance.tty.txt", b.Bytes())

	var c bytes.Buffer
	if err := ConformanceTable(&c, NewStyles(&c, true), true, 0, sampleSuite.Results); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.String(), "\x1b[") {
		t.Error("coloured table has no escape codes")
	}
}

func TestConformanceJSON(t *testing.T) {
	var b bytes.Buffer
	for _, r := range sampleSuite.Results {
		if err := ConformanceJSON(&b, r); err != nil {
			t.Fatal(err)
		}
	}
	want := `{"check":"signed-delivery","title":"a correctly signed delivery of each event is acknowledged","result":"fail","detail":"31 of 31 not acknowledged (Oneflow wants exactly 200): contract:content_update: 201; contract:decline: 201; contract:delete: 201; and 28 more","duration_ms":912}
{"check":"bad-signature","title":"a wrong signature field is rejected with 4xx","result":"pass","detail":"a wrong signature field: rejected with 401","duration_ms":2.3}
{"check":"tampered-body","title":"a body altered after signing is rejected with 4xx","result":"skip","detail":"Oneflow's signature covers only callback_id & the sign key, not the body <see docs>","duration_ms":0.001}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestConformanceJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := ConformanceJUnit(&b, sampleSuite); err != nil {
		t.Fatal(err)
	}
	golden(t, "conformance.junit.xml", b.Bytes())
	doc := parseJUnit(t, b.Bytes())
	if doc.Tests != 3 || doc.Failures != 1 || doc.Skipped != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Errorf("counts: %+v", doc)
	}
}

func TestConformanceSummary(t *testing.T) {
	got := ConformanceSummary(sampleSuite)
	want := "1 passed, 1 failed, 1 skipped (3 checks of oneflow against http://127.0.0.1:8080/hooks in 1.2s)"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// On a terminal of a known width, no line of the table is wider than it.
func TestConformanceTableFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 100, 120} {
		var b bytes.Buffer
		if err := ConformanceTable(&b, NewStyles(&b, false), true, width, sampleSuite.Results); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if w := lipgloss.Width(line); w > width {
				t.Errorf("width %d: a line is %d columns wide: %q", width, w, line)
			}
		}
	}
}
