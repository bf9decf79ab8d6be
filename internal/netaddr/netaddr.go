// Package netaddr answers the one question whk asks of a network address without
// resolving it: does it stay on this machine? listen warns when it binds beyond the
// loopback interface, and test when Contract-as-Code would be sent plain HTTP off it.
package netaddr

import (
	"net"
	"net/netip"
	"strings"
)

// IsLoopback reports whether an address names only this machine's loopback interface.
// It takes a host ("127.0.0.1", "::1", "[::1]", "localhost") or a host and port
// ("127.0.0.1:8080", "[::1]:0", ":8080"), as --addr and a URL's host carry them.
//
// The rule is the stricter of the two whk had: an IP address in 127.0.0.0/8 or ::1
// (IPv4-mapped forms included), or the name localhost, in any case and with or without
// its final dot (RFC 6761 keeps it on the loopback). Nothing is resolved, so any other
// name, such as 127.example.com, is not loopback; nor is an empty host or an unspecified
// address (0.0.0.0, ::), which bind every interface.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	} else if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
		host = addr[1 : len(addr)-1]
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}
