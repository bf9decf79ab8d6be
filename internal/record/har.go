package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/jsontree"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) is how browsers' dev tools
// and proxies (Chrome, Firefox, mitmproxy, Charles) save what they captured: one JSON
// document, {"log":{"version","creator","entries":[...]}}. Each entry's request is a
// delivery; listen --record FILE.har writes its deliveries as entries too, with the
// answer whk gave and whk's verdicts in the "_whk" member (HAR lets tools add members
// whose names begin with "_").

// HAREntry is one entry of a HAR log, as far as whk reads and writes it.
type HAREntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         HARRequest  `json:"request"`
	Response        HARResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         HARTimings  `json:"timings"`
	Whk             *HARVerdict `json:"_whk,omitempty"`
}

// HARRequest is an entry's request.
type HARRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []HARNameValue `json:"cookies"`
	Headers     []HARNameValue `json:"headers"`
	QueryString []HARNameValue `json:"queryString"`
	PostData    *HARPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

// HARNameValue is a header, cookie or query parameter.
type HARNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HARPostData is a request body. HAR 1.2 gives only text; tools that capture binary
// bodies add "encoding":"base64", as HAR does for response content, and whk honours it.
type HARPostData struct {
	MimeType string         `json:"mimeType"`
	Text     *string        `json:"text,omitempty"`
	Encoding string         `json:"encoding,omitempty"`
	Params   []HARNameValue `json:"params,omitempty"`
}

// HARResponse is an entry's response: for listen, the answer whk (or the --forward-to
// app) gave.
type HARResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []HARNameValue `json:"cookies"`
	Headers     []HARNameValue `json:"headers"`
	Content     HARContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

// HARContent is a response body.
type HARContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// HARTimings are the phases of an entry, in milliseconds; HAR requires send, wait and
// receive.
type HARTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HARVerdict is whk's own member of an entry written by listen: what the record says
// beyond the request and the answer.
type HARVerdict struct {
	Provider  string     `json:"provider,omitempty"`
	Type      string     `json:"type,omitempty"`
	ID        string     `json:"id,omitempty"`
	Route     string     `json:"route,omitempty"`
	Duplicate bool       `json:"duplicate"`
	Signature *Signature `json:"signature,omitempty"`
	Schema    *Schema    `json:"schema,omitempty"`
	Truncated bool       `json:"response_truncated,omitempty"`
}

// HAREntryResult is one entry of a HAR file read as a delivery: the record, or why the
// entry is not one (a GET without a body, a body in an unknown encoding).
type HAREntryResult struct {
	// N is the entry's 1-based position in the log, Line the 1-based line it starts on.
	N, Line int
	Record  *Record
	Err     error
}

// ErrNotHAR means the JSON is not a HAR document.
var ErrNotHAR = errors.New("not a HAR document")

// ParseHAR reads every entry of a HAR document. An entry that is not a delivery has
// Err set; the document itself failing to parse (not JSON, cut short, no log.entries
// array) is the error returned, in one line.
func ParseHAR(b []byte) ([]HAREntryResult, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []HAREntryResult
	found := false
	err := harObject(dec, "the document", func(key string) (bool, error) {
		if key != "log" {
			return false, nil
		}
		found = true
		return true, harObject(dec, "log", func(key string) (bool, error) {
			if key != "entries" {
				return false, nil
			}
			var err error
			out, err = harEntries(dec, b)
			return true, err
		})
	})
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: more after the document", ErrNotHAR)
	}
	switch {
	case !found:
		return nil, fmt.Errorf("%w: no \"log\" member", ErrNotHAR)
	case out == nil:
		return nil, fmt.Errorf("%w: log has no \"entries\"", ErrNotHAR)
	}
	return out, nil
}

// harObject reads the object what names, calling member with each key: it reads the
// member's value and says so, or leaves it to be skipped.
func harObject(dec *json.Decoder, what string, member func(key string) (bool, error)) error {
	if err := harOpen(dec, '{', what); err != nil {
		return err
	}
	for dec.More() {
		key, err := harKey(dec)
		if err != nil {
			return err
		}
		read, err := member(key)
		if err != nil {
			return err
		}
		if !read {
			if err := harSkip(dec); err != nil {
				return err
			}
		}
	}
	return harClose(dec)
}

// harEntries reads log.entries.
func harEntries(dec *json.Decoder, b []byte) ([]HAREntryResult, error) {
	if err := harOpen(dec, '[', "log.entries"); err != nil {
		return nil, err
	}
	out := []HAREntryResult{}
	for dec.More() {
		line := lineAt(b, dec.InputOffset())
		var e HAREntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%w: entry %d (line %d): %v", ErrNotHAR, len(out)+1, line, harJSONErr(err))
		}
		r := HAREntryResult{N: len(out) + 1, Line: line}
		r.Record, r.Err = e.Delivery()
		out = append(out, r)
	}
	return out, harClose(dec)
}

// harClose reads the end of an object or array.
func harClose(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%w: %v", ErrNotHAR, harJSONErr(err))
	}
	return nil
}

// lineAt is the 1-based line of the first value after off (the decoder's offset points
// before the separating comma and white space).
func lineAt(b []byte, off int64) int {
	i := int(off)
	for i < len(b) && (b[i] == ',' || b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return 1 + bytes.Count(b[:i], []byte("\n"))
}

// harOpen reads the opening of the object or array (want) that what names.
func harOpen(dec *json.Decoder, want json.Delim, what string) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotHAR, harJSONErr(err))
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		kind := "an object"
		if want == '[' {
			kind = "an array"
		}
		return fmt.Errorf("%w: %s is not %s", ErrNotHAR, what, kind)
	}
	return nil
}

func harKey(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotHAR, harJSONErr(err))
	}
	s, _ := t.(string)
	return s, nil
}

func harSkip(dec *json.Decoder) error {
	var skip json.RawMessage
	if err := dec.Decode(&skip); err != nil {
		return fmt.Errorf("%w: %v", ErrNotHAR, harJSONErr(err))
	}
	return nil
}

func harJSONErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Delivery turns the entry's request into a delivery record: method, the URL's path
// and query, the headers (HTTP/2 pseudo-headers such as :authority left out) and the
// body; for an entry listen wrote, also its verdicts and answer (_whk, response), as
// the record had them. A request without a body is not a delivery.
func (e *HAREntry) Delivery() (*Record, error) {
	q := &e.Request
	u, err := url.Parse(q.URL)
	if err != nil || q.URL == "" {
		return nil, fmt.Errorf("%s request: the URL %q does not parse", q.Method, truncateText(q.URL, 60))
	}
	var body []byte
	if p := q.PostData; p != nil && p.Text != nil {
		switch strings.ToLower(p.Encoding) {
		case "":
			body = []byte(*p.Text)
		case "base64":
			if body, err = base64.StdEncoding.DecodeString(*p.Text); err != nil {
				return nil, fmt.Errorf("%s %s: postData.text is not base64", q.Method, u.Path)
			}
		default:
			return nil, fmt.Errorf("%s %s: postData encoding %q is not one whk knows (base64)", q.Method, u.Path, truncateText(p.Encoding, 20))
		}
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("%s %s has no body: not a delivery", q.Method, truncateText(u.Path, 60))
	}
	h := http.Header{}
	for _, nv := range q.Headers {
		if nv.Name == "" || strings.HasPrefix(nv.Name, ":") {
			continue
		}
		h.Add(nv.Name, nv.Value)
	}
	if h.Get("Content-Type") == "" && q.PostData != nil && q.PostData.MimeType != "" {
		h.Set("Content-Type", q.PostData.MimeType)
	}
	rec := &Record{Kind: KindDelivery, Method: q.Method, Path: u.RequestURI(), Headers: h, Body: body}
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil {
		rec.ReceivedAt = t
	}
	if w := e.Whk; w != nil {
		// Written by listen: the entry says what the record said.
		rec.Provider, rec.Type, rec.ID, rec.Route, rec.Duplicate = w.Provider, w.Type, w.ID, w.Route, w.Duplicate
		rec.Signature, rec.Schema = w.Signature, w.Schema
		if a := e.Response; a.Status != 0 {
			rec.Response = &Response{Status: a.Status, Truncated: w.Truncated}
			for _, nv := range a.Headers {
				if rec.Response.Headers == nil {
					rec.Response.Headers = http.Header{}
				}
				rec.Response.Headers.Add(nv.Name, nv.Value)
			}
			if strings.EqualFold(a.Content.Encoding, "base64") {
				rec.Response.BodyBase64, _ = base64.StdEncoding.DecodeString(a.Content.Text)
			} else {
				rec.Response.Body = a.Content.Text
			}
		}
	}
	return rec, nil
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// NewHAREntry makes the HAR entry of a delivery listen received: the request at
// origin (scheme and host, such as http://127.0.0.1:8080), the answer it got, and
// wait, the time from its arrival to its answer. The record's headers are already
// redacted; so is everything else a record holds.
func NewHAREntry(r *Record, origin string, wait time.Duration) *HAREntry {
	ms := float64(wait.Microseconds()) / 1000
	if ms < 0 || math.IsNaN(ms) {
		ms = 0
	}
	e := &HAREntry{
		StartedDateTime: r.ReceivedAt.UTC().Format(time.RFC3339Nano),
		Time:            ms,
		Timings:         HARTimings{Wait: ms},
		Whk: &HARVerdict{Provider: r.Provider, Type: r.Type, ID: r.ID, Route: r.Route, Duplicate: r.Duplicate,
			Signature: r.Signature, Schema: r.Schema},
	}
	q := &e.Request
	q.Method, q.URL, q.HTTPVersion = r.Method, origin+r.Path, "HTTP/1.1"
	q.Cookies, q.Headers, q.QueryString = []HARNameValue{}, harHeaders(r.Headers), []HARNameValue{}
	if u, err := url.Parse(q.URL); err == nil {
		for _, k := range slices.Sorted(maps.Keys(u.Query())) {
			for _, v := range u.Query()[k] {
				q.QueryString = append(q.QueryString, HARNameValue{k, v})
			}
		}
	}
	q.HeadersSize, q.BodySize = -1, len(r.Body)
	if r.Body != nil {
		q.PostData = &HARPostData{MimeType: r.Headers.Get("Content-Type")}
		text, enc := harText(r.Body)
		q.PostData.Text, q.PostData.Encoding = &text, enc
	}
	p := &e.Response
	p.HTTPVersion, p.Cookies, p.HeadersSize, p.BodySize = "HTTP/1.1", []HARNameValue{}, -1, -1
	p.Headers = []HARNameValue{}
	if a := r.Response; a != nil {
		p.Status, p.StatusText = a.Status, http.StatusText(a.Status)
		p.Headers = harHeaders(a.Headers)
		body := []byte(a.Body)
		if len(a.BodyBase64) > 0 {
			body = a.BodyBase64
		}
		p.BodySize = len(body)
		p.Content = HARContent{Size: len(body), MimeType: a.Headers.Get("Content-Type")}
		p.Content.Text, p.Content.Encoding = harText(body)
		p.RedirectURL = a.Headers.Get("Location")
		e.Whk.Truncated = a.Truncated
		if a.DurationMS > 0 {
			// Forwarded: the app's time is the wait; whk's own is the rest.
			e.Timings.Wait = a.DurationMS
			if e.Time < a.DurationMS {
				e.Time = a.DurationMS
			}
			e.Timings.Send = e.Time - a.DurationMS
		}
	}
	return e
}

// harText is a body as HAR text: as it is when it is UTF-8, else base64.
func harText(b []byte) (text, encoding string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

func harHeaders(h http.Header) []HARNameValue {
	out := []HARNameValue{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, HARNameValue{k, v})
		}
	}
	return out
}

// HARHead and HARTail enclose the entries of a HAR document listen writes: the head,
// then the entries separated by ",\n", then the tail. A writer that appends an entry
// writes it over the tail and the tail again, so the file is a whole document after
// every entry.
func HARHead(version string) []byte {
	creator, _ := json.Marshal(map[string]string{"name": "whk", "version": version})
	return []byte(`{"log":{"version":"1.2","creator":` + string(creator) + `,"entries":[` + "\n")
}

// HARTail closes the document HARHead opens.
const HARTail = "\n]}}\n"

// MarshalHAREntry encodes an entry on one line, without HTML escaping (bodies stay
// readable).
func MarshalHAREntry(e *HAREntry) ([]byte, error) { return jsontree.Marshal(e) }

// IsHAR says whether b is a HAR document, by its opening (input.Sniff).
func IsHAR(b []byte) bool { return input.Sniff(b) == input.HAR }

// ParseHARRequest reads the one delivery of a HAR file for `whk verify --request`:
// entries that are not deliveries (a GET without a body) are passed over, and more
// than one delivery is an error, as for a log of records.
func ParseHARRequest(b []byte) (*Record, error) {
	entries, err := ParseHAR(b)
	if err != nil {
		return nil, err
	}
	var found []*Record
	var first error
	for _, e := range entries {
		if e.Record != nil {
			found = append(found, e.Record)
		} else if first == nil {
			first = fmt.Errorf("entry %d: %w", e.N, e.Err)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(entries) == 0:
		return nil, errors.New("a HAR file with no entries")
	case len(found) == 0:
		return nil, fmt.Errorf("a HAR file with no delivery: %v", first)
	}
	return nil, fmt.Errorf("a HAR file of %d deliveries; verify one at a time", len(found))
}
