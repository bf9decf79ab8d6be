package delivery

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// Signer is how one provider's deliveries are signed.
type Signer struct {
	Scheme signing.Scheme
	Keys   signing.Keys
}

// ReplayOptions configure a replay.
type ReplayOptions struct {
	Items  []Item
	Poster *Poster
	// Signers sign each provider's deliveries, by provider id.
	Signers map[string]Signer
	// Concurrency is the number of deliveries in flight (default 1).
	Concurrency int
	// Rate caps deliveries started per second (0: no cap).
	Rate float64
	// Count repeats the whole set (default 1).
	Count int
	// KeepIDs keeps the items' ids and timestamps; they are still re-signed.
	KeepIDs bool
	// KeepSignature sends recorded headers and bodies byte for byte (the CM.com Sign
	// token, redacted in records, is re-added from the signer's secret).
	KeepSignature bool
	Sets          []string
	Now           func() time.Time
}

// Result is one delivery of a replay.
type Result struct {
	// Seq numbers deliveries in the order they were started, from 1.
	Seq      int
	Source   string
	Provider string
	Type     string
	ID       string
	Attempt  Attempt
	// Err is set when the delivery could not be built or signed (nothing was sent).
	Err error
}

// OK reports whether the delivery was acknowledged.
func (r Result) OK() bool { return r.Err == nil && r.Attempt.OK }

// Outcome names a result for counting: its status code, or why there was none.
func (r Result) Outcome() string {
	switch {
	case r.Err != nil:
		return "not sent"
	case r.Attempt.Status >= 100 && r.Attempt.Status < 600:
		return statusNames[r.Attempt.Status-100]
	case r.Attempt.Status != 0:
		return strconv.Itoa(r.Attempt.Status)
	}
	return string(r.Attempt.Kind)
}

// statusNames are the codes 100-599 as text, made once: Outcome runs twice per delivery.
var statusNames = func() (names [500]string) {
	for i := range names {
		names[i] = strconv.Itoa(100 + i)
	}
	return names
}()

// Summary is what a replay did.
type Summary struct {
	Sent   int
	OK     int
	Failed int
	// ByOutcome counts results by status code or error kind ("200", "timeout").
	ByOutcome map[string]int
	P50       time.Duration
	P95       time.Duration
	P99       time.Duration
	Elapsed   time.Duration
	// PerSecond is deliveries completed per second of Elapsed.
	PerSecond float64
	// Interrupted is true when the context was cancelled before every delivery started.
	Interrupted bool
}

// Outcomes lists ByOutcome's keys: status codes in order, then error kinds.
func (s Summary) Outcomes() []string {
	keys := make([]string, 0, len(s.ByOutcome))
	for k := range s.ByOutcome {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case (errA == nil) != (errB == nil):
			return errA == nil
		}
		return keys[i] < keys[j]
	})
	return keys
}

// prepared is an item ready to be turned into deliveries many times over.
type prepared struct {
	item   Item
	tpl    *Template // nil with KeepSignature
	fixed  *Delivery // KeepSignature: the recorded request
	signer Signer
	// err says why the item cannot be sent; each of its deliveries fails with it.
	err error
}

// prepare checks every item before anything is sent. An item that cannot be sent (its
// source unreadable, its body not one a template can be made of) fails on its own;
// when no item can be sent, that is the error.
func prepare(o *ReplayOptions) ([]prepared, error) {
	out := make([]prepared, 0, len(o.Items))
	var firstErr error
	for _, it := range o.Items {
		if it.Err != nil {
			out = append(out, prepared{item: it, err: it.Err})
			firstErr = cmp.Or(firstErr, error(&SourceError{it.Source, it.Err}))
			continue
		}
		pr := prepared{item: it, signer: o.Signers[it.Provider.ID]}
		if o.KeepSignature {
			if !it.Recorded() {
				return nil, &SourceError{it.Source, fmt.Errorf("--keep-signature needs recorded requests (whk listen --record), and this is a bare body")}
			}
			d := &Delivery{Provider: it.Provider, Body: it.Body}
			tokenHeader := http.CanonicalHeaderKey(signing.TokenHeader(pr.signer.Scheme))
			for name, vals := range it.Headers {
				for _, v := range vals {
					if v == record.Redacted && http.CanonicalHeaderKey(name) == tokenHeader {
						if len(pr.signer.Keys.Secret) == 0 {
							return nil, &SourceError{it.Source, fmt.Errorf("the recorded %s token is redacted and no --secret was given to re-add it", name)}
						}
						v = string(pr.signer.Keys.Secret)
					}
					d.Headers = append(d.Headers, signing.Header{Name: name, Value: v})
				}
			}
			if t, err := NewTemplate(it.Provider, it.Body, "", BuildOptions{KeepIDs: true}); err == nil {
				d.Type, d.ID = t.typ, t.id
			}
			if id := it.Provider.IDOf(it.Headers, nil); id != "" {
				d.ID = id
			}
			pr.fixed = d
		} else {
			if pr.signer.Scheme == nil {
				return nil, &SourceError{it.Source, fmt.Errorf("no signing key for %s", it.Provider.Name)}
			}
			t, err := NewTemplate(it.Provider, it.Body, it.Provider.IDOf(it.Headers, nil), BuildOptions{KeepIDs: o.KeepIDs, Sets: o.Sets})
			if err != nil {
				pr.err = err
				firstErr = cmp.Or(firstErr, error(&SourceError{it.Source, err}))
			}
			pr.tpl = t
		}
		out = append(out, pr)
	}
	if firstErr != nil && !slices.ContainsFunc(out, func(pr prepared) bool { return pr.err == nil }) {
		return nil, firstErr
	}
	return out, nil
}

// Replay sends Count × the item set to the poster's URL with Concurrency workers over
// the poster's shared keep-alive connections, calling emit once per delivery, never
// concurrently. Deliveries are built as they are sent, so memory does not grow with
// Count. Cancelling ctx stops starting new deliveries; those in flight finish and are
// emitted; the summary so far is returned with Interrupted set.
func Replay(ctx context.Context, o ReplayOptions, emit func(Result)) (Summary, error) {
	items, err := prepare(&o)
	if err != nil {
		return Summary{}, err
	}
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.Count < 1 {
		o.Count = 1
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	total := o.Count * len(items)
	start := time.Now()
	pace := &pacer{total: int64(total), start: start}
	if o.Rate > 0 {
		pace.interval = time.Duration(float64(time.Second) / o.Rate)
	}
	col := &collector{sum: Summary{ByOutcome: map[string]int{}}, emit: emit}

	// Workers claim sequence numbers themselves and report under one lock: no
	// dispatcher or collector goroutine to hand each delivery to and from.
	var wg sync.WaitGroup
	for w := 0; w < o.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				seq, ok := pace.next(ctx)
				if !ok {
					return
				}
				col.add(sendOne(ctx, &o, &items[(seq-1)%len(items)], seq, now))
			}
		}()
	}
	wg.Wait()

	sum := col.sum
	sum.Elapsed = time.Since(start)
	sum.Interrupted = ctx.Err() != nil && sum.Sent < total
	sum.P50, sum.P95, sum.P99 = col.lat.Quantile(0.50), col.lat.Quantile(0.95), col.lat.Quantile(0.99)
	if sum.Elapsed > 0 {
		sum.PerSecond = float64(sum.Sent) / sum.Elapsed.Seconds()
	}
	return sum, nil
}

// pacer hands out sequence numbers 1..total, each no earlier than start + (seq-1) ×
// interval when a rate is set, and none once ctx is cancelled.
type pacer struct {
	total    int64
	n        atomic.Int64
	start    time.Time
	interval time.Duration
}

func (p *pacer) next(ctx context.Context) (int, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	seq := p.n.Add(1)
	if seq > p.total {
		return 0, false
	}
	if p.interval > 0 {
		if wait := time.Until(p.start.Add(time.Duration(seq-1) * p.interval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, false
			case <-t.C:
			}
		}
	}
	return int(seq), true
}

// collector counts results and emits them one at a time.
type collector struct {
	mu   sync.Mutex
	sum  Summary
	lat  Latencies
	emit func(Result)
}

func (c *collector) add(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sum.Sent++
	if r.OK() {
		c.sum.OK++
	} else {
		c.sum.Failed++
	}
	c.sum.ByOutcome[r.Outcome()]++
	if r.Err == nil {
		c.lat.Add(r.Attempt.Duration)
	}
	if c.emit != nil {
		c.emit(r)
	}
}

func sendOne(ctx context.Context, o *ReplayOptions, pr *prepared, seq int, now func() time.Time) Result {
	r := Result{Seq: seq, Source: pr.item.Source}
	if pr.item.Provider != nil {
		r.Provider = pr.item.Provider.ID
	}
	if pr.err != nil {
		r.Err = pr.err
		return r
	}
	d := pr.fixed
	if d == nil {
		d = pr.tpl.Build(now())
		if err := d.Sign(pr.signer.Scheme, pr.signer.Keys, signing.Params{}); err != nil {
			r.Type, r.ID, r.Err = d.Type, d.ID, err
			return r
		}
	}
	r.Type, r.ID = d.Type, d.ID
	r.Attempt = o.Poster.Post(ctx, d)
	r.Attempt.N = 1
	return r
}
