package record

import (
	"bytes"
	"math"
	"net/http"
	"testing"
	"time"
)

// sameAsMarshal fails when AppendJSON and Marshal (encoding/json) disagree.
func sameAsMarshal(t *testing.T, r *Record) {
	t.Helper()
	want, werr := r.Marshal()
	got, gerr := r.AppendJSON([]byte("prefix"))
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("Marshal error %v, AppendJSON error %v", werr, gerr)
	}
	if werr != nil {
		return
	}
	if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
		t.Fatalf("AppendJSON\n%s\nMarshal\n%s", got, want)
	}
}

func TestAppendJSONIsMarshal(t *testing.T) {
	at := time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC)
	full := &Record{
		Kind: KindDelivery, ReceivedAt: at, Method: "POST", Path: "/hooks?a=1&b=<x>", Route: "/hooks/\"x\"",
		Headers: http.Header{"X-B": {"2", "3"}, "X-A": {"\"q\" \\ \n\t\r\b\f\x00\x1f\x7f é \u2028\u2029 \xff"}, "Empty": {}, "Nil": nil},
		Body:    []byte(`{"id":"evt_1"}`), Provider: "clment", Type: "review.completed,x", ID: "evt_1",
		Duplicate: true,
		Signature: &Signature{Status: "invalid", Reason: "the signature does not match"},
		Schema: &Schema{Status: "invalid", Errors: []Problem{{Pointer: "", Message: "m"}, {Pointer: "/a/0", Message: "<&>"}},
			Warnings: []Problem{{Pointer: "/b", Message: "field \"b\" is not in the catalog"}}},
		Response: &Response{Status: 502, Body: "whk: forwarding failed\n"},
		Stored:   &Stored{Status: StoredFailed, File: "a\"b.json", Error: "open d/x: no such file or directory"},
	}
	cases := []*Record{
		full,
		{Kind: KindDelivery, ReceivedAt: at},     // nil headers and body
		{Headers: http.Header{}, Body: []byte{}}, // empty ones
		{Schema: &Schema{Status: "valid", Errors: []Problem{}, Warnings: []Problem{}}}, // empty lists are omitted
		{Schema: &Schema{Status: "valid", Warnings: []Problem{{Pointer: "", Message: "w"}}}},
		{Response: &Response{Status: 200}, Signature: &Signature{Status: "valid"}},
		{ReceivedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", -(5*3600+30*60)))},
		{ReceivedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, // both fail
		{Body: bytes.Repeat([]byte{0, 1, 0xfe, 0xff}, 300)},
		{Response: &Response{Status: 200, BodyBase64: []byte{0xff, 0, 1}, Truncated: true}},                                        // a binary answer, cut
		{Response: &Response{Status: 307, BodyBase64: []byte{}}, Stored: &Stored{Status: StoredWritten}},                           // empty bytes are omitted
		{Response: &Response{Status: 200, DurationMS: 12.345, Headers: http.Header{"Content-Type": {"text/plain"}, "X-Nil": nil}}}, // the app's time and headers (-v)
		{Response: &Response{Status: 200, DurationMS: 0.001, Headers: http.Header{}}},                                              // an empty header map is omitted
		{Response: &Response{Status: 200, DurationMS: 1e-7}},                                                                       // exponent form, as Marshal writes it
		{Response: &Response{Status: 200, DurationMS: 3e21}},
		{Response: &Response{Status: 200, DurationMS: math.Inf(1)}}, // both fail
		{Route: "/cm/"},
	}
	for _, r := range cases {
		sameAsMarshal(t, r)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("delivery", int64(1781620328123456000), 0, "POST", "/", "X-Clment-Signature", "sha256=ab", []byte(`{"a":1}`), "clment", "review.completed", "evt_1", true, "valid", "", "/a", "m", 200, "", 1.5)
	f.Add("\u2028\xff", int64(-1), 3600*25, "\x00", "\"", "", "\\", []byte(nil), "", "", "", false, "", "r\n", "", "", 0, "b\t", 1e-9)
	f.Fuzz(func(t *testing.T, kind string, nanos int64, offset int, method, path, hname, hval string, body []byte,
		prov, typ, id string, dup bool, status, reason, pointer, msg string, code int, rbody string, ms float64) {
		r := &Record{
			Kind: kind, ReceivedAt: time.Unix(0, nanos).In(time.FixedZone("z", offset%(30*3600))),
			Method: method, Path: path, Route: rbody, Headers: http.Header{hname: {hval, reason}, "Z": nil},
			Body: body, Provider: prov, Type: typ, ID: id, Duplicate: dup,
		}
		if status != "" {
			r.Signature = &Signature{Status: status, Reason: reason}
			r.Schema = &Schema{Status: status, Errors: []Problem{{Pointer: pointer, Message: msg}}, Warnings: []Problem{{Pointer: msg, Message: pointer}}}
			r.Response = &Response{Status: code, Body: rbody, BodyBase64: body, Truncated: dup, DurationMS: ms, Headers: http.Header{hval: {msg}}}
			r.Stored = &Stored{Status: status, File: pointer, Error: msg}
		}
		sameAsMarshal(t, r)
	})
}

// listen writes a record file, then marks the NDJSON line with the outcome by cutting
// the closing brace and appending the "record" member: that must be the line
// AppendJSON gives with Stored set.
func TestAppendStoredMarksAnEncodedLine(t *testing.T) {
	r := &Record{Kind: KindDelivery, Body: []byte(`{}`), Response: &Response{Status: 200}}
	line, err := r.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Stored{
		{Status: StoredWritten, File: "20260616T143208.123456Z-ab12-000001-clment.json"},
		{Status: StoredFailed, Error: "open x: no space left on device\n"},
	} {
		marked := append(AppendStored(append([]byte(nil), line[:len(line)-1]...), s), '}')
		r.Stored = s
		want, _ := r.AppendJSON(nil)
		if string(marked) != string(want) {
			t.Errorf("marked line\n%s\nwant\n%s", marked, want)
		}
		sameAsMarshal(t, r)
	}
}
