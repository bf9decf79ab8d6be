package validation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/schema"
	"github.com/whk-cli/whk/internal/schemagen"
)

var cat = catalog.MustBuiltin()

func provider(t testing.TB, id string) *catalog.Provider {
	t.Helper()
	p, err := cat.Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// example returns an event's example, re-encoded after edit changes it.
func example(t testing.TB, prov, typ string, edit func(m map[string]any)) string {
	t.Helper()
	e, err := provider(t, prov).Event(typ)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(e.Example, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func payload(m map[string]any) map[string]any { return m["payload"].(map[string]any) }

func recordOf(t testing.TB, body string, h http.Header) string {
	t.Helper()
	r := &record.Record{Kind: record.KindDelivery, Method: "POST", Path: "/", Headers: h, Body: []byte(body)}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const oneflowTwo = `{"contract":{"id":101},"callback_id":"a","events":[` +
	`{"created_time":"2020-07-06T15:14:14+0000","id":1,"type":"contract:publish"},` +
	`{"created_time":"2020-07-06T15:14:15+0000","id":2,"type":"%s"}],"signature":"s"}`

func TestCheck(t *testing.T) {
	stdwh := provider(t, "standard-webhooks")
	clment := provider(t, "clment")
	tests := []struct {
		name     string
		opts     Options
		data     string
		line     int // NDJSON line; 0 = whole file
		provider string
		typ      string
		valid    bool
		errs     []string // "pointer|message substring|line" of each error, in order
		warns    []string
		skip     bool
	}{
		{name: "clment fixture", data: example(t, "clment", "review.completed", nil),
			provider: "clment", typ: "review.completed", valid: true},
		{name: "missing field points at its object's line",
			data:     example(t, "clment", "review.completed", func(m map[string]any) { delete(payload(m), "findingCount") }),
			provider: "clment", typ: "review.completed", errs: []string{"/payload|missing propert|5"}}, // keys are sorted: id, occurredAt, organizationId, payload, type
		{name: "wrong type", data: example(t, "clment", "review.completed", func(m map[string]any) { payload(m)["reviewNumber"] = "37" }),
			provider: "clment", typ: "review.completed", errs: []string{"/payload/reviewNumber|integer|"}},
		{name: "bad enum", data: example(t, "clment", "user.mentioned", func(m map[string]any) { payload(m)["context"] = "comment" }),
			provider: "clment", typ: "user.mentioned", errs: []string{"/payload/context|value must be one of|"}},
		{name: "bad date-time", data: example(t, "clment", "contract.created", func(m map[string]any) { m["occurredAt"] = "yesterday" }),
			provider: "clment", typ: "contract.created", errs: []string{"/occurredAt|date-time|3"}},
		{name: "unknown field is a warning", data: example(t, "contract-as-code", "test.ping", func(m map[string]any) { m["data"].(map[string]any)["extra"] = 1 }),
			provider: "contract-as-code", typ: "test.ping", valid: true, warns: []string{`/data/extra|field "extra" is not in the catalog|`}},
		{name: "unknown field fails with --strict", opts: Options{Strict: true},
			data:     example(t, "contract-as-code", "test.ping", func(m map[string]any) { m["more"] = true }),
			provider: "contract-as-code", typ: "test.ping", errs: []string{`/more|field "more"|`}},
		{name: "unknown event type fails",
			data:     example(t, "clment", "review.completed", func(m map[string]any) { m["type"] = "review.completed.v2" }),
			provider: "clment", typ: "review.completed.v2", errs: []string{`/type|unknown event type "review.completed.v2"|15`}},
		{name: "unknown event type passes with --allow-unknown-types", opts: Options{AllowUnknownTypes: true},
			data:     example(t, "clment", "review.completed", func(m map[string]any) { m["type"] = "review.completed.v2" }),
			provider: "clment", typ: "review.completed.v2", valid: true, warns: []string{"/type|checked against the envelope only|"}},
		{name: "missing event type", data: example(t, "clment", "review.completed", func(m map[string]any) { delete(m, "type") }),
			provider: "clment", errs: []string{"|missing propert|1"}},
		{name: "oneflow with two known events", data: fmt.Sprintf(oneflowTwo, "contract:sign"), line: 7,
			provider: "oneflow", typ: "contract:publish,contract:sign", valid: true},
		{name: "oneflow with one unknown event", data: fmt.Sprintf(oneflowTwo, "contract:teleport"), line: 7,
			provider: "oneflow", typ: "contract:publish,contract:teleport", errs: []string{`/events/1/type|unknown event type "contract:teleport"|7`}},
		{name: "ironclad type inside the payload", data: example(t, "ironclad", "workflow_launched", nil),
			provider: "ironclad", typ: "workflow_launched", valid: true},
		{name: "cm-sign", data: example(t, "cm-sign", "dossier.prepared", nil), provider: "cm-sign", typ: "dossier.prepared", valid: true},
		{name: "no provider matches", data: `{"hello":"world"}`, errs: []string{"|no provider's envelope matches|1"}},
		{name: "two providers match", data: `{"occurredAt":"x","organizationId":"o","payload":{},"created":"x","dossier":{}}`,
			errs: []string{"|cannot tell the provider apart: the body matches clment, cm-sign|"}},
		{name: "-p forces the provider", opts: Options{Provider: stdwh},
			data: `{"type":"invoice.paid","timestamp":"2026-01-01T00:00:00Z","data":{"x":1}}`, provider: "standard-webhooks", typ: "invoice.paid", valid: true},
		{name: "--type forces the event", opts: Options{Provider: clment, Type: "review.assigned"},
			data:     example(t, "clment", "review.completed", nil),
			provider: "clment", typ: "review.assigned", errs: []string{"/payload|missing propert|5", "/type|review.assigned|15"},
			warns: []string{`/payload/completedAt|not in the catalog|6`, "/payload/completedByUserId||", "/payload/completedByUserName||", "/payload/findingCount||", "/payload/overallRisk||"}},
		{name: "--type unknown for the detected provider", opts: Options{Type: "nope"},
			data: example(t, "clment", "review.completed", nil), provider: "clment", typ: "nope", errs: []string{`|unknown event type "nope" for clment|1`}},
		{name: "delivery record: the body is checked", line: 2,
			data:     recordOf(t, example(t, "clment", "review.completed", func(m map[string]any) { delete(payload(m), "reviewId") }), http.Header{"X-Clment-Signature": {"sha256=00"}}),
			provider: "clment", typ: "review.completed", errs: []string{"/payload|reviewId|2"}},
		{name: "delivery record: headers detect the provider",
			data:     recordOf(t, `{"type":"invoice.paid","timestamp":"2026-01-01T00:00:00Z","data":{}}`, http.Header{"Webhook-Signature": {"v1,abc"}, "Webhook-Id": {"msg_1"}}),
			provider: "standard-webhooks", typ: "invoice.paid", valid: true},
		{name: "delivery record with a broken body",
			data: recordOf(t, `{"type":`, nil), errs: []string{"/body|recorded body: malformed JSON|"}},
		{name: "listen's ready line is skipped", line: 1, data: `{"kind":"ready","url":"http://127.0.0.1:8080/"}`, skip: true},
		{name: "malformed JSON in a file", data: "{\n  \"id\": 1,,\n}", errs: []string{"|malformed JSON: invalid character ',' looking for beginning of object key string (line 2, column 11)|2"}},
		{name: "malformed JSON on an NDJSON line", line: 9, data: `{"id":1,,}`, errs: []string{"|malformed JSON: invalid character ',' looking for beginning of object key string (column 9)|9"}},
		{name: "truncated JSON", data: `{"id":`, errs: []string{"|malformed JSON: unexpected end of input (line 1, column 7)|1"}},
		{name: "empty file", data: "", errs: []string{"|empty: no JSON value|0"}},
		{name: "whitespace only", data: " \n\t\n", errs: []string{"|empty: no JSON value|0"}},
		{name: "binary data", data: "\x1f\x8b\x08\x00\x00", errs: []string{"|binary data, not JSON: a NUL byte (line 1, column 4)|1"}},
		{name: "invalid UTF-8", data: "{\"id\":\n\"caf\xe9\"}", errs: []string{"|invalid UTF-8 (line 2, column 5)|2"}},
		{name: "nested 100,000 levels deep", data: strings.Repeat("[", 100000) + strings.Repeat("]", 100000), errs: []string{"|nested more than 10000 levels deep|1"}},
		{name: "a number out of range", data: `{"n":1e400}`, errs: []string{"|number 1e400 is out of range|1"}},
		{name: "a byte order mark is a warning", data: "\xef\xbb\xbf" + example(t, "clment", "review.completed", nil),
			provider: "clment", typ: "review.completed", valid: true, warns: []string{"|byte order mark|1"}},
		{name: "a JSON array is not a delivery", data: `[1,2]`, errs: []string{"|no provider's envelope matches|1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Catalog = cat
			r := NewChecker(tt.opts).Check(Item{Source: "in.json", Line: tt.line, Data: []byte(tt.data)})
			if r.skip != tt.skip {
				t.Fatalf("skip = %v, want %v", r.skip, tt.skip)
			}
			if tt.skip {
				return
			}
			if r.Provider != tt.provider || r.Type != tt.typ {
				t.Errorf("provider %q type %q, want %q %q", r.Provider, r.Type, tt.provider, tt.typ)
			}
			if r.Valid() != (tt.valid || len(tt.errs) == 0) {
				t.Errorf("valid = %v: %+v", r.Valid(), r.Errors)
			}
			match(t, "error", r.Errors, tt.errs)
			match(t, "warning", r.Warnings, tt.warns)
		})
	}
}

// match compares problems with "pointer|message substring|line" patterns (an empty line
// part matches any line).
func match(t *testing.T, what string, got []Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d %ss, want %d: %+v", len(got), what, len(want), got)
	}
	for i, w := range want {
		parts := strings.SplitN(w, "|", 3)
		g := got[i]
		if g.Pointer != parts[0] || !strings.Contains(g.Message, parts[1]) || (parts[2] != "" && parts[2] != fmt.Sprint(g.Line)) {
			t.Errorf("%s %d = %q %q line %d, want %q", what, i, g.Pointer, g.Message, g.Line, w)
		}
	}
}

// The repository's fixtures are every event's example: all valid, no unknown fields,
// for each of the five providers that have events.
func TestFixturesValidate(t *testing.T) {
	c := NewChecker(Options{Catalog: cat, Strict: true})
	byProvider := map[string]int{}
	st, err := Run(context.Background(), c, Config{Paths: []string{"../../fixtures"}}, func(r *Result) error {
		if !r.Valid() || len(r.Warnings) > 0 {
			t.Errorf("%s: %+v %+v", r.Source, r.Errors, r.Warnings)
		}
		byProvider[r.Provider]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range cat.Providers() {
		want += len(p.Events)
		if len(p.Events) > 0 && byProvider[p.ID] != len(p.Events) {
			t.Errorf("%s: %d fixtures checked, want %d", p.ID, byProvider[p.ID], len(p.Events))
		}
	}
	if st.Checked != want || st.Valid != want {
		t.Fatalf("stats %+v, want %d valid", st, want)
	}
}

// The catalog walk that finds unknown fields agrees with the strict schemas, which
// forbid them with unevaluatedProperties: an extra field in every object of every
// example is flagged by both, in the same objects.
func TestUnknownFieldsMatchStrictSchemas(t *testing.T) {
	strict := schema.New(schemagen.Options{Strict: true})
	idx := newFieldIndex()
	for _, p := range cat.Providers() {
		for _, e := range p.Events {
			var doc any
			if err := json.Unmarshal(e.Example, &doc); err != nil {
				t.Fatal(err)
			}
			addExtra(doc)
			var mine []string
			for _, pr := range idx.unknown(p, e, doc) {
				mine = append(mine, pr.Pointer)
			}
			probs, err := strict.Validate(p, e, doc)
			if err != nil {
				t.Fatal(err)
			}
			var theirs []string
			for _, pr := range probs {
				theirs = append(theirs, pr.Pointer)
			}
			slices.Sort(mine)
			slices.Sort(theirs)
			theirs = slices.Compact(theirs)
			if !slices.Equal(mine, theirs) {
				t.Errorf("%s %s: catalog walk flags %v, strict schema %v", p.ID, e.Type, mine, theirs)
			}
		}
	}
}

func addExtra(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			addExtra(c)
		}
		v["zz_extra"] = true
	case []any:
		for _, c := range v {
			addExtra(c)
		}
	}
}

func TestLocate(t *testing.T) {
	doc := "{\n  \"a\": {\n    \"b\": [\n      1,\n      {\"c\": \"x\\\"}\"}\n    ],\n    \"d~/e\": null\n  },\n  \"a\": {\"z\": 1}\n}"
	tests := map[string]int{"": 1, "/a": 9, "/a/z": 9, "/nope": 0, "/a/b/5": 0, "/x/y": 0}
	for ptr, want := range tests {
		if got := locate([]byte(doc), ptr); got != want {
			t.Errorf("locate(%q) = %d, want %d", ptr, got, want)
		}
	}
	first := "{\n  \"a\": {\n    \"b\": [\n      1,\n      {\"c\": \"x\\\"}\"}\n    ],\n    \"d~/e\": null\n  }\n}"
	for ptr, want := range map[string]int{"/a/b": 3, "/a/b/0": 4, "/a/b/1/c": 5, "/a/d~0~1e": 7} {
		if got := locate([]byte(first), ptr); got != want {
			t.Errorf("locate(%q) = %d, want %d", ptr, got, want)
		}
	}
}

func write(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type seen struct {
	source string
	line   int
	valid  bool
}

func runAll(t *testing.T, cfg Config, o Options) ([]seen, Stats, error) {
	t.Helper()
	o.Catalog = cat
	var out []seen
	st, err := Run(context.Background(), NewChecker(o), cfg, func(r *Result) error {
		out = append(out, seen{filepath.ToSlash(r.Source), r.Line, r.Valid()})
		return nil
	})
	return out, st, err
}

func TestRunInputs(t *testing.T) {
	dir := t.TempDir()
	good := strings.ReplaceAll(example(t, "clment", "review.completed", nil), "\n", "")
	bad := strings.ReplaceAll(example(t, "clment", "review.completed", func(m map[string]any) { delete(m, "id") }), "\n", "")
	ready := `{"kind":"ready","url":"http://127.0.0.1:1/"}`
	write(t, dir, "b/2.json", example(t, "clment", "review.completed", nil))
	write(t, dir, "b/1.json", bad)
	write(t, dir, "a.ndjson", ready+"\n"+good+"\n\n"+bad+"\r\n"+good)
	write(t, dir, "c.json", good+"\n"+bad+"\n")
	write(t, dir, "notes.txt", "not JSON, not looked at")
	write(t, dir, ".git/x.json", "not looked at either")
	write(t, dir, "d.jsonl", recordOf(t, good, nil)+"\n")
	goodText, _ := json.Marshal(good)
	badText, _ := json.Marshal(bad)
	write(t, dir, "e.har", "{\n\"log\": {\"version\": \"1.2\", \"entries\": [\n"+
		`{"request":{"method":"GET","url":"https://x.test/","headers":[]}},`+"\n"+
		`{"request":{"method":"POST","url":"https://x.test/h","headers":[],"postData":{"mimeType":"application/json","text":`+string(goodText)+`}}},`+"\n"+
		`{"request":{"method":"POST","url":"https://x.test/h","headers":[],"postData":{"mimeType":"application/json","text":`+string(badText)+`}}}`+"\n]}}\n")

	got, st, err := runAll(t, Config{Paths: []string{dir}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rel := func(s string) string { r, _ := filepath.Rel(dir, s); return filepath.ToSlash(r) }
	var lines []string
	for _, s := range got {
		lines = append(lines, fmt.Sprintf("%s:%d:%v", rel(s.source), s.line, s.valid))
	}
	want := []string{"a.ndjson:2:true", "a.ndjson:4:false", "a.ndjson:5:true", "b/1.json:0:false", "b/2.json:0:true", "c.json:1:true", "c.json:2:false", "d.jsonl:1:true",
		"e.har:3:false", "e.har:4:true", "e.har:5:false"}
	if !slices.Equal(lines, want) {
		t.Fatalf("got  %v\nwant %v", lines, want)
	}
	if st != (Stats{Checked: 11, Valid: 6, Invalid: 5}) {
		t.Fatalf("stats %+v", st)
	}
}

func TestRunStdin(t *testing.T) {
	good := strings.ReplaceAll(example(t, "clment", "review.completed", nil), "\n", "")
	goodText, _ := json.Marshal(good)
	tests := []struct {
		name, in string
		want     []seen
	}{
		{"one pretty document", example(t, "clment", "review.completed", nil), []seen{{"-", 0, true}}},
		{"NDJSON with listen's ready line", `{"kind":"ready","url":"u"}` + "\n" + good + "\n" + `{"broken` + "\n", []seen{{"-", 2, true}, {"-", 3, false}}},
		{"NDJSON after blank lines", "\n\n" + good + "\n" + good, []seen{{"-", 3, true}, {"-", 4, true}}},
		{"empty", "", []seen{{"-", 0, false}}},
		{"a HAR on one line", `{"log":{"entries":[{"request":{"method":"POST","url":"http://x/","headers":[],"postData":{"mimeType":"application/json","text":` + string(goodText) + `}}}]}}` + "\n", []seen{{"-", 1, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := runAll(t, Config{Paths: []string{"-"}, Stdin: strings.NewReader(tt.in)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runAll(t, Config{Paths: []string{filepath.Join(dir, "missing.json")}}, Options{}); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("missing path: %v", err)
	}
	if _, _, err := runAll(t, Config{Paths: []string{"-", "-"}}, Options{}); err == nil {
		t.Fatal("stdin twice: no error")
	}
	long := write(t, dir, "long.ndjson", `{"a":1}`+"\n"+strings.Repeat(" ", 300)+"{}\n"+`{"a":1}`+"\n")
	var msgs []string
	_, err := Run(context.Background(), NewChecker(Options{Catalog: cat}), Config{Paths: []string{long}, MaxSize: 100}, func(r *Result) error {
		msgs = append(msgs, fmt.Sprintf("%d %s", r.Line, r.Errors[0].Message))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || msgs[1] != "2 line is longer than 100 bytes" {
		t.Fatalf("%q", msgs)
	}
	big := write(t, dir, "big.json", `{"a":"`+strings.Repeat("x", 200)+`"}`)
	_, st, err := runAll(t, Config{Paths: []string{big}, MaxSize: 100}, Options{})
	if err != nil || st.Invalid != 1 || st.Unreadable != 0 {
		t.Fatalf("too large a file: %+v %v", st, err)
	}
}

func TestRunUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	p := write(t, dir, "secret.json", "{}")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, st, err := runAll(t, Config{Paths: []string{dir}}, Options{})
	if err != nil || st.Unreadable != 1 {
		t.Fatalf("%+v %v", st, err)
	}
}

// Results come out in input order however the workers interleave.
func TestRunKeepsOrder(t *testing.T) {
	good := strings.ReplaceAll(example(t, "clment", "review.completed", nil), "\n", "")
	bad := `{"nope":true}`
	var in strings.Builder
	for i := 1; i <= 2000; i++ {
		if i%7 == 0 {
			in.WriteString(bad + "\n")
		} else {
			in.WriteString(good + "\n")
		}
	}
	got, st, err := runAll(t, Config{Paths: []string{"-"}, Stdin: strings.NewReader(in.String()), Workers: 8}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
		if s.line != i+1 || s.valid != ((i+1)%7 != 0) {
			t.Fatalf("item %d: %+v", i, s)
		}
	}
	if st.Checked != 2000 || st.Invalid != 285 {
		t.Fatalf("%+v", st)
	}
}

// Run stops early and returns the error when emit fails.
func TestRunStopsOnEmitError(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 5000; i++ {
		in.WriteString("{}\n")
	}
	n := 0
	_, err := Run(context.Background(), NewChecker(Options{Catalog: cat}), Config{Paths: []string{"-"}, Stdin: strings.NewReader(in.String())}, func(*Result) error {
		if n++; n == 3 {
			return os.ErrClosed
		}
		return nil
	})
	if err != os.ErrClosed || n != 3 {
		t.Fatalf("err %v after %d results", err, n)
	}
}

// FuzzCheck feeds arbitrary bytes to the checker as a file and as an NDJSON line: it
// must never panic, and a result is either valid or says why not.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `{"a":1,}`, `1e400`, "\"\xff\"", strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		f.Add([]byte(s))
	}
	for _, p := range cat.Providers() {
		for i, e := range p.Events {
			if i < 2 {
				f.Add([]byte(e.Example))
			}
		}
	}
	f.Add([]byte(`{"kind":"delivery","body":"` + base64.StdEncoding.EncodeToString([]byte(`{"callback_id":"x","events":[1]}`)) + `"}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	c := NewChecker(Options{Catalog: cat})
	strict := NewChecker(Options{Catalog: cat, Strict: true, AllowUnknownTypes: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ch := range []*Checker{c, strict} {
			for _, line := range []int{0, 3} {
				r := ch.Check(Item{Source: "f", Line: line, Data: data})
				for _, p := range r.Errors {
					if p.Message == "" {
						t.Fatalf("an error without a message: %+v", r)
					}
				}
				if r.skip {
					continue
				}
				switch {
				case r.Status == StatusValid && len(r.Errors) > 0,
					r.Status == StatusInvalid && r.Valid(),
					r.Status != StatusValid && r.Status != StatusInvalid && r.Status != StatusUnknownType:
					t.Fatalf("status %q with errors %+v", r.Status, r.Errors)
				}
			}
		}
	})
}

// A HAR entry whose body is not JSON says so of the request body, at the entry's line.
func TestHAREntryNotJSON(t *testing.T) {
	items := harItems("c.har", []byte("{\"log\":{\"entries\":[\n"+`{"request":{"method":"POST","url":"http://x/","headers":[],"postData":{"mimeType":"text/plain","text":"hello"}}}`+"\n]}}"))
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	r := NewChecker(Options{Catalog: catalog.MustBuiltin()}).Check(items[0])
	if r.Valid() || r.Line != 2 || r.Errors[0].Pointer != "" || !strings.HasPrefix(r.Errors[0].Message, "request body: ") || r.Errors[0].Line != 2 {
		t.Fatalf("%+v", r)
	}
}
