// Package render turns whk's results and engine events into terminal text (with
// lipgloss styles when colour is on), plain text and NDJSON. Engines never print.
package render

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every lipgloss style whk uses, in one place. With colour off each style
// renders its text unchanged.
type Styles struct {
	OK      lipgloss.Style
	Fail    lipgloss.Style
	Warn    lipgloss.Style
	Dim     lipgloss.Style
	Bold    lipgloss.Style
	Key     lipgloss.Style
	Heading lipgloss.Style
	Box     lipgloss.Style

	colour bool
}

// NewStyles returns the styles for output to w, coloured only when colour is true
// (the iostreams decision).
func NewStyles(w io.Writer, colour bool) Styles {
	r := newRenderer(w, colour)
	return Styles{
		OK:      r.NewStyle().Foreground(lipgloss.Color("2")),
		Fail:    r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		Warn:    r.NewStyle().Foreground(lipgloss.Color("3")),
		Dim:     r.NewStyle().Foreground(lipgloss.Color("8")),
		Bold:    r.NewStyle().Bold(true),
		Key:     r.NewStyle().Foreground(lipgloss.Color("6")),
		Heading: r.NewStyle().Bold(true).Underline(true),
		Box:     r.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		colour:  colour,
	}
}

// newRenderer is a lipgloss renderer for w that colours exactly when colour is true.
func newRenderer(w io.Writer, colour bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	if colour {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

// paint renders text in a style only with colour on. Without it lipgloss is skipped:
// it would cost more than the rest of a line at thousands of lines a second, and it
// would reflow text that carries tabs or line breaks from a payload's field names.
func paint(colour bool, st lipgloss.Style, text string) string {
	if !colour {
		return text
	}
	return st.Render(text)
}
