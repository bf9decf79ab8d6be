// Package record is the delivery record of the CLI contract: what `whk listen` prints
// with --json and writes with --record, and what replay, verify --request and validate
// read back.
package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/jsontree"
)

// Record is one received delivery.
type Record struct {
	Kind       string    `json:"kind"` // "delivery"
	ReceivedAt time.Time `json:"received_at"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	// Route is the listen route that took the delivery (its path as given to --route
	// or in the config file); empty when listen serves one path.
	Route   string      `json:"route,omitempty"`
	Headers http.Header `json:"headers"`
	// Body is the raw body; JSON carries it as base64.
	Body      []byte     `json:"body"`
	Provider  string     `json:"provider,omitempty"`
	Type      string     `json:"type,omitempty"`
	ID        string     `json:"id,omitempty"`
	Duplicate bool       `json:"duplicate"`
	Signature *Signature `json:"signature,omitempty"`
	Schema    *Schema    `json:"schema,omitempty"`
	Response  *Response  `json:"response,omitempty"`
	// Stored says whether listen --record wrote the record to a file. It is set on the
	// NDJSON line only, after the file was written: the file cannot say it about itself.
	Stored *Stored `json:"record,omitempty"`
}

// Stored is the outcome of writing a record file: status "written" with the file's
// name, or "failed" with the reason.
type Stored struct {
	Status string `json:"status"`
	File   string `json:"file,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Values of Stored.Status.
const (
	StoredWritten = "written"
	StoredFailed  = "failed"
)

// Signature is the verdict on the request's signature. Status is one of signing's
// Status words: valid, invalid, unsigned (a key was given but the request carries no
// signature) or unchecked (no key given).
type Signature struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Schema is the verdict on the body (validation.Verdict): valid, invalid or
// unknown-type, with the problems that made it so and warnings that did not (a byte
// order mark, fields the catalog does not know).
type Schema struct {
	Status   string    `json:"status"`
	Errors   []Problem `json:"errors,omitempty"`
	Warnings []Problem `json:"warnings,omitempty"`
}

// Problem is one schema error or warning.
type Problem struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// Response is what whk answered (or what the --forward-to app answered).
type Response struct {
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
	// BodyBase64 holds an answer that is not UTF-8 text, as bytes (base64 in JSON);
	// Body is then empty.
	BodyBase64 []byte `json:"body_base64,omitempty"`
	// Truncated means the app's answer was longer than the record keeps (--max-body):
	// the sender got all of it, the record its first bytes.
	Truncated bool `json:"truncated,omitempty"`
	// DurationMS is how long the --forward-to app took to answer, in milliseconds
	// (microsecond precision); absent when whk answered itself.
	DurationMS float64 `json:"duration_ms,omitempty"`
	// Headers are the app's response headers, kept with listen -v only.
	Headers http.Header `json:"headers,omitempty"`
}

// ForwardFailed starts the 502 answer whk gives in place of a --forward-to app it
// could not reach; the reason follows.
const ForwardFailed = "whk: forwarding to the app failed: "

// Forward is how the --forward-to app answered a delivery, read off its record: the
// app's status (a forwarded answer carries the app's time), "ERR" when whk could not
// reach the app and answered 502 itself, or "" when the delivery was not forwarded.
func (r *Record) Forward() string {
	switch rr := r.Response; {
	case rr == nil:
		return ""
	case rr.DurationMS > 0:
		return strconv.Itoa(rr.Status)
	case rr.Status == http.StatusBadGateway && strings.HasPrefix(rr.Body, ForwardFailed):
		return "ERR"
	}
	return ""
}

// KindDelivery and KindReady are the values of "kind".
const (
	KindDelivery = "delivery"
	KindReady    = "ready"
)

// Redacted replaces the value of a header that carries a secret token.
const Redacted = "[redacted]"

// ErrNotRecord means the JSON is not a delivery record.
var ErrNotRecord = errors.New("not a delivery record")

// Parse reads one record from JSON. It returns ErrNotRecord for other JSON, such as a
// plain delivery body or a {"kind":"ready"} line.
func Parse(b []byte) (*Record, error) {
	var probe struct {
		Kind *string         `json:"kind"`
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.Kind == nil || *probe.Kind != KindDelivery {
		return nil, ErrNotRecord
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("delivery record: %w", err)
	}
	r.Headers = canonical(r.Headers)
	return &r, nil
}

// canonical re-keys headers by their canonical names, as net/http would have: records
// written by hand may spell them in any case, and every reader (verify, validate,
// replay) looks them up with http.Header.Get.
func canonical(h http.Header) http.Header {
	for name := range h {
		if name != http.CanonicalHeaderKey(name) {
			c := make(http.Header, len(h))
			for name, vals := range h {
				for _, v := range vals {
					c.Add(name, v)
				}
			}
			return c
		}
	}
	return h
}

// IsReady reports whether a JSON line is listen's {"kind":"ready"} line.
func IsReady(b []byte) bool {
	var probe struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.Kind == KindReady
}

// Marshal encodes a record as one line of JSON, without a trailing newline.
func (r *Record) Marshal() ([]byte, error) {
	return jsontree.Marshal(r)
}

// ParseHTTP reads a raw HTTP/1.1 request as captured (request line, headers, blank
// line, body). The body is everything after the blank line unless Content-Length says
// less.
func ParseHTTP(b []byte) (*Record, error) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		return nil, fmt.Errorf("not an HTTP request: %w", err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("HTTP request body: %w", err)
	}
	if len(body) == 0 {
		// Captures often lack Content-Length: take what follows the blank line.
		if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
			body = b[i+4:]
		} else if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
			body = b[i+2:]
		}
	}
	return &Record{Kind: KindDelivery, Method: req.Method, Path: req.URL.RequestURI(), Headers: req.Header, Body: body}, nil
}

// ParseRequest reads one request for `whk verify --request`: a delivery record (JSON,
// or the one delivery line of `whk listen --json` output), a raw HTTP/1.1 request, or
// a HAR capture holding one delivery.
func ParseRequest(b []byte) (*Record, error) {
	if IsHAR(b) {
		return ParseHARRequest(b)
	}
	rec, err := Parse(b)
	if err == nil {
		return rec, nil
	}
	if !errors.Is(err, ErrNotRecord) {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var found []*Record
		for _, line := range bytes.Split(t, []byte("\n")) {
			if r, err := Parse(bytes.TrimSpace(line)); err == nil {
				found = append(found, r)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			return nil, errors.New("JSON but not a delivery record")
		}
		return nil, fmt.Errorf("holds %d deliveries; verify one at a time", len(found))
	}
	rec, err = ParseHTTP(b)
	if err != nil {
		return nil, errors.New("neither a delivery record nor an HTTP request")
	}
	return rec, nil
}
