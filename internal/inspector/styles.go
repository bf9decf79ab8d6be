package inspector

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"
	"github.com/muesli/termenv"
)

// lineKind says how a pane line is painted; the text itself never carries escapes, so
// wrapping and golden frames work on plain text.
type lineKind int

const (
	plain lineKind = iota
	heading
	bad   // a schema error, a failed verdict
	good  // a passed verdict
	added // diff: only in the second delivery
	removed
	faint
)

type line struct {
	kind lineKind
	text string
}

// style is a lipgloss style that is skipped entirely with colour off, so frames without
// colour are plain text.
type style struct {
	on bool
	s  lipgloss.Style
}

func (s style) paint(text string) string {
	if !s.on || text == "" {
		return text
	}
	return s.s.Render(text)
}

type styles struct {
	title, head, dim, status, cursor, ok, fail, add, del, heading style
	// byKind paints pane lines; plain is absent and stays unpainted.
	byKind map[lineKind]style
}

func newStyles(colour bool) styles {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	st := func(s lipgloss.Style) style { return style{on: colour, s: s} }
	s := styles{
		title:   st(r.NewStyle().Bold(true).Reverse(true)),
		head:    st(r.NewStyle().Bold(true)),
		dim:     st(r.NewStyle().Foreground(lipgloss.Color("8"))),
		status:  st(r.NewStyle().Foreground(lipgloss.Color("3"))),
		cursor:  st(r.NewStyle().Reverse(true)),
		ok:      st(r.NewStyle().Foreground(lipgloss.Color("2"))),
		fail:    st(r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)),
		add:     st(r.NewStyle().Foreground(lipgloss.Color("2"))),
		del:     st(r.NewStyle().Foreground(lipgloss.Color("1"))),
		heading: st(r.NewStyle().Bold(true).Underline(true)),
	}
	s.byKind = map[lineKind]style{heading: s.heading, bad: s.fail, good: s.ok, added: s.add, removed: s.del, faint: s.dim}
	return s
}

func (s styles) line(l line) string { return s.byKind[l.kind].paint(l.text) }

// fit cuts s to at most w columns.
func fit(s string, w int) string {
	if runewidth.StringWidth(s) <= w {
		return s
	}
	return runewidth.Truncate(s, w, "…")
}

// pad cuts or fills s to exactly w columns.
func pad(s string, w int) string {
	return runewidth.FillRight(fit(s, w), w)
}

// wrapLines breaks lines wider than w into several, keeping their kind; continuation
// lines are indented by two columns so they read as one.
func wrapLines(ls []line, w int) []line {
	out := make([]line, 0, len(ls))
	for _, l := range ls {
		text := l.text
		for first := true; ; first = false {
			limit := w
			prefix := ""
			if !first {
				prefix, limit = "  ", w-2
			}
			if runewidth.StringWidth(text) <= limit {
				out = append(out, line{l.kind, prefix + text})
				break
			}
			cut := 0
			col := 0
			for i, r := range text {
				cw := runewidth.RuneWidth(r)
				if col+cw > limit {
					cut = i
					break
				}
				col += cw
			}
			if cut == 0 {
				cut = len(text) // a rune wider than the pane: show it anyway
			}
			out = append(out, line{l.kind, prefix + text[:cut]})
			text = text[cut:]
			if text == "" {
				break
			}
		}
	}
	return out
}
