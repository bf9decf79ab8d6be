package iostreams

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the ticker goroutine and the test may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestFlushingWriterHoldsLinesUntilCloseOrTick(t *testing.T) {
	var slow lockedBuffer
	fw := NewFlushingWriter(&slow, time.Hour)
	fw.Write([]byte("one\n"))
	if got := slow.String(); got != "" {
		t.Fatalf("written before a tick or Close: %q", got)
	}
	if err := fw.Close(); err != nil || slow.String() != "one\n" {
		t.Fatalf("after Close: %q, %v", slow.String(), err)
	}

	var fast lockedBuffer
	fw = NewFlushingWriter(&fast, 5*time.Millisecond)
	defer fw.Close()
	fw.Write([]byte("two\n"))
	deadline := time.Now().Add(5 * time.Second)
	for fast.String() != "two\n" {
		if time.Now().After(deadline) {
			t.Fatalf("no flush within 5s of a 5ms tick: %q", fast.String())
		}
		time.Sleep(time.Millisecond)
	}
}
