package delivery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/input"
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
	// Err says why the item cannot be sent (unreadable, not JSON, provider unknown);
	// replay reports it as a failed delivery and sends the rest.
	Err error
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
// provider unknown, no key to sign it (exit 2 in the CLI when nothing can be sent).
type SourceError struct {
	Source string
	Err    error
}

func (e *SourceError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// LoadItems reads deliveries from files, directories (recursively: *.json, *.ndjson,
// *.jsonl, *.har, skipping hidden directories and anything but regular files, as
// validate does), NDJSON, HAR captures and "-" for stdin. Each JSON value is a delivery record (from
// `whk listen --record` or --json) or a plain body; a file may also be a raw HTTP
// request as captured. listen's {"kind":"ready"} lines are skipped. The provider is
// catalog.ProviderOf's choice. A source that cannot be read or used becomes an item
// with Err set, so one bad recording does not stop the rest; only a path named in
// paths that does not exist is an error.
func LoadItems(cat *catalog.Catalog, forced *catalog.Provider, paths []string, stdin io.Reader, maxSize int64) ([]Item, error) {
	l := &loader{cat: cat, forced: forced}
	if stdin == nil {
		stdin = bytes.NewReader(nil)
	}
	for _, path := range paths {
		if path == "-" {
			b, err := input.ReadAll(stdin, maxSize)
			l.add("stdin", b, err)
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, &SourceError{path, unwrapPathErr(err)}
		}
		if !st.IsDir() {
			l.file(path, st.Mode().IsRegular(), maxSize)
			continue
		}
		input.Walk(path, func(p string) bool {
			l.file(p, true, maxSize)
			return true
		}, func(p string, err error) bool {
			l.bad(p, unwrapPathErr(err))
			return true
		})
	}
	return l.items, nil
}

// loader collects the items of a replay set.
type loader struct {
	cat    *catalog.Catalog
	forced *catalog.Provider
	items  []Item
}

func (l *loader) bad(source string, err error) {
	l.items = append(l.items, Item{Source: source, Err: err})
}

// add reads one file's deliveries: one JSON value, NDJSON, a raw HTTP request, or a
// HAR capture (one item per entry, named by the line it starts on; an entry that is
// not a delivery, such as a GET without a body, is an item that fails alone).
func (l *loader) add(source string, b []byte, err error) {
	if err != nil {
		l.bad(source, unwrapPathErr(err))
		return
	}
	switch input.Sniff(b) {
	case input.HTTPRequest:
		r, err := record.ParseHTTP(b)
		if err != nil {
			l.bad(source, err)
			return
		}
		l.item(source, r.Body, r.Headers, "")
	case input.HAR:
		entries, err := record.ParseHAR(b)
		if err != nil {
			l.bad(source, err)
			return
		}
		for _, e := range entries {
			at := source + ":" + strconv.Itoa(e.Line)
			if e.Err != nil {
				l.bad(at, e.Err)
				continue
			}
			l.item(at, e.Record.Body, e.Record.Headers, e.Record.Provider)
		}
	case input.Lines:
		for _, line := range input.SplitLines(b) {
			l.json(source+":"+strconv.Itoa(line.N), bytes.TrimSpace(line.Data))
		}
	default:
		l.json(source, bytes.TrimSpace(b))
	}
}

// json reads one JSON value: a record, a ready line (skipped) or a plain body.
func (l *loader) json(source string, b []byte) {
	if !json.Valid(b) {
		l.bad(source, errors.New("not JSON (want a JSON delivery, NDJSON or a delivery record)"))
		return
	}
	if record.IsReady(b) {
		return
	}
	r, err := record.Parse(b)
	switch {
	case errors.Is(err, record.ErrNotRecord):
		l.item(source, b, nil, "")
		return
	case err != nil:
		l.bad(source, err)
		return
	}
	l.record(source, r)
}

// RecordItem is the replay item of one delivery record already read (whk inspect sends
// one at a time): its provider chosen as LoadItems chooses it.
func RecordItem(cat *catalog.Catalog, source string, r *record.Record) Item {
	l := loader{cat: cat}
	l.record(source, r)
	return l.items[0]
}

// record adds r; a record always counts as recorded, even one without headers.
func (l *loader) record(source string, r *record.Record) {
	h := r.Headers
	if h == nil {
		h = http.Header{}
	}
	l.item(source, r.Body, h, r.Provider)
}

func (l *loader) item(source string, body []byte, h http.Header, recorded string) {
	it := Item{Source: source, Body: body, Headers: h}
	var doc any
	jsonErr := json.Unmarshal(body, &doc)
	it.Provider, it.Err = l.cat.ProviderOf(l.forced, recorded, h, doc)
	if it.Err != nil && jsonErr != nil {
		it.Err = fmt.Errorf("the body is not JSON: %w", jsonErr)
	}
	l.items = append(l.items, it)
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
