package cmdutil

import (
	"io"

	"github.com/whk-cli/whk/internal/input"
)

// DefaultMaxInput bounds bodies read from files and stdin (--max-body where offered).
const DefaultMaxInput = input.DefaultMaxSize

// readAtMost is input.ReadAll: one bounded read for every command.
func readAtMost(r io.Reader, max int64) ([]byte, error) { return input.ReadAll(r, max) }
