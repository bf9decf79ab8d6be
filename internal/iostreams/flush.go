package iostreams

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// FlushingWriter buffers output and flushes it every interval and on Close: one write
// per line would cost a system call per delivery, yet lines should still appear
// promptly when deliveries are slow (--rate).
type FlushingWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// NewFlushingWriter buffers w and flushes it every interval until Close.
func NewFlushingWriter(w io.Writer, every time.Duration) *FlushingWriter {
	fw := &FlushingWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(fw.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-fw.stop:
				return
			case <-t.C:
				fw.mu.Lock()
				fw.w.Flush()
				fw.mu.Unlock()
			}
		}
	}()
	return fw
}

// Write buffers p.
func (fw *FlushingWriter) Write(p []byte) (int, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.w.Write(p)
}

// Close stops the ticker and flushes what is left.
func (fw *FlushingWriter) Close() error {
	close(fw.stop)
	<-fw.done
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.w.Flush()
}
