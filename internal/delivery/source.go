package delivery

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
)

// Item is one delivery of a replay set, as read from its source.
type Item struct {
	// Source says where the item came from: "clment review.completed" for a built-in
	// example, a path, or path:line for NDJSON.
	Source   string
	Provider *catalog.Provider
	Body     []byte
	// Headers are the recorded request headers (records and raw HTTP captures only).
	Headers http.Header
}

// Recorded reports whether the item carries the headers it was received with, so it
// can be sent byte for byte (--keep-signature).
func (it Item) Recorded() bool { return it.Headers != nil }

// BuiltinItems are the catalog examples of every event of p, in catalog order (the
// generated fixtures/ hold the same examples, pretty-printed).
func BuiltinItems(p *catalog.Provider) []Item {
	items := make([]Item, 0, len(p.Events))
	for _, e := range p.Events {
		items = append(items, Item{Source: p.ID + " " + e.Type, Provider: p, Body: e.Example})
	}
	return items
}

// SourceError is an input replay cannot use or send as asked: unreadable, not JSON,
// provider unknown, no key to sign it (exit 2 in the CLI).
type SourceError struct {
	Source string
	Err    error
}

func (e *SourceError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// LoadItems reads deliveries from files, directories (recursively: *.json, *.ndjson,
// *.jsonl), NDJSON and "-" for stdin. Each JSON value is a delivery record (from
// `whk listen --record` or --json) or a plain body; a file may also be a raw HTTP
// request as captured. listen's {"kind":"ready"} lines are skipped. The provider is
// forced when not nil, else the record's, else detected from headers and body shape.
func LoadItems(cat *catalog.Catalog, forced *catalog.Provider, paths []string, stdin io.Reader, maxSize int64) ([]Item, error) {
	var items []Item
	add := func(source string, b []byte) error {
		got, err := parseItems(cat, forced, source, b)
		items = append(items, got...)
		return err
	}
	for _, path := range paths {
		if path == "-" {
			b, err := readAtMost("stdin", stdin, maxSize)
			if err != nil {
				return nil, err
			}
			if err := add("stdin", b); err != nil {
				return nil, err
			}
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, &SourceError{path, unwrapPathErr(err)}
		}
		if !st.IsDir() {
			b, err := readFile(path, maxSize)
			if err != nil {
				return nil, err
			}
			if err := add(path, b); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(path, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return &SourceError{p, unwrapPathErr(err)}
			}
			if de.IsDir() || !isDeliveryFile(p) {
				return nil
			}
			b, err := readFile(p, maxSize)
			if err != nil {
				return err
			}
			return add(p, b)
		})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

func isDeliveryFile(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".json", ".ndjson", ".jsonl":
		return true
	}
	return false
}

func readFile(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, &SourceError{p, unwrapPathErr(err)}
	}
	defer f.Close()
	return readAtMost(p, f, max)
}

// readAtMost reads all of r, which must hold at most max bytes: a larger input is an
// error, never silently cut short.
func readAtMost(source string, r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, &SourceError{source, err}
	}
	if int64(len(b)) > max {
		return nil, &SourceError{source, fmt.Errorf("larger than %d bytes", max)}
	}
	return b, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var requestLine = regexp.MustCompile(`^[A-Z]+ \S+ HTTP/1\.[01]\r?\n`)

// parseItems reads one file's deliveries: one JSON value, NDJSON, or a raw HTTP request.
func parseItems(cat *catalog.Catalog, forced *catalog.Provider, source string, b []byte) ([]Item, error) {
	if requestLine.Match(b) {
		r, err := record.ParseHTTP(b)
		if err != nil {
			return nil, &SourceError{source, err}
		}
		it, err := itemOf(cat, forced, source, r.Body, r.Headers, "")
		if err != nil {
			return nil, err
		}
		return []Item{it}, nil
	}
	trimmed := bytes.TrimSpace(b)
	if json.Valid(trimmed) {
		it, ok, err := jsonItem(cat, forced, source, trimmed)
		if err != nil || !ok {
			return nil, err
		}
		return []Item{it}, nil
	}
	var items []Item
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), len(b)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		src := source + ":" + strconv.Itoa(n)
		if !json.Valid(line) {
			return nil, &SourceError{src, errors.New("not JSON (want a JSON delivery, NDJSON or a delivery record)")}
		}
		it, ok, err := jsonItem(cat, forced, src, append([]byte(nil), line...))
		if err != nil {
			return nil, err
		}
		if ok {
			items = append(items, it)
		}
	}
	return items, sc.Err()
}

// jsonItem reads one JSON value: a record, a ready line (skipped) or a plain body.
func jsonItem(cat *catalog.Catalog, forced *catalog.Provider, source string, b []byte) (Item, bool, error) {
	if record.IsReady(b) {
		return Item{}, false, nil
	}
	r, err := record.Parse(b)
	switch {
	case errors.Is(err, record.ErrNotRecord):
		it, err := itemOf(cat, forced, source, b, nil, "")
		return it, err == nil, err
	case err != nil:
		return Item{}, false, &SourceError{source, err}
	}
	h := r.Headers
	if h == nil {
		h = http.Header{}
	}
	it, err := itemOf(cat, forced, source, r.Body, h, r.Provider)
	return it, err == nil, err
}

func itemOf(cat *catalog.Catalog, forced *catalog.Provider, source string, body []byte, h http.Header, recorded string) (Item, error) {
	it := Item{Source: source, Body: body, Headers: h, Provider: forced}
	if it.Provider != nil {
		return it, nil
	}
	if recorded != "" {
		if p, err := cat.Provider(recorded); err == nil {
			it.Provider = p
			return it, nil
		}
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return it, &SourceError{source, fmt.Errorf("the body is not JSON: %w", err)}
	}
	p, err := cat.Detect(h, doc)
	if err != nil {
		return it, &SourceError{source, err}
	}
	it.Provider = p
	return it, nil
}
