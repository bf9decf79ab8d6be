package conformance

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryCheckSaysWhatItProves: --list and the guide have a sentence for every check.
func TestEveryCheckSaysWhatItProves(t *testing.T) {
	for _, c := range Checks {
		if proofs[c.ID] == "" {
			t.Errorf("check %s has no entry in proofs (proves.go)", c.ID)
		}
	}
	for id := range proofs {
		known := false
		for _, c := range Checks {
			known = known || c.ID == id
		}
		if !known {
			t.Errorf("proofs has %s, which is not a check", id)
		}
	}
}

// TestGuideExplainsEveryCheck: docs/guides/what-whk-test-proves.md has one section per
// check, in the order they run, and none for a check that is gone.
func TestGuideExplainsEveryCheck(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "what-whk-test-proves.md"))
	if err != nil {
		t.Fatal(err)
	}
	var sections []string
	for _, m := range regexp.MustCompile("(?m)^## `([a-z-]+)`$").FindAllSubmatch(guide, -1) {
		sections = append(sections, string(m[1]))
	}
	if got, want := strings.Join(sections, ","), strings.Join(CheckIDs(), ","); got != want {
		t.Errorf("the guide's sections are\n  %s\nthe checks are\n  %s", got, want)
	}
}
