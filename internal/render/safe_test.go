package render

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain id unchanged", "evt_8f3a", "evt_8f3a"},
		{"empty unchanged", "", ""},
		{"spaces and punctuation unchanged", "a b: c/d?e=f", "a b: c/d?e=f"},
		{"accents and CJK unchanged", "Clément 契約", "Clément 契約"},
		{"emoji unchanged", "ok 👍", "ok 👍"},
		{"no-break space unchanged", "a\u00a0b", "a\u00a0b"},
		{"backslash alone unchanged", `a\nb`, `a\nb`},
		{"newline forging a line", "x\nsignature: valid", `"x\nsignature: valid"`},
		{"carriage return", "a\rb", `"a\rb"`},
		{"tab", "a\tb", `"a\tb"`},
		{"NUL", "a\x00b", `"a\x00b"`},
		{"conceal attribute", "\x1b[8mvalid", `"\x1b[8mvalid"`},
		{"window title", "\x1b]0;pwned\x07", `"\x1b]0;pwned\x07"`},
		{"clear screen", "\x1b[2J", `"\x1b[2J"`},
		{"DEL", "a\x7fb", `"a\x7fb"`},
		{"C1 CSI", "a\u009b2Jb", `"a\u009b2Jb"`},
		{"C1 NEL", "a\u0085b", `"a\u0085b"`},
		{"right-to-left override", "txt.\u202eexe", `"txt.\u202eexe"`},
		{"right-to-left isolate", "a\u2067b\u2069", `"a\u2067b\u2069"`},
		{"left-to-right embedding", "\u202aa\u202c", `"\u202aa\u202c"`},
		{"zero-width space", "ab\u200bc", `"ab\u200bc"`},
		{"byte-order mark", "\ufeffid", `"\ufeffid"`},
		{"line separator", "a\u2028b", `"a\u2028b"`},
		{"tag character", "a\U000e0041", `"a\U000e0041"`},
		{"Hangul filler", "a\u3164b", `"a\u3164b"`},
		{"invalid UTF-8", "a\xffb", `"a\xffb"`},
		{"quotes and backslashes escaped once quoted", "\"a\\\n", `"\"a\\\n"`},
		{"leading quote quoted", `"x"`, `"\"x\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Safe(tt.in); got != tt.want {
				t.Errorf("Safe(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafeQuotedIsAGoString(t *testing.T) {
	// A quoted value reads back as the input (where the input is valid UTF-8), so
	// nothing is lost or invented by the escaping.
	for _, in := range []string{"x\nsignature: valid", "\x1b[8m\u202e\"\\", "\"", "a\tb\u2066"} {
		got, err := strconv.Unquote(Safe(in))
		if err != nil || got != in {
			t.Errorf("Safe(%q) = %s: unquotes to %q, %v", in, Safe(in), got, err)
		}
	}
}

func TestSafeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"message unchanged", `unknown field "name"`, `unknown field "name"`},
		{"newline escaped, nothing quoted", "field \"a\nb\" is unknown", `field "a\nb" is unknown`},
		{"escape sequence", "bad \x1b[2J", `bad \x1b[2J`},
		{"bidi override", "see \u202egnp.exe", `see \u202egnp.exe`},
		{"invalid UTF-8", "\xc3(", `\xc3(`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeText(tt.in); got != tt.want {
				t.Errorf("SafeText(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafeBlockKeepsLines(t *testing.T) {
	in := "{\n  \"a\": \"\u202eb\",\n  \"c\": 1\r\n}"
	want := "{\n  \"a\": \"\\u202eb\",\n  \"c\": 1\\r\n}"
	if got := SafeBlock(in); got != want {
		t.Errorf("SafeBlock = %q, want %q", got, want)
	}
	if got := SafeBlock("{\n  \"a\": 1\n}"); got != "{\n  \"a\": 1\n}" {
		t.Errorf("plain block changed: %q", got)
	}
}

// leaks reports the first character of out that must not reach a terminal.
func leaks(out string, newlines bool) (rune, bool) {
	if !utf8.ValidString(out) {
		return utf8.RuneError, true
	}
	for _, r := range out {
		if r == '\n' && newlines {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || hidden(r) {
			return r, true
		}
	}
	return 0, false
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"evt_1", "x\nsignature: valid", "\x1b[8m", "\x1b]0;t\x07", "\u202e", "\u009b", "\xff\xfe", "\"q\\", "\u2066a\u2069", "\ufeff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		safe := Safe(s)
		if r, bad := leaks(safe, false); bad {
			t.Fatalf("Safe(%q) = %q keeps %U", s, safe, r)
		}
		if visible(s) && !strings.HasPrefix(s, `"`) && safe != s {
			t.Fatalf("Safe changed a visible value %q to %q", s, safe)
		}
		if utf8.ValidString(s) {
			if back, err := strconv.Unquote(safe); needsQuote(s) && (err != nil || back != s) {
				t.Fatalf("Safe(%q) = %q does not read back (%q, %v)", s, safe, back, err)
			}
		}
		text := SafeText(s)
		if r, bad := leaks(text, false); bad {
			t.Fatalf("SafeText(%q) = %q keeps %U", s, text, r)
		}
		block := SafeBlock(s)
		if r, bad := leaks(block, true); bad {
			t.Fatalf("SafeBlock(%q) = %q keeps %U", s, block, r)
		}
		if strings.Count(block, "\n") != strings.Count(s, "\n") {
			t.Fatalf("SafeBlock(%q) = %q changed the line count", s, block)
		}
	})
}
