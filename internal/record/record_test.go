package record

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	r := &Record{Kind: KindDelivery, ReceivedAt: time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC), Method: "POST", Path: "/",
		Headers: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{\"a\": 1}\n"),
		Provider: "clment", Type: "review.completed", ID: "evt_8f3a",
		Signature: &Signature{Status: "valid"}, Schema: &Schema{Status: "valid"}, Response: &Response{Status: 200}}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"delivery","received_at":"2026-06-16T14:32:08.123456Z","method":"POST","path":"/","headers":{"Content-Type":["application/json"]},"body":"eyJhIjogMX0K","provider":"clment","type":"review.completed","id":"evt_8f3a","duplicate":false,"signature":{"status":"valid"},"schema":{"status":"valid"},"response":{"status":200}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Body) != string(r.Body) || back.Headers.Get("content-type") != "application/json" {
		t.Fatalf("round trip lost data: %+v", back)
	}
}

func TestParseRejectsOtherJSON(t *testing.T) {
	for _, in := range []string{`{"id":"evt"}`, `{"kind":"ready","url":"http://x"}`, `[1]`, `nope`} {
		if _, err := Parse([]byte(in)); !errors.Is(err, ErrNotRecord) {
			t.Errorf("%s: %v", in, err)
		}
	}
	if !IsReady([]byte(`{"kind":"ready","url":"http://127.0.0.1:1/"}`)) || IsReady([]byte(`{"kind":"delivery"}`)) {
		t.Error("IsReady")
	}
}

func TestParseHTTP(t *testing.T) {
	tests := []struct{ name, in, body string }{
		{"with content-length", "POST /hooks HTTP/1.1\r\nHost: x\r\nX-Lac-Signature: sha256=ab\r\nContent-Length: 7\r\n\r\n{\"a\":1}", `{"a":1}`},
		{"without content-length", "POST /hooks HTTP/1.1\r\nHost: x\r\n\r\n{\"a\":1}\n", "{\"a\":1}\n"},
		{"bare newlines", "POST / HTTP/1.1\nHost: x\n\n{}", "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseHTTP([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(r.Body) != tt.body {
				t.Fatalf("body %q, want %q", r.Body, tt.body)
			}
		})
	}
	if _, err := ParseHTTP([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"kind":"delivery","body":"e30=","headers":{"A":["b"]}}`))
	f.Add([]byte(`{"kind":"delivery","body":5}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err == nil && r == nil {
			t.Fatal("nil record without error")
		}
	})
}

func FuzzParseHTTP(f *testing.F) {
	f.Add([]byte("POST / HTTP/1.1\r\nHost: x\r\n\r\n{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseHTTP(b)
		if err == nil && r == nil {
			t.Fatal("nil record without error")
		}
	})
}

// A record written by hand may spell header names in any case; every reader looks them
// up with http.Header.Get, so Parse gives them their canonical names.
func TestParseCanonicalisesHeaderNames(t *testing.T) {
	r, err := Parse([]byte(`{"kind":"delivery","headers":{"webhook-id":["msg_1"],"WEBHOOK-TIMESTAMP":["1614265330"],"Content-Type":["application/json"]},"body":"e30="}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"Webhook-Id": "msg_1", "Webhook-Timestamp": "1614265330", "Content-Type": "application/json"} {
		if got := r.Headers.Get(name); got != want {
			t.Errorf("%s = %q, want %q (headers %v)", name, got, want, r.Headers)
		}
		if _, ok := r.Headers[name]; !ok {
			t.Errorf("%s is not a canonical key of %v", name, r.Headers)
		}
	}
}

// ParseRequest reads records and raw HTTP requests and never panics on anything else.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("POST / HTTP/1.1\r\nHost: x\r\nX-Lac-Signature: sha256=00\r\n\r\n{}"))
	f.Add([]byte("POST / HTTP/1.1\nHost: x\n\n{}"))
	f.Add([]byte(`{"kind":"delivery","headers":{"A":["b"]},"body":"e30="}`))
	f.Add([]byte("{\"kind\":\"ready\"}\n{\"kind\":\"delivery\",\"body\":\"\"}\n"))
	f.Add([]byte(`{"kind":"delivery","body":"not base64"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := ParseRequest(b)
		if err == nil && rec == nil {
			t.Fatal("no record and no error")
		}
	})
}

func TestParseRequest(t *testing.T) {
	rec := `{"kind":"delivery","headers":{"x-a":["b"]},"body":"e30=","provider":"clment"}`
	for _, tt := range []struct {
		name, in     string
		wantProvider string
		wantBody     string
		wantErr      string
	}{
		{"a record", rec, "clment", "{}", ""},
		{"listen --json output with one delivery", `{"kind":"ready","url":"http://127.0.0.1:1/"}` + "\n" + rec + "\n", "clment", "{}", ""},
		{"listen --json output with two deliveries", rec + "\n" + rec + "\n", "", "", "holds 2 deliveries"},
		{"a plain body", `{"id":"evt_1"}`, "", "", "JSON but not a delivery record"},
		{"a raw HTTP request", "POST /h HTTP/1.1\r\nHost: x\r\n\r\n{\"a\":1}", "", `{"a":1}`, ""},
		{"neither", "hello", "", "", "neither a delivery record nor an HTTP request"},
		{"a record with a bad body", `{"kind":"delivery","body":"!!"}`, "", "", "delivery record"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want …%s…", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Provider != tt.wantProvider || string(r.Body) != tt.wantBody {
				t.Errorf("provider %q body %q, want %q %q", r.Provider, r.Body, tt.wantProvider, tt.wantBody)
			}
		})
	}
}
