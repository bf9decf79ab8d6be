package conformance

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBodySnippet: whatever an endpoint answers, the quoted snippet in a detail is one
// short line.
func FuzzBodySnippet(f *testing.F) {
	for _, s := range []string{"", "invalid signature\n", "<html>\r\n<body>500</body>", "\x1b[31mred\x1b[0m", strings.Repeat("é", 100)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := bodySnippet(b)
		if strings.ContainsAny(s, "\r\n\x1b") {
			t.Errorf("snippet %q spans lines or carries escapes", s)
		}
		if utf8.RuneCountInString(s) > 200 {
			t.Errorf("snippet of %d runes", utf8.RuneCountInString(s))
		}
	})
}
