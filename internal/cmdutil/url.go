package cmdutil

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// HTTPURL reads the value of a flag that names an endpoint (--to, --forward-to). A value
// without a scheme means http://, as `stripe listen --forward-to localhost:3000` does;
// anything but an http(s) URL with a host is a usage error naming the flag.
func HTTPURL(flag, value string) (string, error) {
	s := value
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", WithHint(fmt.Errorf("%s %q is not an http(s) URL", flag, value), "for example http://127.0.0.1:8080/hooks")
	}
	return s, nil
}

// ListenAddr reads --addr: host:port as given, or a bare port number meaning that port
// on the loopback interface (the safe default), so --addr 8080 never opens the port to
// the network.
func ListenAddr(value, loopbackHost string) string {
	if value != "" && strings.Trim(value, "0123456789") == "" {
		return net.JoinHostPort(loopbackHost, value)
	}
	return value
}
