package cmdutil

import (
	"fmt"
	"io"
)

// DefaultMaxInput bounds bodies read from files and stdin (--max-body where offered).
const DefaultMaxInput = 10 << 20

func readAtMost(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxInput
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("input is larger than %d bytes", max)
	}
	return b, nil
}
