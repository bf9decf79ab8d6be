package render

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
)

// sampleDeliveries cover every verdict the blocks show.
func sampleDeliveries() []*listener.Delivery {
	at := time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC)
	body := []byte(`{"id":"evt_8f3a","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1","payload":{"reviewId":"rev_9d","overallRisk":"medium","findingCount":14}}`)
	h := http.Header{"Content-Type": {"application/json"}, "X-Clment-Signature": {"sha256=cc34"}, "X-Clment-Event": {"review.completed"}}
	ok := &record.Record{Kind: "delivery", ReceivedAt: at, Method: "POST", Path: "/", Headers: h, Body: body,
		Provider: "clment", Type: "review.completed", ID: "evt_8f3a",
		Signature: &record.Signature{Status: "valid"}, Schema: &record.Schema{Status: "valid"}, Response: &record.Response{Status: 200}}
	bad := *ok
	bad.ReceivedAt = at.Add(1500 * time.Millisecond)
	bad.Duplicate = true
	bad.Signature = &record.Signature{Status: "invalid", Reason: "X-Clment-Signature does not match HMAC-SHA256 of the body with this secret"}
	bad.Schema = &record.Schema{Status: "invalid", Errors: []record.Problem{{Pointer: "/payload/findingCount", Message: "expected integer, but got string"}}}
	bad.Response = &record.Response{Status: 503}
	cm := &record.Record{Kind: "delivery", ReceivedAt: at.Add(3 * time.Second), Method: "POST", Path: "/hooks/cm",
		Headers:  http.Header{"Content-Type": {"application/json"}, "X-Webhook-Token": {record.Redacted}},
		Body:     []byte(`{"id":"c36f","type":"dossier.exploded","created":"2026-01-01T00:00:00+00:00","dossier":{"id":"b659","state":"draft"}}`),
		Provider: "cm-sign", Type: "dossier.exploded", ID: "c36f",
		Signature: &record.Signature{Status: "unsigned", Reason: "the request has no X-Webhook-Token header"},
		Schema: &record.Schema{Status: "unknown-type", Errors: []record.Problem{{Pointer: "/type", Message: `unknown event type "dossier.exploded" for cm-sign`}},
			Warnings: []record.Problem{{Pointer: "/dossier/state", Message: `field "state" is not in the catalog`}}},
		Response: &record.Response{Status: 201, Body: "{\"queued\":true}\n"}}
	junk := &record.Record{Kind: "delivery", ReceivedAt: at.Add(4 * time.Second), Method: "POST", Path: "/",
		Headers: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("not json\n"),
		Signature: &record.Signature{Status: "unchecked", Reason: "the provider is unknown, so the signature scheme is too"},
		Schema:    &record.Schema{Status: "invalid", Errors: []record.Problem{{Pointer: "", Message: "malformed JSON: invalid character 'o' in literal null (expecting 'u') (line 1, column 2)"}}},
		Response:  &record.Response{Status: 200}}
	return []*listener.Delivery{
		{Record: ok, Types: []string{"review.completed"}},
		{Record: &bad, Types: []string{"review.completed"}},
		{Record: cm, Types: []string{"dossier.exploded"}, Forward: &listener.Forward{URL: "http://localhost:3000/webhooks", Status: 201, Duration: 12 * time.Millisecond, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{\"queued\":true}\n")}},
		{Record: junk, Warnings: []string{"forward to http://localhost:3000/ failed: " + errors.New("connection refused").Error()}},
	}
}

func renderAll(o ListenOptions) []byte {
	var buf bytes.Buffer
	p := NewListenPrinter(&buf, o)
	for _, d := range sampleDeliveries() {
		buf.Write(p.Delivery(d))
	}
	return buf.Bytes()
}

func TestListenTerminalGolden(t *testing.T) {
	golden(t, "listen-tty.golden", renderAll(ListenOptions{Mode: ListenTTY, Colour: true, Verbose: true, Location: time.UTC}))
}

func TestListenTerminalNoColourGolden(t *testing.T) {
	golden(t, "listen-tty-nocolour.golden", renderAll(ListenOptions{Mode: ListenTTY, Location: time.UTC}))
}

func TestListenPipedGolden(t *testing.T) {
	out := renderAll(ListenOptions{Mode: ListenPlain, Colour: true, Verbose: true})
	if bytes.Contains(out, []byte("\x1b[")) {
		t.Fatal("piped output carries colour")
	}
	golden(t, "listen-plain.golden", out)
}

func TestListenJSONIsTheRecord(t *testing.T) {
	p := NewListenPrinter(&bytes.Buffer{}, ListenOptions{Mode: ListenJSON})
	for _, d := range sampleDeliveries() {
		line := p.Delivery(d)
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("not one line: %q", line)
		}
		rec, err := record.Parse(line)
		if err != nil || rec.ID != d.Record.ID || !bytes.Equal(rec.Body, d.Record.Body) {
			t.Fatalf("line does not parse back: %v", err)
		}
	}
	if got := string(ReadyJSON(listener.Ready{URL: "http://127.0.0.1:8080/"})); got != `{"kind":"ready","url":"http://127.0.0.1:8080/"}` {
		t.Fatalf("ready line %s", got)
	}
}

func TestReadyNamesEveryRoute(t *testing.T) {
	one := listener.Ready{URL: "http://127.0.0.1:8080/"}
	routes := listener.Ready{URL: "http://127.0.0.1:8080/clment", Routes: []listener.ReadyRoute{
		{URL: "http://127.0.0.1:8080/clment", Provider: "clment"},
		{URL: "http://127.0.0.1:8080/any/", ForwardTo: "http://localhost:3000/"},
	}}
	tests := []struct {
		name     string
		ev       listener.Ready
		text, js string
	}{
		{"one path", one, "Listening on http://127.0.0.1:8080/ (Ctrl-C to stop)",
			`{"kind":"ready","url":"http://127.0.0.1:8080/"}`},
		{"routes", routes, "Listening on http://127.0.0.1:8080/clment, http://127.0.0.1:8080/any/ (Ctrl-C to stop)",
			`{"kind":"ready","url":"http://127.0.0.1:8080/clment","routes":[{"url":"http://127.0.0.1:8080/clment","provider":"clment"},{"url":"http://127.0.0.1:8080/any/","forward_to":"http://localhost:3000/"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadyText(tt.ev); got != tt.text {
				t.Errorf("text:\n got %q\nwant %q", got, tt.text)
			}
			if got := string(ReadyJSON(tt.ev)); got != tt.js {
				t.Errorf("json:\n got %s\nwant %s", got, tt.js)
			}
		})
	}
}

func TestForwardOutcome(t *testing.T) {
	tests := []struct {
		name string
		fw   listener.Forward
		want string
	}{
		{"answered", listener.Forward{Status: 202, Duration: 1500 * time.Millisecond}, "202 Accepted in 1.5s"},
		{"longer than kept", listener.Forward{Status: 200, Duration: 3 * time.Millisecond, Truncated: true}, "200 OK in 3ms (answer longer than the record keeps)"},
		{"not reached", listener.Forward{Status: 502, Err: errors.New("dial tcp: connection refused")}, "not reached: dial tcp: connection refused"},
		{"cut short", listener.Forward{Status: 200, CutShort: errors.New("broken pipe\x1b[2J")}, `200 OK, relaying cut short: broken pipe\x1b[2J`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := forwardOutcome(&tt.fw); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name        string
		s           string
		width, hang int
		want        string
	}{
		{"no limit", "whk: verifying signatures with the secret from --secret-file s", 0, 5, "whk: verifying signatures with the secret from --secret-file s"},
		{"fits", "whk: short", 20, 5, "whk: short"},
		{"at words, hanging", "whk: verifying signatures (and tokens) with the secret", 24, 5, "whk: verifying\n     signatures (and\n     tokens) with the\n     secret"},
		{"a word wider than the line is cut", "whk: /a/very/long/path/name/here", 16, 2, "whk:\n  /a/very/long/p\n  ath/name/here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Wrap(tt.s, tt.width, tt.hang); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
