package listener

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/record"
)

// Records land in the directory, whatever provider and type a delivery claims, and the
// directory is the owner's only: its file names reveal times, providers and types.
func TestRecorderStaysInsideItsDirectory(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "rec")
	rec, err := NewDirRecorder(dir, 1, func(err error) { t.Errorf("a record failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	claims := []struct{ provider, typ string }{
		{"clment", "../../../PWNED"},
		{"../../x", "review.completed"},
		{"..", ".."},
		{"/etc", "/passwd"},
		{`..\..\x`, "a\x00b\nc"},
		{"", strings.Repeat("../", 400)},
	}
	for _, c := range claims {
		r := &record.Record{Kind: "delivery", ReceivedAt: time.Now(), Provider: c.provider, Type: c.typ}
		line, _ := r.Marshal()
		if st := rec.Write(r, line); st.Status != record.StoredWritten {
			t.Errorf("record of %q %q: %s %s", c.provider, c.typ, st.Status, st.Error)
		}
	}
	written, err := rec.Close()
	if err != nil || written != len(claims) {
		t.Fatalf("written %d, %v", written, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(claims) {
		t.Fatalf("%d files in %s, want %d", len(entries), dir, len(claims))
	}
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(path) != dir {
			t.Errorf("wrote %s outside %s", path, dir)
		}
		return nil
	})
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("record directory has mode %v, want the owner's only", perm)
	}
}
