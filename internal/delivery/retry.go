package delivery

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// Policy is when a delivery is tried again: the provider's delays (compressed by
// Scale), its special statuses and its rule for which failures are retried.
type Policy struct {
	// Delays are the waits before each retry, unscaled; none means one attempt only.
	Delays []time.Duration
	// Scale multiplies every wait (--time-scale); 0 means 1.
	Scale   float64
	Success catalog.Success
	// Note says where the schedule comes from when the provider does not document it.
	Note string
	// Throttle are the statuses the provider reads as "slow down"; RetryAfter says it
	// takes a Retry-After header into account. Both come from the catalog's retry facts.
	Throttle   []int
	RetryAfter bool
	// Provider names the provider in what the policy reports.
	Provider string
}

// MaxRetryAfter bounds how long a Retry-After can stretch one wait, before scaling:
// a receiver must not park whk for a day. The schedule's own longest delay bounds it
// too, so a Retry-After never waits longer than the provider itself ever would.
const MaxRetryAfter = time.Hour

// NoRetry is a policy of one attempt under the provider's success rule.
func NoRetry(p *catalog.Provider) Policy {
	return Policy{Success: p.Success, Scale: 1, Provider: p.Name}
}

// RetryPolicy is the provider's retry schedule. Where the provider documents no
// schedule (Clment) or no exact delays (CM.com Sign), it uses the Standard Webhooks
// example delays for the provider's documented number of attempts and says so in Note.
func RetryPolicy(p *catalog.Provider, scale float64) Policy {
	delays, documented := p.Retry.Schedule()
	pol := Policy{Delays: delays, Scale: scale, Success: p.Success, Provider: p.Name,
		Throttle: p.Retry.ThrottleStatuses, RetryAfter: p.Retry.RetryAfter}
	if !documented {
		why := p.Retry.Note
		if why == "" {
			why = "The retry schedule is not documented."
		}
		pol.Note = fmt.Sprintf("%s: %s whk uses the Standard Webhooks example delays (%s) for %d attempts.",
			p.Name, why, formatDelays(delays), len(delays)+1)
	}
	return pol
}

func formatDelays(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = ShortDuration(d)
	}
	return strings.Join(parts, ", ")
}

// ShortDuration writes a duration for people, whk's one way to: to about two
// significant figures (340µs, 12ms, 1.2s, 2m3s) and without zero units (5m rather than
// 5m0s, 2h rather than 2h0m0s). Catalog and flag values are whole units, so only
// measured durations are ever rounded.
func ShortDuration(d time.Duration) string {
	switch a := d.Abs(); {
	case a >= time.Minute:
		d = d.Round(time.Second)
	case a >= time.Second:
		d = d.Round(100 * time.Millisecond)
	case a >= time.Millisecond:
		d = d.Round(time.Millisecond)
	default:
		d = d.Round(time.Microsecond)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Wait is the scaled wait before retry i (0-based).
func (p Policy) Wait(i int) time.Duration { return p.scaled(p.Delays[i]) }

func (p Policy) scaled(d time.Duration) time.Duration {
	s := p.Scale
	if s <= 0 {
		s = 1
	}
	return time.Duration(float64(d) * s)
}

// retryAfterCap is the longest unscaled wait a Retry-After may ask for: the
// schedule's longest delay, and never more than MaxRetryAfter.
func (p Policy) retryAfterCap() time.Duration {
	c := time.Duration(0)
	for _, d := range p.Delays {
		c = max(c, d)
	}
	return min(c, MaxRetryAfter)
}

// Stop reasons: why a delivery gets no further attempt.
const (
	StopAcknowledged = "acknowledged"
	StopStatus       = "stop status"
	StopNotRetried   = "not retried"
	StopExhausted    = "attempts exhausted"
	StopNoRetry      = "no retry"
	StopInterrupted  = "interrupted"
)

// What whk did with a response's Retry-After before the next attempt.
const (
	// RetryAfterHonoured: the next attempt comes no sooner than the receiver asked
	// (later when the schedule's own delay is longer).
	RetryAfterHonoured = "honoured"
	// RetryAfterCapped: the receiver asked for more than the cap; whk waits the cap.
	RetryAfterCapped = "capped"
	// RetryAfterUndocumented: the provider's documents say nothing of Retry-After, so
	// whk keeps the provider's schedule rather than invent a behaviour.
	RetryAfterUndocumented = "not documented"
	// RetryAfterInvalid: the header is neither delay-seconds nor an HTTP-date.
	RetryAfterInvalid = "invalid"
)

// AttemptEvent reports one attempt as it finishes.
type AttemptEvent struct {
	Attempt Attempt
	// Next is the scaled wait before the next attempt; zero with Stop set.
	Next time.Duration
	// Stop says why this was the last attempt ("" when another follows); StopNote
	// gives the provider's reason for a stop status or an unretried failure.
	Stop     string
	StopNote string
	// Throttled means the provider reads the status as "slow down" (Standard Webhooks:
	// 429, 502, 504); the schedule goes on.
	Throttled bool
	// RetryAfter says what became of the answer's Retry-After (one of RetryAfter*),
	// "" when none came or no attempt follows; the value asked for is in Attempt.
	RetryAfter string
}

// Decide is what the provider would do after attempt i (0-based) of a delivery: stop
// (and why), or wait Next and try again. It is the policy's whole judgement, kept
// apart from the sending and the waiting so that it is a table test.
func (p Policy) Decide(i int, a Attempt) AttemptEvent {
	ev := AttemptEvent{Attempt: a}
	switch {
	case a.OK:
		ev.Stop = StopAcknowledged
		return ev
	case isStop(p.Success, a.Status):
		ev.Stop, ev.StopNote = StopStatus, p.Success.StopNote
	case !p.Success.Retryable(a.Status):
		ev.Stop, ev.StopNote = StopNotRetried, p.Success.StopNote
	case len(p.Delays) == 0:
		ev.Stop = StopNoRetry
	case i >= len(p.Delays):
		ev.Stop = StopExhausted
	default:
		ev.Next = p.Wait(i)
	}
	ev.Throttled = a.Status != 0 && contains(p.Throttle, a.Status)
	if ev.Stop != "" || !a.RetryAfter.Given {
		return ev
	}
	// Standard Webhooks 1.0.0, "Delivery success and failure": a response may carry
	// Retry-After (e.g. 503), which "should be taken into consideration when scheduling
	// the next attempt". whk reads that as: never sooner than asked, never faster than
	// the schedule, and never longer than the cap.
	switch {
	case !p.RetryAfter:
		ev.RetryAfter = RetryAfterUndocumented
	case !a.RetryAfter.Valid:
		ev.RetryAfter = RetryAfterInvalid
	default:
		ask, use := a.RetryAfter.Delay, RetryAfterHonoured
		if c := p.retryAfterCap(); ask > c {
			ask, use = c, RetryAfterCapped
		}
		ev.Next = max(ev.Next, p.scaled(ask))
		ev.RetryAfter = use
	}
	return ev
}

// Outcome is the result of a delivery after all its attempts.
type Outcome struct {
	Attempts []Attempt
	OK       bool
	Stop     string
	StopNote string
}

// Last is the final attempt.
func (o Outcome) Last() Attempt { return o.Attempts[len(o.Attempts)-1] }

// Deliver sends d, then retries the very same request (same delivery id, headers and
// body) as the policy decides, calling on after each attempt. A cancelled ctx ends the
// waits between attempts (Stop = StopInterrupted), never an attempt in flight; the
// outcome then holds the attempts made so far.
func Deliver(ctx context.Context, s *Poster, d *Delivery, pol Policy, on func(AttemptEvent)) Outcome {
	var out Outcome
	for i := 0; ; i++ {
		a := s.Post(ctx, d)
		a.N = i + 1
		out.Attempts = append(out.Attempts, a)
		ev := pol.Decide(i, a)
		if ev.Stop == "" && ctx.Err() != nil {
			ev.Stop, ev.Next = StopInterrupted, 0
		}
		if on != nil {
			on(ev)
		}
		if ev.Stop != "" {
			out.OK, out.Stop, out.StopNote = a.OK, ev.Stop, ev.StopNote
			return out
		}
		if err := s.sleep(ctx, ev.Next); err != nil {
			out.Stop = StopInterrupted
			return out
		}
	}
}

// sleep waits d or until ctx is done, whichever is first; ctx's error says which.
func (s *Poster) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func isStop(s catalog.Success, status int) bool { return contains(s.StopStatuses, status) }

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// RetryAfter is a response's Retry-After header, read against the Poster's clock
// when the answer arrived.
type RetryAfter struct {
	// Given: the header was there; Valid: it parsed (delay-seconds or an HTTP-date).
	Given, Valid bool
	// Delay is how long the receiver asked the sender to wait (0 for a past date).
	Delay time.Duration
}

// maxRetryAfterDelay keeps an absurd delay-seconds from overflowing a Duration;
// anything near it is capped far lower anyway.
const maxRetryAfterDelay = 100 * 365 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After value (RFC 9110 10.2.3): delay-seconds, or an
// HTTP-date taken relative to now.
func ParseRetryAfter(v string, now time.Time) RetryAfter {
	ra := RetryAfter{Given: true}
	v = strings.TrimSpace(v)
	if v == "" {
		return ra
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(maxRetryAfterDelay/time.Second) {
			// Too large for an int64: more than any cap.
			return RetryAfter{Given: true, Valid: true, Delay: maxRetryAfterDelay}
		}
		return RetryAfter{Given: true, Valid: true, Delay: time.Duration(n) * time.Second}
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return ra
	}
	ra.Valid = true
	if d := t.Sub(now); d > 0 {
		ra.Delay = min(d, maxRetryAfterDelay)
	}
	return ra
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
