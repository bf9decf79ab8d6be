//go:build unix

package delivery

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

// A directory is walked as validate walks it: hidden directories, FIFOs and links to
// devices are skipped, not read (a FIFO would hang the load).
func TestLoadItemsSkipsWhatValidateSkips(t *testing.T) {
	dir := t.TempDir()
	body := `{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`
	os.MkdirAll(filepath.Join(dir, ".cache"), 0o755)
	os.WriteFile(filepath.Join(dir, ".cache", "state.json"), []byte(`{"not":"a delivery"}`), 0o600)
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(body), 0o600)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")); err != nil {
		t.Fatal(err)
	}
	items, err := LoadItems(catalog.MustBuiltin(), nil, []string{dir}, nil, 1<<20)
	if err != nil || len(items) != 1 || items[0].Err != nil || items[0].Source != filepath.Join(dir, "a.json") {
		t.Fatalf("items %+v, err %v; want a.json alone", items, err)
	}
}
