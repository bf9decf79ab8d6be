package netaddr

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		name string
		addr string
		want bool
	}{
		{"IPv4 loopback", "127.0.0.1", true},
		{"IPv4 loopback with port", "127.0.0.1:8080", true},
		{"anywhere in 127.0.0.0/8", "127.255.3.4:80", true},
		{"IPv6 loopback", "::1", true},
		{"IPv6 loopback in brackets", "[::1]", true},
		{"IPv6 loopback with port 0", "[::1]:0", true},
		{"IPv6 loopback written out", "[0:0:0:0:0:0:0:1]:80", true},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]:80", true},
		{"localhost", "localhost", true},
		{"localhost with port", "localhost:0", true},
		{"localhost with its final dot", "localhost.:8080", true},
		{"localhost in capitals", "LocalHost", true},
		{"unspecified IPv4 binds everything", "0.0.0.0:8080", false},
		{"unspecified IPv6 binds everything", "[::]:8080", false},
		{"empty host binds everything", ":8080", false},
		{"empty", "", false},
		{"private address", "192.168.1.2:80", false},
		{"a name that starts like loopback", "127.example.com", false},
		{"a name under localhost is not resolved", "app.localhost:80", false},
		{"a name that ends like localhost", "notlocalhost", false},
		{"zoned IPv6 loopback is not taken on trust", "[::1%eth0]:80", false},
		{"other names", "example.com:443", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsLoopback(tt.addr); got != tt.want {
				t.Errorf("IsLoopback(%q) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}
