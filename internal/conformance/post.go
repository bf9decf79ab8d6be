package conformance

import (
	"context"
	"fmt"

	"github.com/whk-cli/whk/internal/delivery"
)

// Answer is what the endpoint said to one delivery.
type Answer struct {
	delivery.Attempt
	// TimedOut says the answer did not come within the timeout.
	TimedOut bool
}

// send posts d with whk send's poster (the provider's headers and body, no redirects
// followed) and keeps the answer for the timeout check.
func (r *runner) send(ctx context.Context, label string, d *delivery.Delivery) Answer {
	a := r.post(ctx, d)
	r.keep(ctx, label, a)
	return a
}

// post sends d and names the cause of a failure; safe for concurrent use.
func (r *runner) post(ctx context.Context, d *delivery.Delivery) Answer {
	a := Answer{Attempt: r.poster.Post(ctx, d)}
	if a.Err != nil {
		a.TimedOut = a.Kind == delivery.ErrTimeout
		if a.TimedOut {
			a.Err = fmt.Errorf("no answer within %s", delivery.ShortDuration(r.limit))
		} else if why := errorText(a.Err); a.Kind != delivery.ErrOther && why != string(a.Kind) {
			a.Err = fmt.Errorf("%s (%s)", a.Kind, why)
		}
	}
	return a
}

// keep adds an answer to those the timeout check judges.
func (r *runner) keep(ctx context.Context, label string, a Answer) {
	if ctx.Err() == nil {
		r.answers = append(r.answers, labelled{label, a})
	}
}
