package record

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/record/hartest"
)

// testdata/chrome.har is what Chrome's DevTools "Save all as HAR" writes (HTTP/2
// pseudo-headers, _initiator, _resourceType, pages): a page load (a GET, not a
// delivery) and a webhook resent from a console with fetch (a POST, signed with
// clment_test_secret).
func TestParseHARChrome(t *testing.T) {
	b, err := os.ReadFile("testdata/chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	if !IsHAR(b) {
		t.Fatal("chrome.har is not sniffed as a HAR")
	}
	entries, err := ParseHAR(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	get, post := entries[0], entries[1]
	if get.Record != nil || get.Err == nil || get.Err.Error() != "GET /webhooks/console has no body: not a delivery" || get.N != 1 || get.Line != 20 {
		t.Errorf("the GET entry: %+v", get)
	}
	r := post.Record
	if post.Err != nil || r == nil || post.N != 2 || post.Line != 105 {
		t.Fatalf("the POST entry: %+v", post)
	}
	if r.Method != "POST" || r.Path != "/hooks/clment?attempt=2" || !bytes.HasPrefix(r.Body, []byte(`{"id":"evt_8f3a07","type":"review.completed"`)) {
		t.Errorf("request %s %s %q", r.Method, r.Path, r.Body)
	}
	want := http.Header{
		"Content-Type":       {"application/json"},
		"Content-Length":     {"342"},
		"User-Agent":         {"Clment-Webhooks/1.0"},
		"X-Clment-Signature": {"sha256=e08250ed5151c23383c16e9f576aff2487e3801e371cfaa7cc2cbd366b50f1a8"},
	}
	if !reflect.DeepEqual(r.Headers, want) {
		t.Errorf("headers (pseudo-headers left out) = %v, want %v", r.Headers, want)
	}
	if !r.ReceivedAt.Equal(time.Date(2026, 6, 16, 14, 32, 8, 123e6, time.UTC)) {
		t.Errorf("received at %v", r.ReceivedAt)
	}
	if got, err := ParseRequest(b); err != nil || got.Path != r.Path {
		t.Errorf("ParseRequest takes the one delivery: %v, %v", got, err)
	}
}

// harOf is a HAR document of the entries given as JSON.
func harOf(entries ...string) []byte {
	return []byte(`{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`)
}

func TestHAREntryBody(t *testing.T) {
	for _, tt := range []struct {
		name, postData string
		body, err      string
	}{
		{"text as it is", `{"mimeType":"application/json","text":"{\"a\":\"é\"}"}`, `{"a":"é"}`, ""},
		{"base64, as proxies write binary bodies", `{"mimeType":"application/json","text":"eyJhIjoxfQ==","encoding":"base64"}`, `{"a":1}`, ""},
		{"BASE64 in capitals", `{"mimeType":"application/json","text":"eyJhIjoxfQ==","encoding":"BASE64"}`, `{"a":1}`, ""},
		{"bad base64", `{"mimeType":"x","text":"!!","encoding":"base64"}`, "", "POST /h: postData.text is not base64"},
		{"an encoding whk does not know", `{"mimeType":"x","text":"x","encoding":"gzip"}`, "", `POST /h: postData encoding "gzip" is not one whk knows (base64)`},
		{"params without text", `{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a","value":"1"}]}`, "", "POST /h has no body: not a delivery"},
		{"empty text", `{"mimeType":"application/json","text":""}`, "", "POST /h has no body: not a delivery"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := ParseHAR(harOf(`{"request":{"method":"POST","url":"https://x.test/h","headers":[],"postData":` + tt.postData + `}}`))
			if err != nil || len(entries) != 1 {
				t.Fatalf("%v, %d entries", err, len(entries))
			}
			e := entries[0]
			if tt.err != "" {
				if e.Err == nil || e.Err.Error() != tt.err {
					t.Fatalf("err %v, want %q", e.Err, tt.err)
				}
				return
			}
			if e.Err != nil || string(e.Record.Body) != tt.body {
				t.Fatalf("body %q, err %v; want %q", e.Record.Body, e.Err, tt.body)
			}
			if got := e.Record.Headers.Get("Content-Type"); got == "" {
				t.Errorf("no Content-Type taken from postData.mimeType")
			}
		})
	}
}

// A document that is not a HAR, or not a whole one, is one error; a bad entry is its own.
func TestParseHARBad(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"cut short", `{"log":{"entries":[`, "not a HAR document: unexpected EOF"},
		{"cut short after the entries", `{"log":{"entries":[]`, "not a HAR document: unexpected EOF"},
		{"more after the document", `{"log":{"entries":[]}} {}`, "not a HAR document: more after the document"},
		{"entries not an array", `{"log":{"version":"1.2","entries":{}}}`, "not a HAR document: log.entries is not an array"},
		{"log not an object", `{"log":[]}`, "not a HAR document: log is not an object"},
		{"no entries", `{"log":{"version":"1.2"}}`, `not a HAR document: log has no "entries"`},
		{"no log", `{"version":"1.2"}`, `not a HAR document: no "log" member`},
		{"an entry cut short", `{"log":{"entries":[{"request":{"method":"POST"`, "not a HAR document: entry 1 (line 1): unexpected EOF"},
		{"an entry of the wrong shape", `{"log":{"entries":[{"request":{"method":7}}]}}`, "not a HAR document: entry 1 (line 1): json: cannot unmarshal number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHAR([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err %v, want one line with %q", err, tt.want)
			}
		})
	}
}

func TestParseHARRequestWantsOneDelivery(t *testing.T) {
	post := `{"request":{"method":"POST","url":"https://x.test/h","headers":[],"postData":{"mimeType":"application/json","text":"{}"}}}`
	get := `{"request":{"method":"GET","url":"https://x.test/favicon.ico","headers":[]}}`
	for _, tt := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"one POST among GETs", harOf(get, post, get), ""},
		{"two POSTs", harOf(post, post), "a HAR file of 2 deliveries; verify one at a time"},
		{"only GETs", harOf(get), "a HAR file with no delivery: entry 1: GET /favicon.ico has no body: not a delivery"},
		{"no entries", harOf(), "a HAR file with no entries"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest(tt.in)
			if tt.err == "" {
				if err != nil || string(r.Body) != "{}" {
					t.Fatalf("%v, %v", r, err)
				}
				return
			}
			if err == nil || err.Error() != tt.err {
				t.Fatalf("err %v, want %q", err, tt.err)
			}
		})
	}
}

// The entries listen writes are HAR 1.2 by the har-schema package's JSON Schema, and
// read back as the deliveries they were.
func TestNewHAREntryRoundTrip(t *testing.T) {
	at := time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC)
	recs := []*Record{
		{Kind: KindDelivery, ReceivedAt: at, Method: "POST", Path: "/hooks?a=1&b=x%20y", Provider: "clment", Type: "review.completed", ID: "evt_1",
			Headers:   http.Header{"Content-Type": {"application/json"}, "X-Clment-Signature": {"sha256=ab"}},
			Body:      []byte(`{"id":"evt_1","note":"<b>&</b> é"}`),
			Signature: &Signature{Status: "valid"}, Schema: &Schema{Status: "valid"}, Response: &Response{Status: 200}},
		{Kind: KindDelivery, ReceivedAt: at, Method: "POST", Path: "/", Route: "/",
			Headers:   http.Header{"X-Webhook-Token": {Redacted}},
			Body:      []byte{0xff, 0x00, 0x01},
			Signature: &Signature{Status: "unchecked"}, Schema: &Schema{Status: "invalid", Errors: []Problem{{"", "not JSON"}}},
			Response: &Response{Status: 302, BodyBase64: []byte{0xfe}, DurationMS: 12.5, Truncated: true,
				Headers: http.Header{"Location": {"/elsewhere"}, "Content-Type": {"application/octet-stream"}}}},
		{Kind: KindDelivery, ReceivedAt: at, Method: "PUT", Path: "/x", Headers: http.Header{}, Body: []byte("{}")},
	}
	doc := HARHead("1.2.3")
	for i, r := range recs {
		e, err := MarshalHAREntry(NewHAREntry(r, "http://127.0.0.1:8080", 3*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			doc = append(doc, ",\n"...)
		}
		doc = append(doc, e...)
	}
	doc = append(doc, HARTail...)
	if err := hartest.Check(doc); err != nil {
		t.Fatalf("not HAR 1.2: %v\n%s", err, doc)
	}
	entries, err := ParseHAR(doc)
	if err != nil || len(entries) != len(recs) {
		t.Fatalf("%v, %d entries", err, len(entries))
	}
	for i, e := range entries {
		r := recs[i]
		if e.Err != nil || e.Line != i+2 {
			t.Fatalf("entry %d: line %d, %v", i, e.Line, e.Err)
		}
		got := e.Record
		if got.Method != r.Method || got.Path != r.Path || !bytes.Equal(got.Body, r.Body) || !got.ReceivedAt.Equal(at) || got.Provider != r.Provider {
			t.Errorf("entry %d: %s %s %q %v %q", i, got.Method, got.Path, got.Body, got.ReceivedAt, got.Provider)
		}
		for name := range r.Headers {
			if got.Headers.Get(name) != r.Headers.Get(name) {
				t.Errorf("entry %d: %s = %q, want %q", i, name, got.Headers.Get(name), r.Headers.Get(name))
			}
		}
		// What listen recorded comes back: the verdicts and the answer (the app's time
		// is in the entry's timings, not the record's).
		if got.Type != r.Type || got.ID != r.ID || got.Route != r.Route || got.Duplicate != r.Duplicate ||
			!reflect.DeepEqual(got.Signature, r.Signature) || !reflect.DeepEqual(got.Schema, r.Schema) {
			t.Errorf("entry %d: verdicts %q %q %q %v %+v %+v", i, got.Type, got.ID, got.Route, got.Duplicate, got.Signature, got.Schema)
		}
		want := r.Response
		if want != nil {
			w := *want
			w.DurationMS = 0
			if len(w.Headers) == 0 {
				w.Headers = nil
			}
			want = &w
		}
		if !reflect.DeepEqual(got.Response, want) {
			t.Errorf("entry %d: response %+v, want %+v", i, got.Response, want)
		}
	}
	// The answer and its timing are in the entry.
	var e struct {
		Time     float64
		Timings  HARTimings
		Response HARResponse
		Whk      HARVerdict `json:"_whk"`
	}
	line := bytes.Split(doc, []byte("\n"))[2]
	if err := json.Unmarshal(bytes.TrimSuffix(line, []byte(",")), &e); err != nil {
		t.Fatal(err)
	}
	if e.Response.Status != 302 || e.Response.RedirectURL != "/elsewhere" || e.Response.Content.Encoding != "base64" || e.Response.Content.Text != "/g==" ||
		e.Timings.Wait != 12.5 || e.Time != 12.5 || !e.Whk.Truncated || e.Whk.Schema.Status != "invalid" {
		t.Errorf("second entry: %+v", e)
	}
}

func TestIsHARNeedsTheLogObject(t *testing.T) {
	for in, want := range map[string]bool{
		"{\n  \"log\": {\n":            true,
		`{"log":{}}`:                   true,
		`{"log":"a line"}`:             false,
		`{"kind":"delivery","log":{}}`: false,
		`[{"log":{}}]`:                 false,
	} {
		if IsHAR([]byte(in)) != want {
			t.Errorf("IsHAR(%q) = %v", in, !want)
		}
	}
}

// Whatever a HAR file holds, ParseHAR does not panic, gives an error or entries, and
// every entry is a delivery with a body or says why not.
func FuzzParseHAR(f *testing.F) {
	if b, err := os.ReadFile("testdata/chrome.har"); err == nil {
		f.Add(b)
	}
	f.Add(harOf(`{"request":{"method":"POST","url":"http://x/","headers":[{"name":":path","value":"/"}],"postData":{"mimeType":"a","text":"e30=","encoding":"base64"}}}`))
	f.Add([]byte(`{"log":{"entries":[{}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := ParseHAR(b)
		if err != nil {
			if entries != nil || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q with %d entries", err, len(entries))
			}
			return
		}
		for _, e := range entries {
			switch {
			case (e.Record == nil) == (e.Err == nil):
				t.Fatalf("entry %d: record %v, err %v", e.N, e.Record, e.Err)
			case e.Record != nil && len(e.Record.Body) == 0:
				t.Fatalf("entry %d: a delivery without a body", e.N)
			case e.Line < 1:
				t.Fatalf("entry %d on line %d", e.N, e.Line)
			}
		}
		deliveries := 0
		for _, e := range entries {
			if e.Record != nil {
				deliveries++
			}
		}
		if _, err := ParseHARRequest(b); (err == nil) != (deliveries == 1) {
			t.Fatalf("ParseHARRequest: %v with %d deliveries", err, deliveries)
		}
	})
}

// The schema check is not vacuous: an entry without the members HAR 1.2 requires fails.
func TestHARSchemaRejectsAnIncompleteEntry(t *testing.T) {
	doc := append(HARHead("1"), `{"startedDateTime":"2026-06-16T14:32:08Z","time":1,"request":{"method":"POST"},"response":{},"cache":{},"timings":{"send":0,"wait":0,"receive":0}}`+HARTail...)
	if err := hartest.Check(doc); err == nil {
		t.Fatal("an entry without request.url, headers and response members passed")
	}
}
