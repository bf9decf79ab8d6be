package record

import (
	"bytes"
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
		Kind: KindDelivery, ReceivedAt: at, Method: "POST", Path: "/hooks?a=1&b=<x>",
		Headers: http.Header{"X-B": {"2", "3"}, "X-A": {"\"q\" \\ \n\t\r\b\f\x00\x1f\x7f é \u2028\u2029 \xff"}, "Empty": {}, "Nil": nil},
		Body:    []byte(`{"id":"evt_1"}`), Provider: "clment", Type: "review.completed,x", ID: "evt_1",
		Duplicate: true,
		Signature: &Signature{Status: "invalid", Reason: "the signature does not match"},
		Schema: &Schema{Status: "invalid", Errors: []Problem{{Pointer: "", Message: "m"}, {Pointer: "/a/0", Message: "<&>"}},
			Warnings: []Problem{{Pointer: "/b", Message: "field \"b\" is not in the catalog"}}},
		Response: &Response{Status: 502, Body: "whk: forwarding failed\n"},
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
	}
	for _, r := range cases {
		sameAsMarshal(t, r)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("delivery", int64(1781620328123456000), 0, "POST", "/", "X-Clment-Signature", "sha256=ab", []byte(`{"a":1}`), "clment", "review.completed", "evt_1", true, "valid", "", "/a", "m", 200, "")
	f.Add("\u2028\xff", int64(-1), 3600*25, "\x00", "\"", "", "\\", []byte(nil), "", "", "", false, "", "r\n", "", "", 0, "b\t")
	f.Fuzz(func(t *testing.T, kind string, nanos int64, offset int, method, path, hname, hval string, body []byte,
		prov, typ, id string, dup bool, status, reason, pointer, msg string, code int, rbody string) {
		r := &Record{
			Kind: kind, ReceivedAt: time.Unix(0, nanos).In(time.FixedZone("z", offset%(30*3600))),
			Method: method, Path: path, Headers: http.Header{hname: {hval, reason}, "Z": nil},
			Body: body, Provider: prov, Type: typ, ID: id, Duplicate: dup,
		}
		if status != "" {
			r.Signature = &Signature{Status: status, Reason: reason}
			r.Schema = &Schema{Status: status, Errors: []Problem{{Pointer: pointer, Message: msg}}, Warnings: []Problem{{Pointer: msg, Message: pointer}}}
			r.Response = &Response{Status: code, Body: rbody}
		}
		sameAsMarshal(t, r)
	})
}
