package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/whk-cli/whk/internal/delivery"
)

// maxResponseBody bounds how much of an answer whk reads: enough to quote an error
// message, never a whole page.
const maxResponseBody = 64 << 10

// Answer is what the endpoint said to one delivery.
type Answer struct {
	Status   int
	Body     []byte
	Duration time.Duration
	// Err is set when there was no HTTP answer (refused, DNS, TLS, timeout).
	Err error
	// TimedOut says the answer did not come within the timeout.
	TimedOut bool
}

// post sends one delivery as the provider would: its headers and body, nothing else.
// It stays small on purpose: `whk send` has the full sender; this one only has to
// measure an answer.
func post(ctx context.Context, c *http.Client, url string, d *delivery.Delivery, timeout time.Duration) Answer {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
	if err != nil {
		return Answer{Err: err}
	}
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		a := Answer{Duration: time.Since(start), Err: err}
		if errors.Is(err, context.DeadlineExceeded) {
			a.TimedOut, a.Err = true, fmt.Errorf("no answer within %s", timeout)
		}
		return a
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	a := Answer{Status: resp.StatusCode, Body: body, Duration: time.Since(start)}
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		// The status came in time but the body did not: the provider would have cut
		// the connection too.
		a.TimedOut, a.Err = true, fmt.Errorf("the answer's body did not arrive within %s", timeout)
	}
	return a
}
