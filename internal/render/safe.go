package render

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every value that came from input (a request's event type, id, path or headers, a
// file name, a catalog's text) passes through one escaper before it is shown to people,
// so that a hostile sender cannot end a line and forge one ("\nsignature: valid"),
// send the terminal an escape sequence (ESC[8m hides text, ESC]0; sets the title,
// ESC[2J clears the screen) or reorder what is shown (U+202E). The escaper writes
// each such character Go-style: \n, \x1b, \u202e.
//
// The machine formats (NDJSON, JUnit, GitHub workflow commands) have escaping of their
// own and do not use these.

// Safe shows one value: unchanged when every character in it is visible, otherwise in
// double quotes with the hidden characters, quotes and backslashes escaped. A value that
// itself starts with a double quote is quoted too, so a shown value never reads as
// another value's escaped form.
func Safe(s string) string {
	if !needsQuote(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteByte('"')
	escape(&b, s, true)
	b.WriteByte('"')
	return b.String()
}

// SafeText shows prose that may embed input (a schema message, a signature reason, a
// body line) on one line: hidden characters escaped, nothing quoted.
func SafeText(s string) string {
	if visible(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	escape(&b, s, false)
	return b.String()
}

// SafeBlock shows text of several lines (a body, an example): each line as SafeText,
// the line breaks kept.
func SafeBlock(s string) string {
	lines := strings.Split(s, "\n")
	changed := false
	for i, l := range lines {
		// Each line on its own: with the breaks removed, two invalid bytes either side
		// of one ("\xc8\n\xb0") would read as one valid character (found by FuzzSafe).
		if !visible(l) {
			lines[i], changed = SafeText(l), true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(lines, "\n")
}

// hidden reports whether a character must not reach a terminal as it is: controls (C0,
// DEL, C1), format characters (the bidi embeddings, overrides and isolates U+202A–U+202E
// and U+2066–U+2069, zero-width spaces and joiners, the byte-order mark, tag
// characters), line and paragraph separators, private-use and unassigned code points,
// and the Hangul fillers that render as blank letters.
func hidden(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0':
		return true
	}
	return !unicode.IsGraphic(r)
}

// visible reports whether s is all visible characters, with an ASCII fast path: listen and
// replay call this for every value of every delivery.
func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return visibleUnicode(s[i:])
		}
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func visibleUnicode(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if (r == utf8.RuneError && n == 1) || hidden(r) {
			return false
		}
		s = s[n:]
	}
	return true
}

func needsQuote(s string) bool {
	return (s != "" && s[0] == '"') || !visible(s)
}

// escape writes s with hidden characters (and invalid UTF-8 bytes) escaped; quoted also
// escapes '"' and '\\', as inside a Go string literal.
func escape(b *strings.Builder, s string, quoted bool) {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			writeHex(b, uint32(s[0]), 2)
		case quoted && (r == '"' || r == '\\'):
			b.WriteByte('\\')
			b.WriteRune(r)
		case !hidden(r):
			b.WriteString(s[:n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			b.WriteString(`\x`)
			writeHex(b, uint32(r), 2)
		case r <= 0xffff:
			b.WriteString(`\u`)
			writeHex(b, uint32(r), 4)
		default:
			b.WriteString(`\U`)
			writeHex(b, uint32(r), 8)
		}
		s = s[n:]
	}
}

func writeHex(b *strings.Builder, v uint32, width int) {
	h := strconv.FormatUint(uint64(v), 16)
	for i := len(h); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(h)
}
