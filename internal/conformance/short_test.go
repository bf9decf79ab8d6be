package conformance

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/delivery"
)

func TestShortDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 5 * time.Minute: "5m", 2 * time.Hour: "2h", 90 * time.Second: "1m30s",
		30 * time.Second: "30s", 50 * time.Millisecond: "50ms", 2*time.Hour + 30*time.Minute: "2h30m",
	} {
		if got := delivery.ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

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
