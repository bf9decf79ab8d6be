//go:build unix

package input

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"
)

// /dev/zero never ends: a bounded read stops at the limit.
func TestReadFileDevZero(t *testing.T) {
	var big *TooLargeError
	if _, err := ReadFile("/dev/zero", 1<<10); !errors.As(err, &big) {
		t.Errorf("err %v, want larger than 1 KiB", err)
	}
}

// Opening a FIFO without a writer does not block.
func TestReadFileFIFONoWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(p, 1<<10); done <- err }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ReadFile blocked on a FIFO")
	}
}

// Walk passes regular *.json/*.ndjson/*.jsonl/*.har files, in lexical order, and skips
// hidden directories, other names, FIFOs and links to devices or directories.
func TestWalk(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.json", "a.NDJSON", "c/d.jsonl", "c/e.HAR", ".git/x.json", "c/.cache/y.json", "notes.txt"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("{}"), 0o600)
	}
	syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600)
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.json"))
	os.Symlink(filepath.Join(dir, "b.json"), filepath.Join(dir, "link.json"))
	os.Symlink(filepath.Join(dir, "c"), filepath.Join(dir, "dir.json"))
	var got []string
	Walk(dir, func(p string) bool {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, rel)
		return true
	}, func(p string, err error) bool { t.Errorf("bad %s: %v", p, err); return true })
	want := []string{"a.NDJSON", "b.json", "c/d.jsonl", "c/e.HAR", "link.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walked %q, want %q", got, want)
	}
}
