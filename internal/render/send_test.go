package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

func plain() Styles { return NewStyles(&bytes.Buffer{}, false) }

func TestSendAttemptLines(t *testing.T) {
	tests := []struct {
		name     string
		ev       delivery.AttemptEvent
		numbered bool
		want     string
	}{
		{"acknowledged", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 200, OK: true, Duration: 12300 * time.Microsecond}, Stop: delivery.StopAcknowledged}, false,
			"200 OK  12.3ms\n"},
		{"retrying with the body start", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 2, Status: 503, Duration: time.Millisecond, ResponseBody: []byte("{\n  \"error\": \"down\"\n}")}, Next: 5 * time.Minute}, true,
			"attempt 2   503 Service Unavailable  1.0ms  retrying in 5m\n  response: { \"error\": \"down\" }\n"},
		{"stop status", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 410}, Stop: delivery.StopStatus, StopNote: "410 Gone deletes the webhook: it will not fire again."}, true,
			"attempt 1   410 Gone  0.0ms  no retry: 410 Gone deletes the webhook: it will not fire again.\n"},
		{"no response", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 3, Kind: delivery.ErrRefused}, Stop: delivery.StopExhausted}, true,
			"attempt 3   connection refused  0.0ms  no attempts left\n"},
		{"throttled", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 429}, Next: 5 * time.Millisecond, Throttled: true}, true,
			"attempt 1   429 Too Many Requests  0.0ms  receiver asked to slow down; retrying in 5ms\n"},
		{"throttled with Retry-After", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 429, RetryAfter: ra(2 * time.Minute)}, Next: 120 * time.Millisecond, Throttled: true, RetryAfter: delivery.RetryAfterHonoured}, true,
			"attempt 1   429 Too Many Requests  0.0ms  receiver asked to slow down; retrying in 120ms (Retry-After: 2m)\n"},
		{"Retry-After capped", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 503, RetryAfter: ra(3 * time.Hour)}, Next: time.Hour, RetryAfter: delivery.RetryAfterCapped}, true,
			"attempt 1   503 Service Unavailable  0.0ms  retrying in 1h (Retry-After: 3h, capped)\n"},
		{"Retry-After not documented", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 503, RetryAfter: ra(10 * time.Minute)}, Next: time.Minute, RetryAfter: delivery.RetryAfterUndocumented}, true,
			"attempt 1   503 Service Unavailable  0.0ms  retrying in 1m (Retry-After: 10m ignored: not documented for this provider)\n"},
		{"Retry-After invalid", delivery.AttemptEvent{Attempt: delivery.Attempt{N: 1, Status: 503, RetryAfter: delivery.RetryAfter{Given: true}}, Next: 5 * time.Second, RetryAfter: delivery.RetryAfterInvalid}, true,
			"attempt 1   503 Service Unavailable  0.0ms  retrying in 5s (Retry-After not understood: ignored)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			SendAttempt(&b, plain(), tt.ev, tt.numbered)
			if b.String() != tt.want {
				t.Errorf("got %q\nwant %q", b.String(), tt.want)
			}
		})
	}
}

func ra(d time.Duration) delivery.RetryAfter {
	return delivery.RetryAfter{Given: true, Valid: true, Delay: d}
}

func TestSendInterrupted(t *testing.T) {
	var b bytes.Buffer
	SendInterrupted(&b, plain(), delivery.Outcome{Attempts: []delivery.Attempt{{N: 1, Status: 500}, {N: 2, Status: 500}}, Stop: delivery.StopInterrupted})
	if want := "interrupted after 2 attempts: not acknowledged\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestBodyStart(t *testing.T) {
	if got := BodyStart([]byte(strings.Repeat("é", 300)), 5); got != "ééééé…" {
		t.Errorf("long body: %q", got)
	}
	if got := BodyStart([]byte("a\xffb"), 10); got != "a�b" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

func TestSendRequestAndJSON(t *testing.T) {
	p, _ := catalog.MustBuiltin().Provider("cm-sign")
	d := &delivery.Delivery{Provider: p, Type: "dossier.prepared", ID: "d1", Body: []byte(`{"id":"d1"}`),
		Headers: []signing.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Webhook-Token", Value: "tok"}}}
	var b bytes.Buffer
	SendRequest(&b, d, "http://127.0.0.1:8080/")
	if want := "POST http://127.0.0.1:8080/\nContent-Type: application/json\nX-Webhook-Token: tok\n\n{\"id\":\"d1\"}\n"; b.String() != want {
		t.Errorf("--print: %q", b.String())
	}
	b.Reset()
	RequestHeaders(&b, plain(), d, "http://x/", "X-Webhook-Token")
	if strings.Contains(b.String(), "tok\n") || !strings.Contains(b.String(), "> X-Webhook-Token: [redacted]") {
		t.Errorf("-v shows the token: %q", b.String())
	}
	b.Reset()
	out := delivery.Outcome{Attempts: []delivery.Attempt{{N: 1, Status: 500, Duration: 2 * time.Millisecond}, {N: 2, Status: 200, OK: true, Duration: time.Millisecond, ResponseBody: []byte("ok")}}, OK: true, Stop: delivery.StopAcknowledged}
	SendJSON(&b, d, out, []delivery.AttemptEvent{{Next: 5 * time.Millisecond}, {Stop: delivery.StopAcknowledged}})
	want := `{"status":200,"duration_ms":1,"attempts":[{"attempt":1,"status":500,"duration_ms":2,"ok":false,"next_wait_ms":5},{"attempt":2,"status":200,"duration_ms":1,"ok":true}],"response_body":"ok","ok":true,"provider":"cm-sign","type":"dossier.prepared","id":"d1","stop":"acknowledged"}` + "\n"
	if b.String() != want {
		t.Errorf("--json:\n%s\nwant\n%s", b.String(), want)
	}
	// Throttling, Retry-After and a stop status's note reach the JSON; an interrupted
	// send prints the attempts it made.
	b.Reset()
	out = delivery.Outcome{Attempts: []delivery.Attempt{{N: 1, Status: 429, RetryAfter: ra(2 * time.Second)}, {N: 2, Status: 410}}, Stop: delivery.StopStatus, StopNote: "gone"}
	SendJSON(&b, d, out, []delivery.AttemptEvent{{Next: 2 * time.Millisecond, Throttled: true, RetryAfter: delivery.RetryAfterHonoured}, {Stop: delivery.StopStatus}})
	want = `{"status":410,"duration_ms":0,"attempts":[{"attempt":1,"status":429,"duration_ms":0,"ok":false,"next_wait_ms":2,"throttled":true,"retry_after_ms":2000,"retry_after":"honoured"},{"attempt":2,"status":410,"duration_ms":0,"ok":false}],"response_body":"","ok":false,"provider":"cm-sign","type":"dossier.prepared","id":"d1","stop":"stop status","stop_note":"gone"}` + "\n"
	if b.String() != want {
		t.Errorf("--json:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestReplayRendering(t *testing.T) {
	var b bytes.Buffer
	l := &ReplayLines{W: &b, St: plain()}
	l.Line(delivery.Result{Seq: 7, Source: "rec/a.json", Provider: "clment", Type: "review.completed", ID: "evt_1", Attempt: delivery.Attempt{Status: 200, OK: true, Duration: 1500 * time.Microsecond}})
	l.Line(delivery.Result{Seq: 8, Source: "clment review.completed", Provider: "clment", Type: "review.completed", ID: "evt_2", Attempt: delivery.Attempt{Kind: delivery.ErrTimeout}})
	l.Line(delivery.Result{Seq: 9, Provider: "clment", Err: errors.New("boom")})
	want := "7  200  1.5ms  clment review.completed evt_1  rec/a.json\n8  timeout  0.0ms  clment review.completed evt_2\n9  not sent: boom  0.0ms  clment  \n"
	if b.String() != want {
		t.Errorf("lines:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	ReplayJSON(&b, delivery.Result{Seq: 8, Source: "s", Provider: "clment", Type: "t", ID: "evt_2", Attempt: delivery.Attempt{Kind: delivery.ErrTimeout, Duration: time.Second}})
	if want := `{"seq":8,"source":"s","provider":"clment","type":"t","id":"evt_2","status":0,"ok":false,"duration_ms":1000,"error":"timeout"}` + "\n"; b.String() != want {
		t.Errorf("json: %s", b.String())
	}
	b.Reset()
	ReplaySummary(&b, plain(), delivery.Summary{Sent: 3, OK: 2, Failed: 1, ByOutcome: map[string]int{"timeout": 1, "200": 1, "201": 1}, P50: time.Millisecond, P95: 2 * time.Millisecond, P99: 3 * time.Millisecond, Elapsed: time.Second, PerSecond: 3, Interrupted: true}, 10)
	want = "3 sent in 1s (3/s): 2 ok, 1 failed\ninterrupted: 3 of 10 deliveries sent\nstatus: 200 ×1, 201 ×1, timeout ×1\nlatency: p50 1.0ms  p95 2.0ms  p99 3.0ms\n"
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant\n%s", b.String(), want)
	}
}
