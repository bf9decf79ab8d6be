// Package iostreams holds the process's standard streams and makes the one decision
// about terminals and colour that every command follows.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	colour    bool
}

// Env reads an environment variable; tests pass a map-backed one.
type Env func(string) string

// System returns the process's streams, with colour decided from the terminal and env.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.colour = DecideColour(s.stdoutTTY, os.Getenv)
	return s
}

// Test returns in-memory streams: no terminal, no colour.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// DecideColour applies, in order: NO_COLOR (any value) turns colour off;
// CLICOLOR_FORCE (non-empty, not "0") turns it on; CLICOLOR=0 turns it off; otherwise
// colour follows whether stdout is a terminal.
func DecideColour(tty bool, env Env) bool {
	if env("NO_COLOR") != "" {
		return false
	}
	if f := env("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	if env("CLICOLOR") == "0" {
		return false
	}
	return tty
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// TerminalWidth is the width in columns of the terminal stdout writes to, or 0 when
// stdout is not a terminal or its size is unknown.
func (s *IOStreams) TerminalWidth() int {
	f, ok := s.Out.(*os.File)
	if !s.stdoutTTY || !ok {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColourEnabled reports whether output to stdout may carry colour.
func (s *IOStreams) ColourEnabled() bool { return s.colour }

// SetStdoutTTY overrides terminal detection (tests, golden renderings).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetColour overrides the colour decision (--no-color, --json, tests).
func (s *IOStreams) SetColour(on bool) { s.colour = on }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
