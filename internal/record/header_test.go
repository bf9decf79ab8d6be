package record

import (
	"strings"
	"testing"
)

func TestParseHeaderLine(t *testing.T) {
	tests := []struct {
		in, name, value string
		ok              bool
	}{
		{"X-Clment-Signature: sha256=ab", "X-Clment-Signature", "sha256=ab", true},
		{"webhook-signature:v1,a v1,b", "webhook-signature", "v1,a v1,b", true},
		{"  X-A  :  spaced value \t", "X-A", "spaced value", true},
		{"X-Ironclad-Webhook-Verification: {\"a\":\"b:c\"}", "X-Ironclad-Webhook-Verification", `{"a":"b:c"}`, true},
		{"X-Empty:", "X-Empty", "", true},
		{"no colon", "", "", false},
		{": no name", "", "", false},
		{"Bad Name: v", "", "", false},
		{"X-A: line\r\nX-B: injected", "", "", false},
	}
	for _, tt := range tests {
		name, value, err := ParseHeaderLine(tt.in)
		if (err == nil) != tt.ok || name != tt.name || value != tt.value {
			t.Errorf("ParseHeaderLine(%q) = %q, %q, %v", tt.in, name, value, err)
		}
	}
}

func FuzzParseHeaderLine(f *testing.F) {
	for _, s := range []string{"X-A: b", "a:b:c", ":", "X\x00: y", "X-A: \r\n", "ü: x", "  k  :  v  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, value, err := ParseHeaderLine(s)
		if err != nil {
			return
		}
		if name == "" || strings.ContainsAny(value, "\r\n\x00") || value != strings.Trim(value, " \t") {
			t.Fatalf("accepted %q as %q: %q", s, name, value)
		}
		for i := 0; i < len(name); i++ {
			if !isTokenChar(name[i]) {
				t.Fatalf("name %q", name)
			}
		}
		// What it accepts, written back, reads the same.
		n2, v2, err := ParseHeaderLine(name + ": " + value)
		if err != nil || n2 != name || v2 != value {
			t.Fatalf("round trip of %q: %q %q %v", s, n2, v2, err)
		}
	})
}
