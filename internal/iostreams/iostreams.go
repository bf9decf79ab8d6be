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

	stdinTTY     bool
	stdoutTTY    bool
	stderrTTY    bool
	colour       bool
	stderrColour bool
}

// Env reads an environment variable; tests pass a map-backed one.
type Env func(string) string

// System returns the process's streams, with colour decided from the terminal and env.
func System() *IOStreams {
	s := decide(isTerminal(os.Stdout), isTerminal(os.Stderr), os.Getenv)
	s.stdinTTY = isTerminal(os.Stdin)
	s.In, s.Out, s.ErrOut = os.Stdin, os.Stdout, os.Stderr
	return s
}

// decide makes the terminal and colour decisions for both output streams, once.
func decide(stdoutTTY, stderrTTY bool, env Env) *IOStreams {
	return &IOStreams{
		stdoutTTY:    stdoutTTY,
		stderrTTY:    stderrTTY,
		colour:       DecideColour(stdoutTTY, env),
		stderrColour: DecideColour(stderrTTY, env),
	}
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

// IsStdinTTY reports whether stdin is a terminal: a command reading a body from it
// then says so, or it would look hung.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStdinTTY overrides terminal detection of stdin (tests).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

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

// StderrColourEnabled reports whether progress, warnings and summaries on stderr may
// carry colour: the same policy as stdout's, applied to stderr's own terminal, so
// `whk send … | jq` still colours its stderr summary and CLICOLOR_FORCE forces both.
func (s *IOStreams) StderrColourEnabled() bool { return s.stderrColour }

// SetStdoutTTY overrides terminal detection (tests, golden renderings).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetColour overrides the colour decision for stdout (--json, tests).
func (s *IOStreams) SetColour(on bool) { s.colour = on }

// SetStderrColour overrides the colour decision for stderr (tests).
func (s *IOStreams) SetStderrColour(on bool) { s.stderrColour = on }

// DisableColour turns colour off on both streams (--no-color).
func (s *IOStreams) DisableColour() { s.colour, s.stderrColour = false, false }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
