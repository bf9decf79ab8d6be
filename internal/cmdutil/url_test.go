package cmdutil

import "testing"

func TestHTTPURL(t *testing.T) {
	tests := []struct {
		name, value, want, wantErr string
	}{
		{"a full URL is kept", "https://example.test/hooks", "https://example.test/hooks", ""},
		{"host, port and path without a scheme mean http", "localhost:8080/hooks", "http://localhost:8080/hooks", ""},
		{"an address without a scheme means http", "127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"an IPv6 address without a scheme", "[::1]:3000", "http://[::1]:3000", ""},
		{"another scheme is refused", "ftp://x", "", `whk: error: --to "ftp://x" is not an http(s) URL (for example http://127.0.0.1:8080/hooks)`},
		{"no host is refused", "http:///hooks", "", `whk: error: --to "http:///hooks" is not an http(s) URL (for example http://127.0.0.1:8080/hooks)`},
		{"a port alone is no host", ":8080", "", `whk: error: --to ":8080" is not an http(s) URL (for example http://127.0.0.1:8080/hooks)`},
		{"empty is refused", "", "", `whk: error: --to "" is not an http(s) URL (for example http://127.0.0.1:8080/hooks)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTTPURL("--to", tt.value)
			if line := ErrorLine(err); line != tt.wantErr {
				t.Fatalf("error %q, want %q", line, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("HTTPURL(%q) = %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestListenAddr(t *testing.T) {
	for value, want := range map[string]string{
		"8080":           "127.0.0.1:8080",
		"0":              "127.0.0.1:0",
		"127.0.0.1:9000": "127.0.0.1:9000",
		"0.0.0.0:8080":   "0.0.0.0:8080", // spelled out: binds every interface, with listen's warning
		":8080":          ":8080",
		"localhost:1":    "localhost:1",
		"":               "",
	} {
		if got := ListenAddr(value, "127.0.0.1"); got != want {
			t.Errorf("ListenAddr(%q) = %q, want %q", value, got, want)
		}
	}
}
