package render

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Text is laid out to the terminal's width here: wrapped at spaces (a word longer than a
// line is cut), with the continuation lines indented by the caller, so that a block
// keeps its gutter and a label its column at 60 columns as at 120. Text is wrapped
// before it is styled, because an escape sequence opened on one line and closed on the
// next would colour the gutter between them. Every text given here has been through
// Safe or SafeText: it holds no control characters, so its width is its cells.

// span is a piece of a line in one style.
type span struct {
	text  string
	style lipgloss.Style
}

// wrapRanges breaks s into lines of at most first cells (the first line) and rest
// cells (the others) and returns each line as a byte range of s. Lines break at a space
// that follows a visible character, so leading indentation stays with its line; the
// spaces at a break belong to no line. A width of 0 or less means no limit.
func wrapRanges(s string, first, rest int) [][2]int {
	if first <= 0 || ansi.StringWidth(s) <= first {
		return [][2]int{{0, len(s)}}
	}
	var out [][2]int
	limit, start, lineW, lastBreak := first, 0, 0, -1
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		w := runeWidth(r)
		if lineW > 0 && lineW+w > limit {
			switch {
			case r == ' ':
				out = append(out, [2]int{start, max(start, strings.LastIndexFunc(s[:i], notSpace)+1)})
				i = skipSpaces(s, i)
				start, lineW = i, 0
			case lastBreak > start:
				out = append(out, [2]int{start, lastBreak})
				start = skipSpaces(s, lastBreak)
				lineW = ansi.StringWidth(s[start:i])
			default:
				out = append(out, [2]int{start, i})
				start, lineW = i, 0
			}
			limit, lastBreak = rest, -1
			continue
		}
		if r == ' ' && i > start && s[i-1] != ' ' {
			lastBreak = i
		}
		lineW += w
		i += n
	}
	if start < len(s) || len(out) == 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

func notSpace(r rune) bool { return r != ' ' }

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func runeWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// wrapSpans lays spans out in lines of at most first cells, then rest cells, each line
// styled piece by piece (with colour off, unstyled).
func wrapSpans(colour bool, spans []span, first, rest int) []string {
	var plain strings.Builder
	bounds := make([]int, len(spans)+1)
	for i, sp := range spans {
		plain.WriteString(sp.text)
		bounds[i+1] = plain.Len()
	}
	s := plain.String()
	ranges := wrapRanges(s, first, rest)
	lines := make([]string, len(ranges))
	for li, rg := range ranges {
		var b strings.Builder
		for i, sp := range spans {
			from, to := max(rg[0], bounds[i]), min(rg[1], bounds[i+1])
			if from < to {
				b.WriteString(paint(colour, sp.style, s[from:to]))
			}
		}
		lines[li] = b.String()
	}
	return lines
}

// wrapText wraps unstyled text: the first line at most first cells, the others rest.
func wrapText(s string, first, rest int) []string {
	ranges := wrapRanges(s, first, rest)
	lines := make([]string, len(ranges))
	for i, rg := range ranges {
		lines[i] = s[rg[0]:rg[1]]
	}
	return lines
}

// truncate cuts s to at most width cells, ending in "…" when it was cut; width 0 or
// less means no limit.
func truncate(s string, width int) string {
	if width <= 0 || ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// Wrap lays out one line of prose for a terminal width cells wide: broken at spaces
// (a word wider than the line is cut), the lines after the first indented by hang
// spaces. width 0 or less leaves s whole. For stderr lines such as listen's notes.
func Wrap(s string, width, hang int) string {
	lines := wrapText(s, width, max(width-hang, 10))
	return strings.Join(lines, "\n"+strings.Repeat(" ", hang))
}
