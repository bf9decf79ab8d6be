package conformance

import (
	"testing"
	"time"
)

func TestShortDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 5 * time.Minute: "5m", 2 * time.Hour: "2h", 90 * time.Second: "1m30s",
		30 * time.Second: "30s", 50 * time.Millisecond: "50ms", 2*time.Hour + 30*time.Minute: "2h30m",
	} {
		if got := short(d); got != want {
			t.Errorf("short(%v) = %q, want %q", d, got, want)
		}
	}
}
