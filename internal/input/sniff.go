package input

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// Kind is what a file holds, as Sniff tells it.
type Kind int

const (
	// Document is one JSON value, maybe pretty-printed, or bytes that are not JSON.
	Document Kind = iota
	// Lines is NDJSON: one JSON value per line, such as `whk listen --json` output.
	Lines
	// HTTPRequest is a raw HTTP/1.x request as captured: request line, headers, body.
	HTTPRequest
	// HAR is a HAR capture (browsers' dev tools, proxies, listen --record FILE.har):
	// a JSON object whose first member is "log", an object.
	HAR
)

var requestLine = regexp.MustCompile(`^[A-Z]+ \S+ HTTP/1\.[01]\r?\n`)

// Sniff tells what a whole file holds from its first line: a request line makes an
// HTTP request; an object that opens with a "log" member makes a HAR; a JSON value alone on the first line with more lines after makes NDJSON;
// anything else is one document (whose check then reports what is wrong with it).
func Sniff(data []byte) Kind {
	if len(data) > 0 && data[0] >= 'A' && data[0] <= 'Z' && requestLine.Match(data) {
		return HTTPRequest
	}
	if opensWithLog(data) {
		return HAR
	}
	i := bytes.IndexByte(data, '\n')
	if i < 0 || len(bytes.TrimSpace(data[i+1:])) == 0 {
		return Document
	}
	first := bytes.TrimSpace(data[:i])
	if len(first) > 0 && json.Valid(first) {
		return Lines
	}
	return Document
}

// Line is one non-blank line of an NDJSON file.
type Line struct {
	// N is the 1-based line number.
	N int
	// Data is the line without its line ending; it points into the file's bytes.
	Data []byte
}

// SplitLines splits NDJSON into its non-blank lines.
func SplitLines(data []byte) []Line {
	var out []Line
	n := 0
	for len(data) > 0 {
		n++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		out = append(out, Line{N: n, Data: bytes.TrimRight(l, "\r")})
	}
	return out
}

// opensWithLog says whether data begins, after white space, with {"log":{, the one
// member HAR 1.2 defines at the top. It looks at a few bytes only: validate sniffs every file.
func opensWithLog(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	data = bytes.TrimLeft(data[1:], " \t\r\n")
	if !bytes.HasPrefix(data, []byte(`"log"`)) {
		return false
	}
	data = bytes.TrimLeft(data[len(`"log"`):], " \t\r\n")
	if len(data) == 0 || data[0] != ':' {
		return false
	}
	data = bytes.TrimLeft(data[1:], " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}
