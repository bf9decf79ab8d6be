package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/signing"
)

// Verification is the verdict of `whk verify` and what explains it.
type Verification struct {
	Valid    bool
	Provider string // catalog id
	Name     string // display name
	Scheme   string
	// Reason says why the signature is not valid ("" when valid).
	Reason string
	// Warnings hold caveats that hold even for a valid signature.
	Warnings []string
	Findings []signing.Finding
}

// Hints are the warnings and findings as sentences, each once, causes first.
func (v Verification) Hints() []string {
	hints := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			hints = append(hints, s)
		}
	}
	for _, f := range v.Findings {
		if f.Cause != signing.CauseBodyNotCovered {
			add(f.Message)
		}
	}
	for _, w := range v.Warnings {
		add(w)
	}
	for _, f := range v.Findings {
		add(f.Message)
	}
	return hints
}

// Cause is the confirmed cause, or "".
func (v Verification) Cause() signing.Cause {
	for _, f := range v.Findings {
		if f.Confirmed && f.Cause != signing.CauseBodyNotCovered {
			return f.Cause
		}
	}
	return ""
}

// VerifyJSON prints {"valid","provider","scheme","reason","cause","hints"} on one line.
func VerifyJSON(w io.Writer, v Verification) error {
	out := struct {
		Valid    bool     `json:"valid"`
		Provider string   `json:"provider"`
		Scheme   string   `json:"scheme"`
		Reason   string   `json:"reason"`
		Cause    string   `json:"cause,omitempty"`
		Hints    []string `json:"hints"`
	}{v.Valid, v.Provider, v.Scheme, v.Reason, string(v.Cause()), v.Hints()}
	return encodeLine(w, out)
}

// VerifyText prints a verdict line, then one line per cause, likely cause, warning or
// hint, labelled; reasons and hints may quote the request, so they go through SafeText.
// Lines wrap at words to width (0: no limit), continuation lines under the text.
func VerifyText(w io.Writer, st Styles, v Verification, width int) error {
	out := func(indent int, spans ...span) {
		first, rest := 0, 0
		if width > 0 {
			first, rest = max(width, 20), max(width-indent, 10)
		}
		for i, l := range wrapSpans(st.colour, spans, first, rest) {
			if i > 0 {
				l = strings.Repeat(" ", indent) + l
			}
			fmt.Fprintln(w, l)
		}
	}
	plain := lipgloss.NewStyle()
	if v.Valid {
		out(2, span{"valid:", st.OK}, span{" " + SafeText(v.Name) + " signature verifies (" + SafeText(v.Scheme) + ")", plain})
	} else {
		out(2, span{"invalid:", st.Fail}, span{" " + SafeText(v.Reason), plain})
	}
	seen := map[string]bool{}
	line := func(label string, style lipgloss.Style, msg string) {
		if seen[msg] {
			return
		}
		seen[msg] = true
		out(3+len(label), span{"  ", plain}, span{label, style}, span{" " + SafeText(msg), plain})
	}
	for _, f := range v.Findings {
		switch {
		case f.Cause == signing.CauseBodyNotCovered:
		case f.Cause == signing.CauseUnexplained:
			line("hint:", st.Dim, f.Message)
		case f.Confirmed:
			line("cause:", st.Bold, f.Message)
		default:
			line("maybe:", st.Warn, f.Message)
		}
	}
	for _, m := range v.Warnings {
		line("warning:", st.Warn, m)
	}
	for _, f := range v.Findings {
		if f.Cause == signing.CauseBodyNotCovered {
			line("warning:", st.Warn, f.Message)
		}
	}
	return nil
}
