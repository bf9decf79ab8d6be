package delivery

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"
)

// What each provider does after one answer, as its documents say: acknowledge, stop
// for good, not retry, throttle, and what becomes of a Retry-After.
func TestPolicyDecide(t *testing.T) {
	ra := func(d time.Duration) RetryAfter { return RetryAfter{Given: true, Valid: true, Delay: d} }
	tests := []struct {
		name     string
		provider string
		attempt  int // 0-based
		status   int
		ra       RetryAfter
		stop     string
		next     time.Duration
		throttle bool
		use      string
	}{
		{"Standard Webhooks: 2xx acknowledges", "standard-webhooks", 0, 204, RetryAfter{}, StopAcknowledged, 0, false, ""},
		{"Standard Webhooks: a 3xx is a failure, retried on the schedule", "standard-webhooks", 0, 302, RetryAfter{}, "", 5 * time.Second, false, ""},
		{"Standard Webhooks: 410 disables the endpoint, no retry", "standard-webhooks", 0, 410, RetryAfter{}, StopStatus, 0, false, ""},
		{"Standard Webhooks: 410 with Retry-After still stops", "standard-webhooks", 0, 410, ra(time.Minute), StopStatus, 0, false, ""},
		{"Standard Webhooks: 429 throttles, schedule kept", "standard-webhooks", 1, 429, RetryAfter{}, "", 5 * time.Minute, true, ""},
		{"Standard Webhooks: 502 throttles", "standard-webhooks", 0, 502, RetryAfter{}, "", 5 * time.Second, true, ""},
		{"Standard Webhooks: 504 throttles", "standard-webhooks", 0, 504, RetryAfter{}, "", 5 * time.Second, true, ""},
		{"Standard Webhooks: 500 is a plain failure", "standard-webhooks", 0, 500, RetryAfter{}, "", 5 * time.Second, false, ""},
		{"Standard Webhooks: 503 Retry-After 2m waits 2m, not the 5s of the schedule", "standard-webhooks", 0, 503, ra(2 * time.Minute), "", 2 * time.Minute, false, RetryAfterHonoured},
		{"Standard Webhooks: 429 Retry-After 1s never speeds the schedule up", "standard-webhooks", 2, 429, ra(time.Second), "", 30 * time.Minute, true, RetryAfterHonoured},
		{"Standard Webhooks: Retry-After 3h is capped at 1h", "standard-webhooks", 0, 503, ra(3 * time.Hour), "", time.Hour, false, RetryAfterCapped},
		{"Standard Webhooks: Retry-After that does not parse keeps the schedule", "standard-webhooks", 0, 503, RetryAfter{Given: true}, "", 5 * time.Second, false, RetryAfterInvalid},
		{"Standard Webhooks: 429 on the last attempt: exhausted", "standard-webhooks", 9, 429, ra(time.Minute), StopExhausted, 0, true, ""},
		{"Ironclad: 410 deletes the webhook", "ironclad", 0, 410, RetryAfter{}, StopStatus, 0, false, ""},
		{"Ironclad: 429 is an ordinary failure (throttling not documented)", "ironclad", 0, 429, RetryAfter{}, "", time.Minute, false, ""},
		{"Ironclad: Retry-After not documented: the schedule is kept", "ironclad", 0, 503, ra(10 * time.Minute), "", time.Minute, false, RetryAfterUndocumented},
		{"CM.com Sign: a 4xx is final", "cm-sign", 0, 429, ra(time.Minute), StopNotRetried, 0, false, ""},
		{"CM.com Sign: 5xx retried, Retry-After not documented", "cm-sign", 0, 503, ra(time.Minute), "", 5 * time.Second, false, RetryAfterUndocumented},
		{"Clment: Retry-After not documented", "clment", 0, 503, ra(time.Minute), "", 5 * time.Second, false, RetryAfterUndocumented},
		{"Contract-as-Code: 410 is an ordinary failure", "contract-as-code", 0, 410, RetryAfter{}, "", time.Minute, false, ""},
		{"Oneflow: 201 is a failure; Retry-After not documented", "oneflow", 0, 201, ra(time.Minute), "", time.Second, false, RetryAfterUndocumented},
		{"Oneflow: 200 acknowledges", "oneflow", 0, 200, RetryAfter{}, StopAcknowledged, 0, false, ""},
		{"connection refused is retried", "standard-webhooks", 0, 0, RetryAfter{}, "", 5 * time.Second, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := provider(t, tt.provider)
			a := Attempt{N: tt.attempt + 1, Status: tt.status, OK: p.Success.Acknowledged(tt.status), RetryAfter: tt.ra}
			if tt.status == 0 {
				a.Kind = ErrRefused
			}
			ev := RetryPolicy(p, 1).Decide(tt.attempt, a)
			if ev.Stop != tt.stop || ev.Next != tt.next || ev.Throttled != tt.throttle || ev.RetryAfter != tt.use {
				t.Errorf("stop %q next %v throttled %v retry-after %q, want %q %v %v %q",
					ev.Stop, ev.Next, ev.Throttled, ev.RetryAfter, tt.stop, tt.next, tt.throttle, tt.use)
			}
		})
	}
}

// --time-scale compresses a Retry-After wait like every other wait, cap included.
func TestPolicyDecideScalesRetryAfter(t *testing.T) {
	pol := RetryPolicy(provider(t, "standard-webhooks"), 0.001)
	a := Attempt{N: 1, Status: 503, RetryAfter: RetryAfter{Given: true, Valid: true, Delay: 2 * time.Minute}}
	if ev := pol.Decide(0, a); ev.Next != 120*time.Millisecond {
		t.Errorf("scaled Retry-After wait %v, want 120ms", ev.Next)
	}
	a.RetryAfter.Delay = 48 * time.Hour
	if ev := pol.Decide(0, a); ev.Next != 3600*time.Millisecond || ev.RetryAfter != RetryAfterCapped {
		t.Errorf("scaled cap %v %q, want 3.6s capped", ev.Next, ev.RetryAfter)
	}
}

// A Retry-After can never wait longer than the provider's own longest delay.
func TestRetryAfterCapIsTheScheduleWhenShorter(t *testing.T) {
	pol := Policy{Delays: []time.Duration{time.Second, 10 * time.Second}, Scale: 1, RetryAfter: true}
	ev := pol.Decide(0, Attempt{Status: 503, RetryAfter: RetryAfter{Given: true, Valid: true, Delay: time.Hour}})
	if ev.Next != 10*time.Second || ev.RetryAfter != RetryAfterCapped {
		t.Errorf("next %v %q, want 10s capped", ev.Next, ev.RetryAfter)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  RetryAfter
	}{
		{"delay-seconds", "120", RetryAfter{true, true, 2 * time.Minute}},
		{"zero", "0", RetryAfter{true, true, 0}},
		{"spaces around", " 7 ", RetryAfter{true, true, 7 * time.Second}},
		{"IMF-fixdate in 90 s", "Tue, 16 Jun 2026 14:33:38 GMT", RetryAfter{true, true, 90 * time.Second}},
		{"RFC 850 date", "Tuesday, 16-Jun-26 14:33:08 GMT", RetryAfter{true, true, time.Minute}},
		{"asctime date", "Tue Jun 16 14:34:08 2026", RetryAfter{true, true, 2 * time.Minute}},
		{"date in the past is now", "Tue, 16 Jun 2026 14:00:00 GMT", RetryAfter{true, true, 0}},
		{"huge delay-seconds is bounded", "99999999999999999999999", RetryAfter{true, true, maxRetryAfterDelay}},
		{"negative", "-5", RetryAfter{Given: true}},
		{"a unit is not allowed", "30s", RetryAfter{Given: true}},
		{"fraction", "1.5", RetryAfter{Given: true}},
		{"empty", "", RetryAfter{Given: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) = %+v, want %+v", tt.value, got, tt.want)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "Tue, 16 Jun 2026 14:33:38 GMT", "Tue Jun 16 14:34:08 2026", "-1", "9999999999999999999999", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		ra := ParseRetryAfter(v, now)
		if !ra.Given {
			t.Fatal("a header that was there is Given")
		}
		if ra.Delay < 0 || ra.Delay > maxRetryAfterDelay || (!ra.Valid && ra.Delay != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %+v", v, ra)
		}
	})
}

// sequenceServer answers the statuses in order (the last repeating) with the
// Retry-After values given beside them ("" for none).
func sequenceServer(t *testing.T, statuses []int, retryAfter []string) (*httptest.Server, func() int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(statuses)-1)
		n++
		mu.Unlock()
		if retryAfter[i] != "" {
			w.Header().Set("Retry-After", retryAfter[i])
		}
		w.WriteHeader(statuses[i])
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// recordSleeps is a Sleep that takes no time and keeps the waits asked for.
type recordSleeps struct{ waits []time.Duration }

func (r *recordSleeps) sleep(_ context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return nil
}

// A receiver that answers 503 with Retry-After (seconds, then an HTTP-date read
// against the Poster's clock) gets its next attempt no sooner than it asked.
func TestDeliverHonoursRetryAfter(t *testing.T) {
	now := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	p := provider(t, "standard-webhooks")
	srv, count := sequenceServer(t,
		[]int{503, 503, 429, 200},
		[]string{"120", "Tue, 16 Jun 2026 14:42:08 GMT", "", ""})
	sl := &recordSleeps{}
	poster := &Poster{URL: srv.URL, Now: func() time.Time { return now }, Sleep: sl.sleep}
	var evs []AttemptEvent
	out := Deliver(context.Background(), poster, buildSigned(t, p), RetryPolicy(p, 1), func(ev AttemptEvent) { evs = append(evs, ev) })
	if !out.OK || out.Stop != StopAcknowledged || count() != 4 {
		t.Fatalf("ok %v stop %q after %d requests", out.OK, out.Stop, count())
	}
	// 2m asked (schedule 5s); 10m asked (schedule 5m); 429 without one: the schedule's 30m.
	want := []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute}
	if !reflect.DeepEqual(sl.waits, want) {
		t.Errorf("waits %v, want %v", sl.waits, want)
	}
	if got := []string{evs[0].RetryAfter, evs[1].RetryAfter, evs[2].RetryAfter}; !reflect.DeepEqual(got, []string{RetryAfterHonoured, RetryAfterHonoured, ""}) {
		t.Errorf("retry-after uses %q", got)
	}
	if evs[1].Attempt.RetryAfter.Delay != 10*time.Minute || !evs[2].Throttled || evs[0].Throttled {
		t.Errorf("events %+v", evs)
	}
}

// A provider that documents no Retry-After keeps its own schedule and says why.
func TestDeliverKeepsScheduleWhereRetryAfterIsNotDocumented(t *testing.T) {
	p := provider(t, "contract-as-code")
	srv, _ := sequenceServer(t, []int{503, 200}, []string{"600", ""})
	sl := &recordSleeps{}
	var first AttemptEvent
	out := Deliver(context.Background(), &Poster{URL: srv.URL, Sleep: sl.sleep}, buildSigned(t, p), RetryPolicy(p, 1), func(ev AttemptEvent) {
		if ev.Attempt.N == 1 {
			first = ev
		}
	})
	if !out.OK || !reflect.DeepEqual(sl.waits, []time.Duration{time.Minute}) || first.RetryAfter != RetryAfterUndocumented {
		t.Errorf("ok %v waits %v retry-after %q", out.OK, sl.waits, first.RetryAfter)
	}
}

// Ctrl-C during a wait: no further attempt, and the outcome keeps the attempts made.
func TestDeliverInterruptedDuringWaitKeepsAttempts(t *testing.T) {
	p := provider(t, "standard-webhooks")
	srv, count := sequenceServer(t, []int{500}, []string{""})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waits := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		waits++
		if waits == 2 {
			cancel() // the user presses Ctrl-C while whk waits before the third attempt
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
	out := Deliver(ctx, &Poster{URL: srv.URL, Sleep: sleep}, buildSigned(t, p), RetryPolicy(p, 1), nil)
	if out.Stop != StopInterrupted || len(out.Attempts) != 2 || count() != 2 || out.OK {
		t.Errorf("stop %q, %d attempts, %d requests", out.Stop, len(out.Attempts), count())
	}
	if out.Attempts[1].N != 2 || out.Attempts[1].Status != 500 {
		t.Errorf("last attempt %+v", out.Attempts[1])
	}
}
