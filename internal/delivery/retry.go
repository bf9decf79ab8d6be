package delivery

import (
	"context"
	"fmt"
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
}

// NoRetry is a policy of one attempt under the provider's success rule.
func NoRetry(p *catalog.Provider) Policy { return Policy{Success: p.Success, Scale: 1} }

// RetryPolicy is the provider's retry schedule. Where the provider documents no
// schedule (Clment) or no exact delays (CM.com Sign), it uses the Standard Webhooks
// example delays for the provider's documented number of attempts and says so in Note.
func RetryPolicy(p *catalog.Provider, scale float64) Policy {
	delays, documented := p.Retry.Schedule()
	pol := Policy{Delays: delays, Scale: scale, Success: p.Success}
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
func (p Policy) Wait(i int) time.Duration {
	s := p.Scale
	if s <= 0 {
		s = 1
	}
	return time.Duration(float64(p.Delays[i]) * s)
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

// AttemptEvent reports one attempt as it finishes.
type AttemptEvent struct {
	Attempt Attempt
	// Next is the scaled wait before the next attempt; zero with Stop set.
	Next time.Duration
	// Stop says why this was the last attempt ("" when another follows); StopNote
	// gives the provider's reason for a stop status or an unretried failure.
	Stop     string
	StopNote string
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
// body) as the policy says, calling on after each attempt. A cancelled ctx ends the
// waits between attempts (Stop = StopInterrupted), never an attempt in flight.
func Deliver(ctx context.Context, s *Poster, d *Delivery, pol Policy, on func(AttemptEvent)) Outcome {
	var out Outcome
	for i := 0; ; i++ {
		a := s.Post(ctx, d)
		a.N = i + 1
		out.Attempts = append(out.Attempts, a)
		ev := AttemptEvent{Attempt: a}
		switch {
		case a.OK:
			ev.Stop = StopAcknowledged
		case isStop(pol.Success, a.Status):
			ev.Stop, ev.StopNote = StopStatus, pol.Success.StopNote
		case !pol.Success.Retryable(a.Status):
			ev.Stop, ev.StopNote = StopNotRetried, pol.Success.StopNote
		case len(pol.Delays) == 0:
			ev.Stop = StopNoRetry
		case i >= len(pol.Delays):
			ev.Stop = StopExhausted
		default:
			ev.Next = pol.Wait(i)
		}
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
		t := time.NewTimer(ev.Next)
		select {
		case <-ctx.Done():
			t.Stop()
			out.Stop = StopInterrupted
			return out
		case <-t.C:
		}
	}
}

func isStop(s catalog.Success, status int) bool {
	for _, st := range s.StopStatuses {
		if st == status {
			return true
		}
	}
	return false
}
