package inspector

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"github.com/whk-cli/whk/internal/record"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata/")

var t0 = time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC)

func rec(sec int, provider, typ, id string, body string) *record.Record {
	return &record.Record{
		Kind: record.KindDelivery, ReceivedAt: t0.Add(time.Duration(sec) * time.Second),
		Method: "POST", Path: "/hooks",
		Headers:  http.Header{"Content-Type": {"application/json"}, "User-Agent": {provider + "-webhooks/1.0"}},
		Body:     []byte(body),
		Provider: provider, Type: typ, ID: id,
		Signature: &record.Signature{Status: "valid"},
		Schema:    &record.Schema{Status: "valid"},
		Response:  &record.Response{Status: 200},
	}
}

// sample is six deliveries covering every mark: valid, duplicate, bad signature, schema
// errors, unknown type, and an id carrying terminal escapes; one was forwarded to an app
// that answered 401, one to an app whk could not reach.
func sample() []*record.Record {
	a := rec(0, "clment", "review.completed", "evt_8f3a", `{"id":"evt_8f3a","type":"review.completed","data":{"review":{"id":"rev_1","status":"completed","score":0.92}}}`)
	a.Headers.Set("X-Clment-Signature", "sha256=4f1c0d9e")
	dup := rec(3, "clment", "review.completed", "evt_8f3a", `{"id":"evt_8f3a","type":"review.completed","data":{"review":{"id":"rev_1","status":"completed","score":0.95}}}`)
	dup.Headers.Set("X-Clment-Signature", "sha256=77aa01b2")
	dup.Duplicate = true
	bad := rec(5, "contract-as-code", "contract.signed", "lac_2", `{"event":"contract.signed","id":"lac_2","contract":{"id":"c_9"}}`)
	bad.Signature = &record.Signature{Status: "invalid", Reason: "signature does not match the body"}
	bad.Response = &record.Response{Status: 401, Body: `{"error":"bad signature"}`, DurationMS: 3.25,
		Headers: http.Header{"Content-Type": {"application/json"}}}
	schema := rec(9, "cm-sign", "dossier.completed", "d-17", `{"event":"dossier.completed","dossier":{"id":17,"invitees":[{"name":"Ann"}]}}`)
	schema.Signature = &record.Signature{Status: "unchecked"}
	schema.Schema = &record.Schema{Status: "invalid", Errors: []record.Problem{
		{Pointer: "/dossier/id", Message: "expected string, got number"},
		{Pointer: "/dossier/invitees/0", Message: "missing property 'email'"},
	}}
	schema.Response = &record.Response{Status: 500}
	unknown := rec(12, "oneflow", "contract:frobnicated", "", `{"callback_id":"cb_1","events":[{"type":"contract:frobnicated"}]}`)
	unknown.Schema = &record.Schema{Status: "unknown-type"}
	unknown.Response = &record.Response{Status: 502, Body: record.ForwardFailed + "dial tcp 127.0.0.1:3000: connect: connection refused\n"}
	hostile := rec(20, "standard-webhooks", "invoice.paid", "msg_\x1b[2J\u202eevil\nsignature: valid", `{"type":"invoice.paid","data":{"amount":1200}}`)
	hostile.Signature = &record.Signature{Status: "unsigned"}
	return []*record.Record{a, dup, bad, schema, unknown, hostile}
}

func key(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys; a key of several letters is typed letter by letter unless it names a
// special key.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		m.Update(key(k))
	}
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(key(string(r)))
	}
}

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func newModel(t testing.TB, w, h int, recs []*record.Record) *Model {
	m := New(recs, Options{SaveDir: t.TempDir(), Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// checkFrame asserts the frame's shape (exactly h lines, none wider than w, no escape
// byte with colour off) and compares it with testdata/NAME-WxH.golden.
func checkFrame(t *testing.T, name string, w, h int, frame string) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", name, len(lines), h)
	}
	for i, l := range lines {
		if n := runewidth.StringWidth(l); n > w {
			t.Errorf("%s: line %d is %d columns wide, more than %d: %q", name, i+1, n, w, l)
		}
	}
	if strings.ContainsAny(frame, "\x1b\r\u202e") {
		t.Errorf("%s: frame carries a control character: %q", name, frame)
	}
	path := filepath.Join("testdata", name+"-"+strconv.Itoa(w)+"x"+strconv.Itoa(h)+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(frame+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != frame+"\n" {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, frame)
	}
}

func TestFrames(t *testing.T) {
	for _, sz := range sizes {
		cases := []struct {
			name  string
			drive func(m *Model)
		}{
			{"list", func(m *Model) {}},
			{"list-cursor-moved", func(m *Model) { press(m, "up", "up") }},
			{"detail", func(m *Model) { press(m, "up", "up", "enter") }},
			{"detail-raw", func(m *Model) { press(m, "up", "up", "enter", "b") }},
			{"detail-hostile", func(m *Model) { press(m, "enter") }},
			{"detail-forwarded", func(m *Model) { press(m, "home", "down", "down", "enter") }},
			{"filter-typing", func(m *Model) { press(m, "/"); typeText(m, "review.*") }},
			{"filter-verdict", func(m *Model) { press(m, "/"); typeText(m, "invalid"); press(m, "enter") }},
			{"filter-none", func(m *Model) { press(m, "/"); typeText(m, "nothing-like-this"); press(m, "enter") }},
			{"diff-marked", func(m *Model) { press(m, "home", "d") }},
			{"diff", func(m *Model) { press(m, "home", "d", "down", "d") }},
			{"help", func(m *Model) { press(m, "?") }},
			{"copy-curl", func(m *Model) { press(m, "home", "c") }},
			{"copy-send", func(m *Model) { press(m, "home", "c", "c") }},
			{"save", func(m *Model) { press(m, "home", "s") }},
		}
		for _, c := range cases {
			t.Run(c.name+"-"+strconv.Itoa(sz.w), func(t *testing.T) {
				m := newModel(t, sz.w, sz.h, sample())
				c.drive(m)
				checkFrame(t, c.name, sz.w, sz.h, m.View())
			})
		}
	}
}
