package scenario

import (
	"context"
	"time"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

// Options say how a run sends.
type Options struct {
	// Post sends one delivery once (a delivery.Poster's Post, as `whk send` does).
	Post   func(context.Context, *delivery.Delivery) delivery.Attempt
	Signer delivery.Signer
	// Scale multiplies every wait and jitter (--time-scale); 0 means 1.
	Scale float64
	Now   func() time.Time
}

// Result is one entry of the plan, sent or dropped.
type Result struct {
	// Seq numbers the entries in the order they were run, from 1.
	Seq int
	// Step numbers the scenario's step from 1; Label names it.
	Step     int
	Label    string
	Kind     Kind
	Provider string
	Type     string
	ID       string
	// Attempt is the answer; empty for a Dropped entry.
	Attempt delivery.Attempt
	// Err is set when the delivery could not be signed (nothing was sent).
	Err error
}

// Sent reports whether a request went out.
func (r Result) Sent() bool { return r.Kind != Dropped && r.Err == nil }

// OK reports whether the delivery was acknowledged under the provider's rule.
func (r Result) OK() bool { return r.Sent() && r.Attempt.OK }

// Summary counts a run.
type Summary struct {
	// Planned counts the sends of the plan (dropped entries excluded).
	Planned int
	Sent    int
	OK      int
	// Failed counts deliveries not acknowledged, or not signed.
	Failed                       int
	Duplicates, Dropped, Retries int
	Elapsed                      time.Duration
	Interrupted                  bool
}

// Run sends the plan in order, one delivery at a time, and reports each entry to emit.
// A step's wait comes before its first entry; an entry's jitter before it goes. Each
// first send signs its delivery afresh; a duplicate sends those signed bytes again; a
// retry signs the same body again, later. Ctrl-C (ctx) stops between sends and during
// waits; the summary says so.
func Run(ctx context.Context, sc *Scenario, built []*Built, plan []Send, o Options, emit func(Result)) Summary {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	scale := o.Scale
	if scale <= 0 {
		scale = 1
	}
	var sum Summary
	for _, s := range plan {
		if s.Kind != Dropped {
			sum.Planned++
		}
	}
	start := time.Now()
	signed := make([]*delivery.Delivery, len(built))
	waited := make([]bool, len(built))
	for i, s := range plan {
		b := built[s.Step]
		wait := s.Jitter
		if !waited[s.Step] {
			waited[s.Step] = true
			wait += sc.Steps[s.Step].Wait
		}
		if ctx.Err() != nil || !sleep(ctx, time.Duration(float64(wait)*scale)) {
			sum.Interrupted = true
			break
		}
		r := Result{Seq: i + 1, Step: s.Step + 1, Label: b.Label, Kind: s.Kind,
			Provider: sc.Provider.ID, Type: b.Delivery.Type, ID: b.Delivery.ID}
		var d *delivery.Delivery
		switch s.Kind {
		case Dropped:
			sum.Dropped++
			emit(r)
			continue
		case Duplicate:
			d = signed[s.Step]
		}
		if d == nil {
			// A first send, a retry, or a duplicate of a delivery not yet signed.
			cp := *b.Delivery
			cp.At = now().UTC()
			if err := cp.Sign(o.Signer.Scheme, o.Signer.Keys, signing.Params{}); err != nil {
				r.Err = err
				sum.Failed++
				emit(r)
				continue
			}
			d = &cp
			if signed[s.Step] == nil || s.Kind == Retry {
				signed[s.Step] = d
			}
		}
		r.ID = d.ID
		r.Attempt = o.Post(ctx, d)
		sum.Sent++
		switch s.Kind {
		case Duplicate:
			sum.Duplicates++
		case Retry:
			sum.Retries++
		}
		if r.Attempt.OK {
			sum.OK++
		} else {
			sum.Failed++
		}
		emit(r)
	}
	sum.Elapsed = time.Since(start)
	return sum
}

// sleep waits d, or until ctx ends; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
