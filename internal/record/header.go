package record

import (
	"fmt"
	"strings"
)

// ParseHeaderLine reads one header written as 'Name: value' (verify's -H). The name must
// be an HTTP token; the value loses surrounding spaces and tabs and may not hold a line
// break or NUL, so one line cannot smuggle in a second header.
func ParseHeaderLine(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("header %q is not 'Name: value'", truncate(s, 40))
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return "", "", fmt.Errorf("header name %q is not a valid HTTP header name", truncate(name, 40))
		}
	}
	value = strings.Trim(value, " \t")
	if strings.ContainsAny(value, "\r\n\x00") {
		return "", "", fmt.Errorf("the value of header %s holds a line break or NUL", name)
	}
	return name, value, nil
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// truncate keeps an error message short when the input is long.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
