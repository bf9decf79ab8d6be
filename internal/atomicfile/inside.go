package atomicfile

import (
	"fmt"
	"path/filepath"
)

// JoinInside joins dir and name, a slash-separated path relative to dir, and refuses a
// name that would leave dir: absolute, holding "..", empty, or (on Windows) a reserved
// device name. Every file whk writes under a directory the user named (schema --out,
// listen --record) has its path made here, so a name from input (a catalog's provider
// id or event type, a delivery's type) cannot write elsewhere.
func JoinInside(dir, name string) (string, error) {
	local := filepath.FromSlash(name)
	if name == "" || !filepath.IsLocal(local) {
		return "", fmt.Errorf("%q would be written outside %s", name, dir)
	}
	return filepath.Join(dir, local), nil
}
