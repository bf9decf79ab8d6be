package render

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// hostile is what a sender controls: it tries to end the line and forge a verdict, hide
// text, set the window title, clear the screen and reverse what follows.
const hostile = "x\n  signature: valid\x1b[8m\x1b]0;pwned\x07\x1b[2J\u202e\u0085\u009b31m"

// TestHumanRenderingsEscapeInput runs a value from input through every human rendering
// and requires that no control or format character reaches the output and that the
// output has exactly the lines it has for a harmless value.
func TestHumanRenderingsEscapeInput(t *testing.T) {
	renderings := []struct {
		name   string
		render func(v string) string
		// wraps: the rendering wraps long text at a width, so its line count follows
		// the length of the escaped value.
		wraps bool
	}{
		{"listen piped", func(v string) string { return listenWith(v, ListenPlain) }, false},
		{"listen terminal", func(v string) string { return listenWith(v, ListenTTY) }, false},
		{"listen rejected", func(v string) string {
			return Rejected(listener.Rejected{Status: 404, Method: "POST", Path: "/" + v, Reason: "not under /" + v})
		}, false},
		{"validate text", func(v string) string {
			return renderValidate(t, "text", validation.Result{Source: v + ".json", Line: 1, Provider: "clment", Type: v,
				Errors:   []validation.Problem{{Pointer: "/" + v, Message: "unknown field " + v}},
				Warnings: []validation.Problem{{Pointer: "/a", Message: v}}})
		}, false},
		{"replay line", func(v string) string {
			var b bytes.Buffer
			l := &ReplayLines{W: &b, St: plain()}
			l.Line(delivery.Result{Seq: 1, Source: v, Provider: "clment", Type: v, ID: v, Attempt: delivery.Attempt{Status: 200, OK: true}})
			l.Line(delivery.Result{Seq: 2, Source: "f.json", Provider: "clment", Type: v, ID: v, Err: errors.New("bad " + v)})
			return b.String()
		}, false},
		{"verify text", func(v string) string {
			var b bytes.Buffer
			VerifyText(&b, plain(), Verification{Name: "Clment", Scheme: "hmac-sha256", Reason: "header " + v,
				Warnings: []string{v}, Findings: []signing.Finding{{Cause: signing.CauseUnexplained, Message: v}}}, 0)
			return b.String()
		}, false},
		{"send request", func(v string) string {
			var b bytes.Buffer
			SendRequest(&b, &delivery.Delivery{Headers: []signing.Header{{Name: "X-Id", Value: v}}, Body: []byte(`{"id":"` + strings.ReplaceAll(v, "\n", " ") + `"}`)}, "http://h/"+v)
			return b.String()
		}, false},
		{"send attempt", func(v string) string {
			var b bytes.Buffer
			SendAttempt(&b, plain(), delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 500, ResponseBody: []byte(v)},
				Stop: delivery.StopStatus, StopNote: v}, true)
			ResponseHeaders(&b, plain(), delivery.Attempt{Status: 500, ResponseHeaders: http.Header{"X-A": {v}}})
			return b.String()
		}, false},
		{"conformance table piped", func(v string) string {
			var b bytes.Buffer
			ConformanceTable(&b, plain(), false, 0, []conformance.Result{{Check: "valid", Outcome: conformance.Fail, Detail: "answered 500: " + v}})
			return b.String()
		}, false},
		{"conformance table terminal", func(v string) string {
			var b bytes.Buffer
			ConformanceTable(&b, plain(), true, 200, []conformance.Result{{Check: "valid", Outcome: conformance.Fail, Detail: "answered 500: " + v}})
			return b.String()
		}, true},
	}
	for _, r := range renderings {
		t.Run(r.name, func(t *testing.T) {
			harmless := r.render("x")
			got := r.render(hostile)
			if c, bad := leaks(got, true); bad {
				t.Errorf("%U reaches the output:\n%s", c, got)
			}
			if n, want := strings.Count(got, "\n"), strings.Count(harmless, "\n"); n != want && !r.wraps {
				t.Errorf("%d lines, want %d as for a harmless value:\n%s", n, want, got)
			}
		})
	}
}

func listenWith(v string, mode ListenMode) string {
	at := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	// Bodies are shown line by line, so their line breaks stay.
	oneLine := strings.ReplaceAll(v, "\n", " ")
	rec := &record.Record{Kind: "delivery", ReceivedAt: at, Method: "POST", Path: "/" + v,
		Headers: http.Header{"X-Clment-Event": {v}}, Body: []byte("text " + oneLine),
		Provider: "clment", Type: v, ID: v,
		Signature: &record.Signature{Status: "invalid", Reason: "header " + v},
		Schema:    &record.Schema{Status: "invalid", Errors: []record.Problem{{Pointer: "/" + v, Message: "bad " + v}}},
		Response:  &record.Response{Status: 200, Body: "ok " + oneLine}}
	d := &listener.Delivery{Record: rec, Warnings: []string{"warn " + v}, Forward: &listener.Forward{URL: "http://app/", Status: 200}}
	var b bytes.Buffer
	b.Write(NewListenPrinter(&b, ListenOptions{Mode: mode, Verbose: true, Location: time.UTC}).Delivery(d))
	return b.String()
}
