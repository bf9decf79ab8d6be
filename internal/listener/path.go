package listener

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// CheckPath refuses a --path that no request can arrive at as given: clients and
// proxies normalise "." and ".." segments and "//" away (so "/../x" prints a URL that
// reaches "/x"), "?" and "#" end the path, '%' escapes are decoded before whk compares,
// and spaces or control characters are not allowed in a URL. A missing leading "/" is
// fine: Listen adds it.
func CheckPath(p string) error {
	if p == "" {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	for _, c := range p {
		if c == '?' || c == '#' || c == '%' || c == '\\' || unicode.IsSpace(c) || !unicode.IsGraphic(c) {
			return fmt.Errorf("--path %q holds %q, which a URL path cannot carry as it is", p, c)
		}
	}
	if clean := path.Clean(p); clean != strings.TrimSuffix(p, "/") && clean != p {
		return fmt.Errorf("--path %q is not a clean path: clients send it as %q", p, clean)
	}
	return nil
}
