package listener

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"testing"

	"github.com/whk-cli/whk"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/validation"
)

// sameBytes is one body as it arrives: its bytes and the request headers beside them.
type sameBytes struct {
	name   string
	body   string
	header http.Header
}

// hostileBodies are the bodies on which listen and validate once disagreed, and the
// kinds of bytes a sender gets wrong.
func hostileBodies(t *testing.T) []sameBytes {
	example := func(pid, typ string) string {
		e, err := provider(t, pid).Event(typ)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, e.Example); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	review := example("clment", "review.completed")
	oneflow := func(types ...string) string {
		var evs []string
		for i, ty := range types {
			evs = append(evs, `{"created_time":"2020-07-06T15:14:14+0000","id":`+string(rune('1'+i))+`,"type":"`+ty+`"}`)
		}
		return `{"contract":{"id":101},"callback_id":"eaf85099","events":[` + strings.Join(evs, ",") + `],"signature":"00"}`
	}
	stdwh := `{"type":"invoice.paid","timestamp":"2026-06-16T14:32:08Z","data":{"id":"in_1"}}`
	stdwhHeader := http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {"1781620328"}, "Webhook-Signature": {"v1,AAAA"}}
	return []sameBytes{
		{"invalid UTF-8 in a string", strings.Replace(review, `"Dana Lee"`, "\"Dana \xffLee\"", 1), nil},
		{"a byte order mark", "\xef\xbb\xbf" + review, nil},
		{"standard webhooks with its headers", stdwh, stdwhHeader},
		{"standard webhooks without headers", stdwh, nil},
		{"oneflow, two known events", oneflow("contract:publish", "participant:create"), nil},
		{"oneflow, a known and an unknown event", oneflow("contract:publish", "contract:teleport"), nil},
		{"oneflow, only unknown events", oneflow("contract:teleport", "contract:vanish"), nil},
		{"unknown fields", strings.Replace(review, `"payload":{`, `"extra":1,"payload":{"more":true,`, 1), nil},
		{"unknown type", strings.Replace(review, `"review.completed"`, `"review.exploded"`, 1), nil},
		{"unknown type and a broken envelope", strings.Replace(strings.Replace(review, `"review.completed"`, `"review.exploded"`, 1), `"organizationId":"org_a1b2c3"`, `"organizationId":7`, 1), nil},
		{"schema violation", strings.Replace(review, `"findingCount":14`, `"findingCount":"many"`, 1), nil},
		{"not JSON", "not json\n", nil},
		{"not JSON, signed as clment", "not json\n", http.Header{"X-Clment-Signature": {"sha256=00"}}},
		{"empty", "", nil},
		{"whitespace", " \r\n\t", nil},
		{"a NUL byte", "{\"id\":\"\x00\"}", nil},
		{"nested 100,000 levels deep", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), nil},
		{"a number out of range", strings.Replace(review, `"findingCount":14`, `"findingCount":1e400`, 1), nil},
		{"a number of 400 digits", strings.Replace(review, `"findingCount":14`, `"findingCount":1`+strings.Repeat("0", 400), 1), nil},
		{"a JSON array", `[` + review + `]`, nil},
		{"no provider matches", `{"hello":"world"}`, nil},
		{"truncated", review[:len(review)/2], nil},
	}
}

// Listen and validate give the same bytes the same verdict: status, provider, types
// and the pointers of every error and warning. Each body goes through listen's handler
// and through validate twice: as a file (when it came without headers, as a file
// does) and as the record listen wrote of it.
func TestListenAndValidateAgree(t *testing.T) {
	var cases []sameBytes
	err := fs.WalkDir(whk.Generated, "fixtures", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(whk.Generated, p)
		cases = append(cases, sameBytes{name: p, body: string(b)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d fixtures found", len(cases))
	}
	cases = append(cases, hostileBodies(t)...)

	ch := make(chan Event, 1)
	l, err := Listen(Config{Addr: "127.0.0.1:0", Catalog: cat, Events: ch})
	if err != nil {
		t.Fatal(err)
	}
	defer l.ln.Close()
	check := validation.NewChecker(validation.Options{Catalog: cat})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", io.NopCloser(strings.NewReader(tc.body)))
			for k, v := range tc.header {
				r.Header[k] = v
			}
			r.ContentLength = int64(len(tc.body))
			l.serveHTTP(&nopWriter{h: http.Header{}}, r)
			d := (<-ch).(*Delivery)
			listen := listenVerdict(d.Record)

			if tc.header == nil {
				file := check.Check(validation.Item{Source: path.Base(tc.name), Data: []byte(tc.body)})
				if got := validateVerdict(&file, ""); got != listen {
					t.Errorf("validate of the file and listen disagree:\nvalidate %s\nlisten   %s", got, listen)
				}
			}
			// Validate names the record's body field where listen names the body.
			rec := check.Check(validation.Item{Source: "listen.ndjson", Line: 1, Data: d.JSON()})
			if got := validateVerdict(&rec, "/body"); got != listen {
				t.Errorf("validate of listen's record and listen disagree:\nvalidate %s\nlisten   %s", got, listen)
			}
		})
	}
}

// verdictText is a verdict in one comparable line.
func verdictText(status, provider, typ string, errs, warns []string) string {
	return status + " " + provider + " " + typ + " errors[" + strings.Join(errs, " ") + "] warnings[" + strings.Join(warns, " ") + "]"
}

func listenVerdict(rec *record.Record) string {
	pointers := func(ps []record.Problem) (out []string) {
		for _, p := range ps {
			out = append(out, "'"+p.Pointer+"'")
		}
		return out
	}
	return verdictText(rec.Schema.Status, rec.Provider, rec.Type, pointers(rec.Schema.Errors), pointers(rec.Schema.Warnings))
}

// validateVerdict reads r as listenVerdict reads a record; body is the pointer
// validate gives bytes that are not JSON inside a record, which listen gives "".
func validateVerdict(r *validation.Result, body string) string {
	pointers := func(ps []validation.Problem) (out []string) {
		for _, p := range ps {
			ptr := p.Pointer
			if body != "" && ptr == body {
				ptr = ""
			}
			out = append(out, "'"+ptr+"'")
		}
		return out
	}
	return verdictText(r.Status, r.Provider, r.Type, pointers(r.Errors), pointers(r.Warnings))
}

// The verdicts the disagreements were settled on, as listen records them.
func TestListenVerdictsOnceInDispute(t *testing.T) {
	want := map[string]struct {
		status string
		errors []string // pointers
		warns  []string
	}{
		"invalid UTF-8 in a string":             {"invalid", []string{""}, nil},
		"a byte order mark":                     {"valid", nil, []string{""}},
		"standard webhooks with its headers":    {"valid", nil, nil},
		"oneflow, two known events":             {"valid", nil, nil},
		"oneflow, a known and an unknown event": {"unknown-type", []string{"/events/1/type"}, nil},
		"unknown fields":                        {"valid", nil, []string{"/extra", "/payload/more"}},
		"unknown type":                          {"unknown-type", []string{"/type"}, nil},
		"unknown type and a broken envelope":    {"invalid", []string{"/type", "/organizationId"}, nil},
		"nested 100,000 levels deep":            {"invalid", []string{""}, nil},
		"a number out of range":                 {"invalid", []string{""}, nil},
		"not JSON, signed as clment":            {"invalid", []string{""}, nil},
		"oneflow, only unknown events":          {"unknown-type", []string{"/events/0/type", "/events/1/type"}, nil},
		"standard webhooks without headers":     {"invalid", []string{""}, nil},
	}
	ch := make(chan Event, 1)
	l, err := Listen(Config{Addr: "127.0.0.1:0", Catalog: cat, Events: ch})
	if err != nil {
		t.Fatal(err)
	}
	defer l.ln.Close()
	seen := 0
	for _, tc := range hostileBodies(t) {
		w, ok := want[tc.name]
		if !ok {
			continue
		}
		seen++
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", bytes.NewReader([]byte(tc.body)))
		for k, v := range tc.header {
			r.Header[k] = v
		}
		l.serveHTTP(&nopWriter{h: http.Header{}}, r)
		rec := (<-ch).(*Delivery).Record
		got := listenVerdict(rec)
		if exp := verdictText(w.status, rec.Provider, rec.Type, quote(w.errors), quote(w.warns)); got != exp {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, exp)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of %d cases found", seen, len(want))
	}
}

func quote(ptrs []string) (out []string) {
	for _, p := range ptrs {
		out = append(out, "'"+p+"'")
	}
	return out
}
