package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/input"
)

// SecretFlags are --secret, --secret-file and $WHK_SECRET, in that order of precedence.
type SecretFlags struct {
	Value string
	File  string
}

// AddSecretFlags registers --secret and --secret-file on cmd.
func AddSecretFlags(cmd *cobra.Command, s *SecretFlags) {
	cmd.Flags().StringVar(&s.Value, "secret", "", "signing secret or token (prefer --secret-file or $WHK_SECRET: flags show up in shell history)")
	cmd.Flags().StringVar(&s.File, "secret-file", "", "read the secret from `PATH` (one trailing newline is ignored)")
}

// Secret is a resolved secret and where it came from (for messages that must not show it).
type Secret struct {
	Bytes  []byte
	Source string
}

// maxSecretFile bounds --secret-file: a secret is a line, and /dev/zero must not be read
// without end.
const maxSecretFile = 64 << 10

// ErrNoSecret means no secret was given by any of the three ways.
var ErrNoSecret = errors.New("no secret given")

// Resolve returns the first secret set: --secret, --secret-file, $WHK_SECRET.
// A secret file loses one trailing "\n" or "\r\n" and nothing else.
func (s *SecretFlags) Resolve(getenv func(string) string) (*Secret, error) {
	switch {
	case s.Value != "":
		return &Secret{Bytes: []byte(s.Value), Source: "--secret"}, nil
	case s.File != "":
		b, err := input.ReadFile(s.File, maxSecretFile)
		if err != nil {
			// The value is not quoted: a secret given by mistake where its path belongs
			// would otherwise be printed.
			return nil, WithHint(fmt.Errorf("cannot read the --secret-file: %s", reason(err)), "--secret-file takes the path of a file that holds the secret; to give the secret itself set $WHK_SECRET")
		}
		if bytes.HasSuffix(b, []byte("\r\n")) {
			b = b[:len(b)-2]
		} else if bytes.HasSuffix(b, []byte("\n")) {
			b = b[:len(b)-1]
		}
		return &Secret{Bytes: b, Source: "--secret-file " + s.File}, nil
	case getenv("WHK_SECRET") != "":
		return &Secret{Bytes: []byte(getenv("WHK_SECRET")), Source: "$WHK_SECRET"}, nil
	}
	return nil, ErrNoSecret
}

// reason is why an os call failed, without the path it was given.
func reason(err error) string {
	var pe *os.PathError
	var big *input.TooLargeError
	switch {
	case errors.As(err, &pe):
		return pe.Err.Error()
	case errors.As(err, &big):
		return big.Error()
	}
	return "unreadable"
}

// unwrapPath keeps the path and reason of an os error, without Go's "open" verb noise.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %s", pe.Path, strings.TrimPrefix(pe.Err.Error(), "open "))
	}
	return err
}

// ReadInput reads a whole file, or stdin for "-" or "" (through Stdin: a prompt on a
// terminal, and Ctrl-C ends the read), as a usage error when unreadable.
func ReadInput(ctx context.Context, f *Factory, path string, max int64) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if path == "" || path == "-" {
		b, err = readAtMost(f.Stdin(ctx), max)
		if errors.Is(err, ErrInterrupted) {
			return nil, ErrInterrupted
		}
		if err != nil {
			return nil, WithHint(fmt.Errorf("cannot read stdin: %w", err), "")
		}
		return b, nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, Usagef("%s is a directory, not a file", path)
	}
	b, err = input.ReadFile(path, max)
	var big *input.TooLargeError
	if err != nil && !errors.As(err, &big) {
		return nil, WithHint(fmt.Errorf("cannot read %w", unwrapPath(err)), "check the path")
	}
	if err != nil {
		return nil, WithHint(fmt.Errorf("cannot read %s: %w", path, err), "")
	}
	return b, nil
}
