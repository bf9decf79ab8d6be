package delivery

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"github.com/whk-cli/whk/internal/input"
)

// file reads one file's deliveries. A regular *.ndjson or *.jsonl file is read line by
// line, each line bounded by maxSize rather than the whole file, as validate reads it:
// a log that `whk listen --record FILE.ndjson` appends to all day outgrows any bound on
// a file. A line that is not whole (the log is being written) is one bad item.
func (l *loader) file(path string, regular bool, maxSize int64) {
	if !regular || !input.IsStreamName(path) {
		b, err := input.ReadFile(path, maxSize)
		l.add(path, b, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		l.bad(path, unwrapPathErr(err))
		return
	}
	defer f.Close()
	if maxSize <= 0 {
		maxSize = input.DefaultMaxSize
	}
	lr := input.NewLineReader(f, int(maxSize))
	for {
		line, n, tooLong, err := lr.Next()
		source := path + ":" + strconv.Itoa(n)
		switch {
		case err == io.EOF:
			return
		case err != nil:
			l.bad(source, err)
			return
		case tooLong:
			l.bad(source, &input.TooLargeError{Max: maxSize})
		default:
			if t := bytes.TrimSpace(line); len(t) > 0 {
				// The line's bytes are the reader's until the next line: an item keeps
				// a plain body as it is.
				l.json(source, bytes.Clone(t))
			}
		}
	}
}
