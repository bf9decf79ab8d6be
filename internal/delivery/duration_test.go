package delivery

import (
	"testing"
	"time"
)

func TestShortDuration(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero", 0, "0s"},
		{"sub-microsecond rounds to a microsecond", 1499 * time.Nanosecond, "1µs"},
		{"microseconds", 340 * time.Microsecond, "340µs"},
		{"milliseconds drop their microseconds", 12*time.Millisecond + 400*time.Microsecond, "12ms"},
		{"seconds keep a tenth", 1234 * time.Millisecond, "1.2s"},
		{"just under a minute rounds up to one", 59960 * time.Millisecond, "1m"},
		{"minutes keep whole seconds", 2*time.Minute + 3400*time.Millisecond, "2m3s"},
		{"whole minutes", 10 * time.Minute, "10m"},
		{"minute and a half", 90 * time.Second, "1m30s"},
		{"whole hours", 2 * time.Hour, "2h"},
		{"hours and minutes", 2*time.Hour + 30*time.Minute, "2h30m"},
		{"a day of retries", 24 * time.Hour, "24h"},
		{"negative (a clock ahead)", -1234 * time.Millisecond, "-1.2s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShortDuration(tt.d); got != tt.want {
				t.Errorf("ShortDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}
