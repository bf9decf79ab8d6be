package validation

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/jsonvalue"
)

// locate returns the 1-based line where the value at a JSON pointer starts in data (a
// valid JSON document), or 0 when the pointer does not resolve. It scans the text once
// without decoding values it does not need, and keeps no stack beyond the pointer's
// own depth. With duplicate keys the last one wins, as in decoding.
func locate(data []byte, pointer string) int {
	segs, err := jsonpointer.Split(pointer)
	if err != nil {
		return 0
	}
	l := locator{data: data}
	l.ws()
	pos := l.find(segs)
	if pos < 0 {
		return 0
	}
	line, _ := position(data, pos)
	return line
}

type locator struct {
	data []byte
	i    int
}

// find returns the offset of the value at segs under the value starting at l.i.
func (l *locator) find(segs []string) int {
	if len(segs) == 0 {
		return l.i
	}
	if l.i >= len(l.data) {
		return -1
	}
	switch l.data[l.i] {
	case '{':
		l.i++
		found := -1
		for {
			l.ws()
			if l.i >= len(l.data) || l.data[l.i] == '}' {
				return found
			}
			start := l.i
			if !l.skipString() {
				return found
			}
			var key string
			if json.Unmarshal(l.data[start:l.i], &key) != nil {
				return found
			}
			l.ws()
			if l.i >= len(l.data) || l.data[l.i] != ':' {
				return found
			}
			l.i++
			l.ws()
			if key == segs[0] {
				save := l.i
				if at := l.find(segs[1:]); at >= 0 {
					found = at
				}
				l.i = save
			}
			if !l.skipValue() {
				return found
			}
			l.ws()
			if l.i < len(l.data) && l.data[l.i] == ',' {
				l.i++
			}
		}
	case '[':
		want, ok := jsonpointer.Index(segs[0], math.MaxInt)
		if !ok {
			return -1
		}
		l.i++
		for n := 0; ; n++ {
			l.ws()
			if l.i >= len(l.data) || l.data[l.i] == ']' {
				return -1
			}
			if n == want {
				return l.find(segs[1:])
			}
			if !l.skipValue() {
				return -1
			}
			l.ws()
			if l.i < len(l.data) && l.data[l.i] == ',' {
				l.i++
			}
		}
	}
	return -1
}

func (l *locator) ws() { l.i = jsonvalue.SkipSpace(l.data, l.i) }

// skipString moves past a string starting at l.i.
func (l *locator) skipString() bool {
	if l.i >= len(l.data) || l.data[l.i] != '"' {
		return false
	}
	for j := l.i + 1; j < len(l.data); j++ {
		switch l.data[j] {
		case '\\':
			j++
		case '"':
			l.i = j + 1
			return true
		}
	}
	return false
}

// skipValue moves past one value, counting brackets instead of recursing.
func (l *locator) skipValue() bool {
	depth := 0
	for l.i < len(l.data) {
		switch c := l.data[l.i]; c {
		case '"':
			if !l.skipString() {
				return false
			}
			if depth == 0 {
				return true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return true // the end of the parent: a scalar ended here
			}
			depth--
			if depth == 0 {
				l.i++
				return true
			}
		case ',':
			if depth == 0 {
				return true
			}
		default:
			if depth == 0 && bytes.IndexByte([]byte(" \t\r\n"), c) >= 0 {
				return true
			}
		}
		l.i++
	}
	return depth == 0
}

// position is the 1-based line and column (in bytes) of a byte offset.
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}
