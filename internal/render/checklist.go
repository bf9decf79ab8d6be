package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/conformance"
)

// ConformanceChecks writes `whk test --list`: each check's id and what it proves. On a
// terminal of width columns (0: unknown, 80 assumed) the sentence wraps at words under
// its own column; piped, each check is one line, for grep.
func ConformanceChecks(w io.Writer, tty bool, width int, checks []conformance.Check) error {
	idWidth := len("CHECK")
	for _, c := range checks {
		idWidth = max(idWidth, len(c.ID))
	}
	gutter := idWidth + 2
	if width <= 0 {
		width = 80
	}
	textWidth := max(24, width-gutter-1)
	fmt.Fprintf(w, "%-*s%s\n", gutter, "CHECK", "WHAT IT PROVES")
	for _, c := range checks {
		text := c.Proves()
		if tty {
			text = lipgloss.NewStyle().Width(textWidth).Render(text)
		}
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			id := c.ID
			if i > 0 {
				id = ""
			}
			if _, err := fmt.Fprintf(w, "%-*s%s\n", gutter, id, strings.TrimRight(l, " ")); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLine is one check of `whk test --list --json`.
type checkLine struct {
	Check  string `json:"check"`
	Title  string `json:"title"`
	Proves string `json:"proves"`
}

// ConformanceChecksJSON writes one {"check","title","proves"} line per check.
func ConformanceChecksJSON(w io.Writer, checks []conformance.Check) error {
	for _, c := range checks {
		if err := encodeLine(w, checkLine{c.ID, c.Title, c.Proves()}); err != nil {
			return err
		}
	}
	return nil
}
