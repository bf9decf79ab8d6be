//go:build unix

package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A FIFO or a link to a device named *.json in a catalog directory fails the load,
// naming the file, instead of hanging it or reading without end.
func TestLoadRefusesNonRegularFiles(t *testing.T) {
	for _, tt := range []struct {
		name string
		make func(path string) error
	}{
		{"a FIFO", func(p string) error { return syscall.Mkfifo(p, 0o600) }},
		{"a link to /dev/zero", func(p string) error { return os.Symlink("/dev/zero", p) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.make(filepath.Join(dir, "x.json")); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), "x.json: not a regular file") {
				t.Fatalf("err %v, want x.json: not a regular file", err)
			}
		})
	}
}
