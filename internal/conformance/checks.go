package conformance

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

func (r *runner) signedDelivery(ctx context.Context) Result {
	var failed []string
	statuses := map[int]int{}
	rejected4xx := 0
	for _, e := range r.events {
		d, err := r.build(e)
		if err != nil {
			return fail("%s: %v", e.Type, err)
		}
		a := r.send(ctx, e.Type, d)
		if ctx.Err() != nil {
			return Result{}
		}
		if !r.acknowledged(a) {
			failed = append(failed, e.Type+": "+describe(a))
			if a.Err == nil && a.Status >= 400 && a.Status < 500 {
				rejected4xx++
			}
			continue
		}
		statuses[a.Status]++
	}
	n := len(r.events)
	if len(failed) == 0 {
		return pass("%s acknowledged (%s)", plural(n, "event"), countStatuses(statuses))
	}
	res := fail("%d of %d not acknowledged (%s): %s", len(failed), n, r.rule(), list(failed))
	if f, ok := signing.FactsOf(r.o.Scheme); ok && rejected4xx == len(failed) {
		res.Detail += "; " + f.Rejected
	}
	return res
}

// expectRejected sends a delivery that a careful receiver refuses, and wants a 4xx.
func (r *runner) expectRejected(ctx context.Context, label string, d *delivery.Delivery, what string) Result {
	a := r.send(ctx, label, d)
	switch {
	case ctx.Err() != nil:
		return Result{}
	case a.Err != nil:
		return fail("%s: %s", what, describe(a))
	case a.Status >= 400 && a.Status < 500:
		return pass("%s: rejected with %d", what, a.Status)
	case a.Status >= 200 && a.Status < 300:
		return fail("%s: accepted with %d; the endpoint does not check it", what, a.Status)
	case a.Status >= 500:
		return fail("%s: answered %s; reject it with a 4xx (a 5xx says \"try again\")", what, describe(a))
	}
	return fail("%s: answered %s, want a 4xx", what, describe(a))
}

// expectAcknowledged sends a delivery a careful receiver takes, and wants it
// acknowledged. refused, given a 4xx, says what it means ("" for no more than the
// status).
func (r *runner) expectAcknowledged(ctx context.Context, label string, d *delivery.Delivery, what string, refused func(Answer) string) Result {
	a := r.send(ctx, label, d)
	switch {
	case ctx.Err() != nil:
		return Result{}
	case r.acknowledged(a):
		return pass("%s: acknowledged (%d)", what, a.Status)
	}
	if a.Err == nil && a.Status >= 400 && a.Status < 500 {
		if why := refused(a); why != "" {
			return fail("%s: %s", what, why)
		}
	}
	return fail("%s: not acknowledged (%s): %s", what, r.rule(), describe(a))
}

func (r *runner) badSignature(ctx context.Context) Result {
	e := r.base()
	d, err := r.build(e)
	if err != nil {
		return fail("%v", err)
	}
	f, _ := signing.FactsOf(r.o.Scheme)
	forger, ok := signing.Forging(r.o.Scheme)
	if !ok {
		return skip("whk cannot forge a wrong signature for the %s scheme", r.o.Scheme.Name())
	}
	if err := d.Sign(forger, r.o.Keys, signing.Params{}); err != nil {
		return fail("signing %s: %v", d.Type, err)
	}
	res := r.expectRejected(ctx, e.Type, d, f.Forged)
	res.Title = r.titleFor(CheckBadSignature)
	return res
}

func (r *runner) missingSignature(ctx context.Context) Result {
	e := r.base()
	d, err := r.build(e)
	if err != nil {
		return fail("%v", err)
	}
	var what string
	switch f, _ := signing.FactsOf(r.o.Scheme); {
	case f.Field != "":
		if d.Body, err = dropTopLevel(d.Body, f.Field); err != nil {
			return fail("%v", err)
		}
		what = "no " + f.Field + " field"
	case f.Header != "":
		dropHeader(d, f.Header)
		what = "no " + f.Header + " header"
	default:
		return skip("whk does not know where the %s scheme puts its signature", r.o.Scheme.Name())
	}
	res := r.expectRejected(ctx, e.Type, d, what)
	res.Title = r.titleFor(CheckMissingSignature)
	return res
}

func (r *runner) tamperedBody(ctx context.Context) Result {
	if f, ok := signing.FactsOf(r.o.Scheme); ok && !f.CoversBody {
		return skip(f.Uncovered, r.p.Name)
	}
	e := r.base()
	d, err := r.build(e)
	if err != nil {
		return fail("%v", err)
	}
	what, err := tamper(r.p, d, r.now())
	if err != nil {
		return fail("%v", err)
	}
	return r.expectRejected(ctx, e.Type, d, what)
}

func (r *runner) staleTimestamp(ctx context.Context) Result {
	f, _ := signing.FactsOf(r.o.Scheme)
	if !f.Timestamped {
		why := fmt.Sprintf("%s does not sign a timestamp", r.p.Name)
		for _, h := range r.p.Headers {
			if strings.Contains(h.Value, "{delivery_time}") {
				why += fmt.Sprintf(" (%s is not covered by the signature: its age proves nothing)", h.Name)
			}
		}
		return skip("%s", why)
	}
	staleBy := staleFactor * f.Tolerance
	e := r.base()
	var results []string
	for _, c := range []struct {
		off  time.Duration
		what string
	}{{-staleBy, "ago"}, {staleBy, "ahead"}} {
		d, err := delivery.FromExample(r.p, e, delivery.BuildOptions{Now: r.now})
		if err != nil {
			return fail("%v", err)
		}
		if err := r.sign(d, r.o.Keys, signing.Params{Timestamp: r.now().Add(c.off)}); err != nil {
			return fail("%v", err)
		}
		what := fmt.Sprintf("%s %s %s", f.TimestampIn, delivery.ShortDuration(staleBy), c.what)
		res := r.expectRejected(ctx, e.Type, d, what)
		if res.Outcome != Pass {
			return res
		}
		results = append(results, res.Detail)
	}
	return pass("%s (the tolerance is %s)", strings.Join(results, "; "), delivery.ShortDuration(f.Tolerance))
}

// firstAcknowledged sends a delivery of the base event, which the duplicate and retry
// checks then send again. done is set when the check ends there: the delivery could not
// be built or was not acknowledged (a failure), or ctx was cancelled (an empty Result).
func (r *runner) firstAcknowledged(ctx context.Context) (e *catalog.Event, d *delivery.Delivery, first Answer, done *Result) {
	e = r.base()
	d, err := r.build(e)
	if err != nil {
		res := fail("%v", err)
		return e, nil, Answer{}, &res
	}
	first = r.send(ctx, e.Type, d)
	if ctx.Err() != nil {
		return e, d, first, &Result{}
	}
	if !r.acknowledged(first) {
		res := fail("the first delivery %s was not acknowledged (%s): %s", d.ID, r.rule(), describe(first))
		return e, d, first, &res
	}
	return e, d, first, nil
}

func (r *runner) duplicate(ctx context.Context) Result {
	e, d, first, done := r.firstAcknowledged(ctx)
	if done != nil {
		return *done
	}
	second := r.send(ctx, e.Type+" (duplicate)", d)
	if ctx.Err() != nil {
		return Result{}
	}
	if !r.acknowledged(second) {
		return fail("delivery %s acknowledged once (%d), then %s when sent again; a duplicate must be acknowledged (%s), not processed twice", d.ID, first.Status, describe(second), r.rule())
	}
	return pass("delivery %s acknowledged twice (%d, %d)", d.ID, first.Status, second.Status)
}

func (r *runner) retry(ctx context.Context) Result {
	e, d, first, done := r.firstAcknowledged(ctx)
	if done != nil {
		return *done
	}
	// A retry is the same delivery (same id, same body) sent again later: delivery
	// time headers, Standard Webhooks timestamps and Ironclad nonces are new.
	again := *d
	again.At = r.now().UTC().Add(time.Second)
	if err := r.sign(&again, r.o.Keys, signing.Params{}); err != nil {
		return fail("%v", err)
	}
	second := r.send(ctx, e.Type+" (retry)", &again)
	if ctx.Err() != nil {
		return Result{}
	}
	if again.ID != d.ID {
		return fail("whk's retry changed the delivery id (%s, %s)", d.ID, again.ID)
	}
	if !r.acknowledged(second) {
		return fail("delivery %s acknowledged (%d), then its retry with the same id answered %s; a retry must be acknowledged (%s)", d.ID, first.Status, describe(second), r.rule())
	}
	return pass("delivery %s acknowledged (%d), its retry with the same id acknowledged (%d)", d.ID, first.Status, second.Status)
}

func (r *runner) unknownType(ctx context.Context) Result {
	e := r.base()
	typ := unknownTypeFor(r.p, e.Type)
	root, err := jsontree.Parse(e.Example)
	if err != nil {
		return fail("%v", err)
	}
	if jsontree.SetPointer(root, r.p.TypeAt, func(any) any { return typ }) == 0 {
		return skip("the %s example has no type at %s", e.Type, r.p.TypeAt)
	}
	body, err := jsontree.Marshal(root)
	if err != nil {
		return fail("%v", err)
	}
	d, err := delivery.FromBody(r.p, body, delivery.BuildOptions{Now: r.now})
	if err != nil {
		return fail("%v", err)
	}
	if err := r.sign(d, r.o.Keys, signing.Params{}); err != nil {
		return fail("%v", err)
	}
	a := r.send(ctx, typ, d)
	switch {
	case ctx.Err() != nil:
		return Result{}
	case r.acknowledged(a):
		return pass("%s acknowledged (%d)", typ, a.Status)
	case a.Err == nil && a.Status >= 500:
		return fail("%s crashed the endpoint (%s); acknowledge types you do not know and ignore them", typ, describe(a))
	}
	res := fail("%s not acknowledged (%s): %s; acknowledge types you do not know and ignore them", typ, r.rule(), describe(a))
	if r.p.VersionSuffix != "" {
		res.Detail += " (" + r.p.Name + " ships changed payloads as new versioned types beside the old ones)"
	}
	return res
}

func (r *runner) timeout(ctx context.Context) Result {
	if len(r.answers) == 0 {
		e := r.base()
		d, err := r.build(e)
		if err != nil {
			return fail("%v", err)
		}
		r.send(ctx, e.Type, d)
		if ctx.Err() != nil {
			return Result{}
		}
	}
	var late []string
	var answered []labelled
	for _, l := range r.answers {
		switch {
		case l.a.TimedOut:
			late = append(late, l.label)
		case l.a.Err == nil:
			answered = append(answered, l)
		}
	}
	if len(answered) == 0 && len(late) == 0 {
		return fail("no answer to time: %s", describe(r.answers[0].a))
	}
	slowest := labelled{}
	for _, l := range answered {
		if l.a.Duration >= slowest.a.Duration {
			slowest = l
		}
	}
	sl := fmt.Sprintf("slowest answer %s (%s)", delivery.ShortDuration(slowest.a.Duration), slowest.label)
	if len(answered) == 0 {
		sl = "no answer came"
	}
	var slow []string
	for _, l := range answered {
		if l.a.Duration > r.limit/2 {
			slow = append(slow, fmt.Sprintf("%s %s", l.label, delivery.ShortDuration(l.a.Duration)))
		}
	}
	if len(slow) > 0 {
		sl += fmt.Sprintf("; slow (over half the limit): %s", list(slow))
	}
	n := plural(len(r.answers), "answer")
	if !r.documented && r.o.Timeout == 0 {
		res := skip("%s does not document a timeout; whk waited up to %s: %s", r.p.Name, delivery.ShortDuration(r.limit), sl)
		if len(late) > 0 {
			res.Detail = fmt.Sprintf("%s does not document a timeout; %d of %s did not come within whk's %s: %s", r.p.Name, len(late), n, delivery.ShortDuration(r.limit), list(late))
		}
		return res
	}
	if len(late) > 0 {
		return fail("%d of %s did not come within %s %s: %s", len(late), n, r.limitSource, delivery.ShortDuration(r.limit), list(late))
	}
	return pass("%s within %s %s; %s", n, r.limitSource, delivery.ShortDuration(r.limit), sl)
}

// titleFor names a check the way the provider's scheme needs: CM.com Sign has a token,
// Oneflow a signature field.
func (r *runner) titleFor(id string) string {
	switch f, _ := signing.FactsOf(r.o.Scheme); {
	case f.Token:
		if id == CheckBadSignature {
			return "a wrong token in " + f.Header + " is rejected with 4xx"
		}
		return "a delivery without the " + f.Header + " header is rejected with 4xx"
	case f.Field != "":
		if id == CheckBadSignature {
			return "a wrong " + f.Field + " field is rejected with 4xx"
		}
		return "a delivery without a " + f.Field + " field is rejected with 4xx"
	}
	return ""
}

// unknownTypeFor makes an event type the receiver cannot know, in the provider's style:
// a versioned type for a provider that ships changed payloads as such (Clment).
func unknownTypeFor(p *catalog.Provider, base string) string {
	switch {
	case p.VersionSuffix != "":
		return base + p.VersionSuffix
	case strings.Contains(base, ":"):
		return "whk_test:unknown_event"
	case strings.Contains(base, "."):
		return "whk.test.unknown_event"
	}
	return "whk_test_unknown_event"
}

// tamper alters a signed body the way an attacker would: a timestamp moved back an hour,
// or, when the provider has none, a field added. The headers stay as signed.
func tamper(p *catalog.Provider, d *delivery.Delivery, now time.Time) (string, error) {
	root, err := jsontree.Parse(d.Body)
	if err != nil {
		return "", err
	}
	what := ""
	for _, f := range p.Fresh {
		if f.Kind != "time" {
			continue
		}
		if jsontree.SetPointer(root, f.At, func(any) any { return now.UTC().Add(-time.Hour).Format(f.Layout) }) > 0 {
			what = "body altered after signing (" + strings.TrimPrefix(strings.ReplaceAll(f.At, "/*", "[]"), "/") + " moved an hour back)"
			break
		}
	}
	if what == "" {
		obj, ok := root.(*jsontree.Object)
		if !ok {
			return "", fmt.Errorf("the body is not a JSON object")
		}
		obj.Set("whk_tampered", true)
		what = "body altered after signing (a field added)"
	}
	if d.Body, err = jsontree.Marshal(root); err != nil {
		return "", err
	}
	return what, nil
}

func dropHeader(d *delivery.Delivery, name string) {
	out := d.Headers[:0]
	for _, h := range d.Headers {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	d.Headers = out
}

// dropTopLevel removes a top-level key from a JSON object, keeping the other keys'
// order.
func dropTopLevel(body []byte, key string) ([]byte, error) {
	root, err := jsontree.Parse(body)
	if err != nil {
		return nil, err
	}
	obj, ok := root.(*jsontree.Object)
	if !ok {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	keys := obj.Keys[:0]
	for _, k := range obj.Keys {
		if k != key {
			keys = append(keys, k)
		}
	}
	obj.Keys = keys
	delete(obj.Values, key)
	return jsontree.Marshal(obj)
}

func countStatuses(m map[int]int) string {
	var codes []int
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		if m[c] == 1 {
			parts = append(parts, fmt.Sprint(c))
		} else {
			parts = append(parts, fmt.Sprintf("%d ×%d", c, m[c]))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
