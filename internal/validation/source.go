package validation

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/record"
)

// DefaultMaxSize bounds a whole file and one NDJSON line (10 MiB, listen's --max-body).
const DefaultMaxSize = input.DefaultMaxSize

// PathError is a path named on the command line that cannot be read.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string {
	if errors.Is(e.Err, fs.ErrNotExist) {
		return fmt.Sprintf("%s: no such file or directory", e.Path)
	}
	if errors.Is(e.Err, fs.ErrPermission) {
		return fmt.Sprintf("%s: permission denied", e.Path)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *PathError) Unwrap() error { return e.Err }

// checkPaths makes sure every path named on the command line exists, before anything
// is checked, so a typo fails fast.
func checkPaths(paths []string) error {
	stdin := 0
	for _, p := range paths {
		if p == "-" {
			if stdin++; stdin > 1 {
				return &PathError{"-", errors.New("stdin named twice")}
			}
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return &PathError{p, err}
		}
	}
	return nil
}

// tooLarge is the problem of a whole file over the limit.
func tooLarge(max int64) string {
	return (&input.TooLargeError{Max: max}).Error() + " (name it .ndjson if it holds one delivery per line)"
}

// fileItems splits a whole file into items: one, one per line when the file turns
// out to be NDJSON, or one per entry of a HAR capture (at the line the entry starts).
func fileItems(source string, data []byte) []Item {
	switch input.Sniff(data) {
	case input.Lines:
	case input.HAR:
		return harItems(source, data)
	default:
		return []Item{{Source: source, Data: data}}
	}
	lines := input.SplitLines(data)
	items := make([]Item, len(lines))
	for i, l := range lines {
		items[i] = Item{Source: source, Line: l.N, Data: l.Data}
	}
	return items
}

// harItems are the entries of a HAR capture: the delivery each request is, or the
// reason it is not one (a GET without a body fails as an item, as replay counts it).
func harItems(source string, data []byte) []Item {
	entries, err := record.ParseHAR(data)
	if err != nil {
		return []Item{{Source: source, fail: err.Error()}}
	}
	items := make([]Item, len(entries))
	for i, e := range entries {
		items[i] = Item{Source: source, Line: e.Line, rec: e.Record}
		if e.Err != nil {
			items[i].fail = fmt.Sprintf("HAR entry %d: %v", e.N, e.Err)
		}
	}
	return items
}
