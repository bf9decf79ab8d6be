package cmdutil

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/whk-cli/whk/internal/input"
)

// DefaultMaxInput bounds bodies read from files and stdin (--max-body where offered).
const DefaultMaxInput = input.DefaultMaxSize

// readAtMost is input.ReadAll: one bounded read for every command.
func readAtMost(r io.Reader, max int64) ([]byte, error) { return input.ReadAll(r, max) }

// StdinPrompt is said on stderr before a command reads a body from a terminal, which
// otherwise looks hung.
const StdinPrompt = "whk: reading the body from stdin (Ctrl-D to end)"

// Stdin is the reader every command takes stdin's bodies from. On a terminal it says
// StdinPrompt on stderr at the first read, and a Ctrl-C (ctx cancelled) ends the read
// with ErrInterrupted: a read blocked on the terminal would otherwise hold the command
// past the first signal. Elsewhere it is stdin itself (a pipe ends when its writer,
// interrupted too, goes away).
func (f *Factory) Stdin(ctx context.Context) io.Reader {
	ios := f.IOStreams
	if !ios.IsStdinTTY() {
		return ios.In
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &terminalReader{ctx: ctx, r: ios.In, prompt: func() { fmt.Fprintln(ios.ErrOut, StdinPrompt) }}
}

// terminalReader reads in a goroutine so that a cancelled ctx ends a read the
// terminal holds.
type terminalReader struct {
	ctx    context.Context
	r      io.Reader
	once   sync.Once
	prompt func()
}

type readResult struct {
	n   int
	err error
}

func (t *terminalReader) Read(p []byte) (int, error) {
	t.once.Do(t.prompt)
	if t.ctx.Err() != nil {
		return 0, ErrInterrupted
	}
	// The goroutine reads into its own buffer: after an interrupt it may still
	// complete, and p is the caller's again by then.
	buf := make([]byte, len(p))
	done := make(chan readResult, 1)
	go func() {
		n, err := t.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		return copy(p, buf[:res.n]), res.err
	case <-t.ctx.Done():
		return 0, ErrInterrupted
	}
}
