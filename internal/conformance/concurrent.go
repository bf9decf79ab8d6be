package conformance

import (
	"context"
	"fmt"
	"sync"
)

// CheckConcurrentDuplicate holds a receiver to duplicates that arrive together: a
// provider that retries a slow delivery, or runs parallel workers, sends the same id
// again while the first copy is still being handled. A receiver that dedupes with
// "look up the id, then insert it" passes the sequential duplicate check and, here,
// either refuses the copies (a unique key raising a conflict, a lock held by the
// first) or lets them all through.
const CheckConcurrentDuplicate = "concurrent-duplicate"

// burst is how many copies of one delivery the check sends at once.
const burst = 5

// concurrentDuplicate sends burst copies of one signed delivery at the same moment and
// requires every one acknowledged. whk sees answers only: like the sequential
// duplicate check, it cannot tell whether the endpoint did the work once or five
// times, and says so.
func (r *runner) concurrentDuplicate(ctx context.Context) Result {
	if r.p.Dedupe == "" {
		return skip("not documented: %s does not ask receivers to process a delivery at most once", r.p.Name)
	}
	e := r.base()
	d, err := r.build(e)
	if err != nil {
		return fail("%v", err)
	}
	answers := make([]Answer, burst)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i] = r.post(ctx, d)
		}()
	}
	close(start)
	wg.Wait()
	if ctx.Err() != nil {
		return Result{}
	}
	statuses := map[int]int{}
	refused := map[string]int{}
	var order []string
	for i, a := range answers {
		r.keep(ctx, fmt.Sprintf("%s (copy %d of %d at once)", e.Type, i+1, burst), a)
		if r.acknowledged(a) {
			statuses[a.Status]++
			continue
		}
		what := describe(a)
		if refused[what] == 0 {
			order = append(order, what)
		}
		refused[what]++
	}
	var answered []string
	for _, what := range order {
		if n := refused[what]; n > 1 {
			what += fmt.Sprintf(" ×%d", n)
		}
		answered = append(answered, what)
	}
	what := fmt.Sprintf("%d copies of delivery %s sent at once", burst, d.ID)
	acked := 0
	for _, n := range statuses {
		acked += n
	}
	switch {
	case acked == 0:
		return fail("%s: none acknowledged (%s): %s; until one is, this check proves nothing (see signed-delivery)", what, r.rule(), list(answered))
	case acked < burst:
		return fail("%s: %d acknowledged (%s), %d not: %s; a copy that arrives while the first is being handled must be acknowledged too (%s): take the id with an insert that ignores conflicts, and skip the work when it was taken", what, acked, countStatuses(statuses), burst-acked, list(answered), r.p.Dedupe)
	}
	return pass("%s: all acknowledged (%s); whk sees the answers, not whether the work ran once", what, countStatuses(statuses))
}
