// Package cmdutil carries what every command shares: typed errors that map to exit
// codes, and the Factory that hands commands their streams, catalog, HTTP client and clock.
package cmdutil

import (
	"errors"
	"fmt"

	"github.com/whk-cli/whk/internal/render"
)

// Exit codes, as in the CLI contract.
const (
	ExitOK          = 0
	ExitCheckFailed = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// ErrCheckFailed means a check ran and failed (invalid payload, bad signature, delivery
// not acknowledged); the command has already said why on its streams.
var ErrCheckFailed = errors.New("check failed")

// ErrInterrupted means the user pressed Ctrl-C or the process got SIGTERM.
var ErrInterrupted = errors.New("interrupted")

// BatchError is the exit of a command that sends many deliveries: an interrupt
// (130) wins over failed deliveries (1); all acknowledged is success.
func BatchError(interrupted bool, failed int) error {
	switch {
	case interrupted:
		return ErrInterrupted
	case failed > 0:
		return ErrCheckFailed
	}
	return nil
}

// UsageError is a usage or input error (exit 2): unknown flag, provider or event,
// missing secret, unreadable file. Hint, when set, tells the likely fix.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef builds a UsageError from a format string.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// WithHint returns a UsageError with a hint.
func WithHint(err error, hint string) error { return &UsageError{Err: err, Hint: hint} }

// FailedError is a failed check (exit 1) whose message whk still prints as an error line.
type FailedError struct {
	Err  error
	Hint string
}

func (e *FailedError) Error() string { return e.Err.Error() }
func (e *FailedError) Unwrap() error { return e.Err }

// LossError is a failure that stands even when the run was interrupted (exit 1, not
// 130): `whk listen` stopped by Ctrl-C or SIGTERM exits 0 after a clean drain, so
// records or output it lost on the way must not read as a mere interruption.
type LossError struct {
	Err  error
	Hint string
}

func (e *LossError) Error() string { return e.Err.Error() }
func (e *LossError) Unwrap() error { return e.Err }

// ExitCode maps an error returned by a command to the process exit status.
func ExitCode(err error) int {
	var fe *FailedError
	var le *LossError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &le):
		return ExitCheckFailed
	case errors.Is(err, ErrInterrupted):
		return ExitInterrupted
	case errors.Is(err, ErrCheckFailed), errors.As(err, &fe):
		return ExitCheckFailed
	}
	return ExitUsage
}

// ErrorLine formats err as the one line whk prints on stderr, or "" when the command
// has already reported the failure itself. An error may quote input (a scenario's
// reference, a file's line): hidden characters are escaped, so the line stays one line
// and cannot forge output or reach the terminal as a control sequence.
func ErrorLine(err error) string {
	var le *LossError
	if err == nil || !errors.As(err, &le) && (errors.Is(err, ErrCheckFailed) || errors.Is(err, ErrInterrupted)) {
		return ""
	}
	hint := ""
	var ue *UsageError
	var fe *FailedError
	if errors.As(err, &le) {
		hint = le.Hint
	} else if errors.As(err, &ue) {
		hint = ue.Hint
	} else if errors.As(err, &fe) {
		hint = fe.Hint
	}
	line := "whk: error: " + err.Error()
	if hint != "" {
		line += " (" + hint + ")"
	}
	return render.SafeText(line)
}
