//go:build unix

package listener

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A FIFO named like a log would block the open, then hold nothing: it is refused.
func TestLogRecorderRefusesAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.ndjson")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewRecorder(fifo, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO named like a log: %v", err)
	}
}
