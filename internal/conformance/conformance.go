// Package conformance tests a user's own webhook endpoint the way a provider treats it:
// signed deliveries of every event must be acknowledged under the provider's rule; bad,
// missing and stale signatures and altered bodies must be rejected; duplicates and
// retries must be acknowledged again; unknown event types must not crash it; and every
// answer must come within the provider's timeout. The engine reports one Result per
// check to a callback and never prints.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

// Outcome is the result of one check.
type Outcome string

// The outcomes of a check.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
)

// Check ids: stable, for --only and --skip and for CI that reads the results.
const (
	CheckSignedDelivery   = "signed-delivery"
	CheckBadSignature     = "bad-signature"
	CheckMissingSignature = "missing-signature"
	CheckTamperedBody     = "tampered-body"
	CheckStaleTimestamp   = "stale-timestamp"
	CheckDuplicate        = "duplicate"
	CheckRetry            = "retry"
	CheckUnknownType      = "unknown-type"
	CheckTimeout          = "timeout"
)

// Check is one conformance check.
type Check struct {
	ID    string
	Title string
	run   func(*runner, context.Context) Result
}

// Checks lists every check in the order they run.
var Checks = []Check{
	{CheckSignedDelivery, "a correctly signed delivery of each event is acknowledged", (*runner).signedDelivery},
	{CheckBadSignature, "a wrong signature is rejected with 4xx", (*runner).badSignature},
	{CheckMissingSignature, "a delivery without a signature is rejected with 4xx", (*runner).missingSignature},
	{CheckTamperedBody, "a body altered after signing is rejected with 4xx", (*runner).tamperedBody},
	{CheckRawBody, "a correctly signed body that is not compact JSON is acknowledged: the raw bytes are verified, not a re-serialisation", (*runner).rawBody},
	{CheckSignatureList, "a signature list with an unknown version first and the valid signature last is acknowledged", (*runner).signatureList},
	{CheckStaleTimestamp, "a signed timestamp outside the tolerance is rejected with 4xx", (*runner).staleTimestamp},
	{CheckDuplicate, "the same delivery sent twice is acknowledged twice", (*runner).duplicate},
	{CheckRetry, "a retry (same delivery id, signed again) is acknowledged", (*runner).retry},
	{CheckConcurrentDuplicate, "the same delivery sent several times at once is acknowledged every time", (*runner).concurrentDuplicate},
	{CheckUnknownType, "an unknown event type is acknowledged, not crashed on", (*runner).unknownType},
	{CheckLifecycle, "the provider's lifecycle, shuffled and with duplicates, is acknowledged delivery by delivery", (*runner).lifecycle},
	{CheckMaxBody, "a body of the provider's documented maximum size is acknowledged", (*runner).maxBody},
	{CheckTimeout, "every answer arrives within the provider's timeout", (*runner).timeout},
}

// CheckIDs lists the check ids in order.
func CheckIDs() []string {
	ids := make([]string, len(Checks))
	for i, c := range Checks {
		ids[i] = c.ID
	}
	return ids
}

// Result is the outcome of one check.
type Result struct {
	Check   string
	Title   string
	Outcome Outcome
	// Detail says what was sent and what came back, or why the check was skipped.
	Detail   string
	Duration time.Duration
}

// staleFactor times the scheme's tolerance (five minutes for Standard Webhooks, the
// catalog's own for a declarative scheme) is how far from "now" a stale timestamp is.
const staleFactor = 2

// Options say what to test and how.
type Options struct {
	Provider *catalog.Provider
	URL      string
	Scheme   signing.Scheme
	Keys     signing.Keys
	// Events are the events whose signed deliveries are sent; nil means all of the
	// provider's. The first one is the base of the other checks' deliveries.
	Events []*catalog.Event
	// Checks are the ids to run; nil means all.
	Checks []string
	Client *http.Client
	// Timeout overrides the provider's documented timeout (or, where it documents
	// none, delivery.DefaultTimeout); 0 keeps it.
	Timeout time.Duration
	Now     func() time.Time
	// OnResult, when set, gets each result as soon as its check ends.
	OnResult func(Result)
}

// Run runs the selected checks against o.URL, in order. It returns an error only when
// the checks cannot run at all or ctx is cancelled; failed checks are Results.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.Provider == nil || o.Scheme == nil {
		return nil, errors.New("conformance: no provider or scheme")
	}
	r := &runner{o: o, p: o.Provider, now: o.Now, client: o.Client}
	if r.now == nil {
		r.now = time.Now
	}
	if r.client == nil {
		// A provider does not follow redirects: a 3xx is an answer like any other.
		r.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	r.limit, r.documented = delivery.Timeout(r.p)
	r.limitSource = r.p.Name + "'s"
	if o.Timeout > 0 {
		r.limit, r.limitSource = o.Timeout, "the --timeout"
	}
	r.poster = &delivery.Poster{Client: r.client, URL: o.URL, Timeout: r.limit, Now: r.now}
	r.events = o.Events
	if r.events == nil {
		r.events = r.p.Events
	}
	if len(r.events) == 0 {
		r.events = []*catalog.Event{syntheticEvent(r.p)}
	}
	want := map[string]bool{}
	for _, id := range o.Checks {
		want[id] = true
	}
	var out []Result
	for _, c := range Checks {
		if o.Checks != nil && !want[c.ID] {
			continue
		}
		start := time.Now()
		res := c.run(r, ctx)
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res.Check, res.Duration = c.ID, time.Since(start)
		if res.Title == "" {
			res.Title = c.Title
		}
		out = append(out, res)
		if o.OnResult != nil {
			o.OnResult(res)
		}
	}
	return out, nil
}

type runner struct {
	o           Options
	p           *catalog.Provider
	now         func() time.Time
	client      *http.Client
	poster      *delivery.Poster
	events      []*catalog.Event
	limit       time.Duration
	documented  bool
	limitSource string
	answers     []labelled
}

type labelled struct {
	label string
	a     Answer
}

// build makes a fresh, correctly signed delivery of e.
func (r *runner) build(e *catalog.Event) (*delivery.Delivery, error) {
	d, err := delivery.FromExample(r.p, e, delivery.BuildOptions{Now: r.now})
	if err != nil {
		return nil, err
	}
	return d, r.sign(d, r.o.Keys, signing.Params{})
}

func (r *runner) sign(d *delivery.Delivery, k signing.Keys, p signing.Params) error {
	if err := d.Sign(r.o.Scheme, k, p); err != nil {
		return fmt.Errorf("signing %s: %w", d.Type, err)
	}
	return nil
}

func (r *runner) acknowledged(a Answer) bool {
	return a.Err == nil && r.p.Success.Acknowledged(a.Status)
}

// rule says what the provider counts as acknowledged.
func (r *runner) rule() string {
	if r.p.Success.Rule == "200" {
		return r.p.Name + " wants exactly 200"
	}
	return r.p.Name + " wants any 2xx"
}

func (r *runner) base() *catalog.Event { return r.events[0] }

func pass(format string, a ...any) Result {
	return Result{Outcome: Pass, Detail: fmt.Sprintf(format, a...)}
}

func fail(format string, a ...any) Result {
	return Result{Outcome: Fail, Detail: fmt.Sprintf(format, a...)}
}

func skip(format string, a ...any) Result {
	return Result{Outcome: Skip, Detail: fmt.Sprintf(format, a...)}
}

// describe says what came back in a few words: the status and the start of the body,
// or why nothing came back.
func describe(a Answer) string {
	if a.Err != nil {
		return errorText(a.Err)
	}
	s := fmt.Sprint(a.Status)
	if snippet := bodySnippet(a.ResponseBody); snippet != "" && (a.Status < 200 || a.Status > 299) {
		s += " " + snippet
	}
	return s
}

// errorText shortens net/http's errors to their cause ("connection refused").
func errorText(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "Post ") {
		msg = msg[i+2:]
	}
	return msg
}

func bodySnippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return ""
	}
	if rs := []rune(s); len(rs) > 60 {
		s = string(rs[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// syntheticEvent stands in for providers whose catalog lists no events (Standard
// Webhooks, whose envelope is free): the specification's recommended type, timestamp
// and data.
func syntheticEvent(p *catalog.Provider) *catalog.Event {
	return &catalog.Event{
		Type:        "whk.test",
		Description: "A test delivery in the Standard Webhooks recommended envelope.",
		Example:     []byte(`{"type":"whk.test","timestamp":"2026-01-01T00:00:00.000Z","data":{"message":"conformance test from whk"}}`),
	}
}

// list joins up to three items and says how many more there are.
func list(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:3], "; ") + fmt.Sprintf("; and %d more", len(items)-3)
}
