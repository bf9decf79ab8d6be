//go:build !(linux || darwin)

package atomicfile

import "os"

// writeNamedTemp leaves every write to writeRandomTemp here.
func writeNamedTemp(string, []byte, os.FileMode) (bool, error) { return false, nil }
