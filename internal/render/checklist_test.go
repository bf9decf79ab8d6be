package render

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/conformance"
)

// On a terminal, `whk test --list` fits the width and keeps its gutter; piped, it is
// one line per check.
func TestConformanceChecksFitTheTerminal(t *testing.T) {
	longest := 0
	for _, c := range conformance.Checks {
		longest = max(longest, len(c.ID))
	}
	gutter := strings.Repeat(" ", longest+2)
	for _, width := range []int{60, 80, 120} {
		var out bytes.Buffer
		if err := ConformanceChecks(&out, true, width, conformance.Checks); err != nil {
			t.Fatal(err)
		}
		ids := 0
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")[1:] {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: %d columns: %q", width, n, line)
			}
			if !strings.HasPrefix(line, " ") {
				ids++
			} else if !strings.HasPrefix(line, gutter) || line[len(gutter)] == ' ' {
				t.Errorf("width %d: continuation line off the gutter: %q", width, line)
			}
		}
		if ids != len(conformance.Checks) {
			t.Errorf("width %d: %d checks listed, want %d", width, ids, len(conformance.Checks))
		}
	}
	var piped bytes.Buffer
	if err := ConformanceChecks(&piped, false, 60, conformance.Checks); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(piped.String(), "\n"); n != len(conformance.Checks)+1 {
		t.Errorf("piped: %d lines, want one per check and a header", n)
	}
}
