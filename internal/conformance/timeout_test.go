package conformance

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
)

// TestTimeoutCheckReportsSlowAnswers checks the timeout verdicts on made-up answers, so
// no test has to be slow.
func TestTimeoutCheckReportsSlowAnswers(t *testing.T) {
	c := catalog.MustBuiltin()
	clment, _ := c.Provider("clment")
	oneflow, _ := c.Provider("oneflow")
	ok := func(d time.Duration) Answer { return Answer{Attempt: delivery.Attempt{Status: 200, Duration: d}} }
	late := Answer{Attempt: delivery.Attempt{Err: errors.New("no answer within 10s"), Kind: delivery.ErrTimeout, Duration: 10 * time.Second}, TimedOut: true}
	tests := []struct {
		name    string
		p       *catalog.Provider
		answers []labelled
		outcome Outcome
		detail  string
	}{
		{"all fast", clment, []labelled{{"a", ok(3 * time.Millisecond)}, {"b", ok(9 * time.Millisecond)}},
			Pass, "2 answers within Clment's 10s; slowest answer 9ms (b)"},
		{"slow but in time", clment, []labelled{{"a", ok(3 * time.Millisecond)}, {"review.completed", ok(7300 * time.Millisecond)}},
			Pass, "2 answers within Clment's 10s; slowest answer 7.3s (review.completed); slow (over half the limit): review.completed 7.3s"},
		{"one too late", clment, []labelled{{"a", ok(3 * time.Millisecond)}, {"contract.created", late}},
			Fail, "1 of 2 answers did not come within Clment's 10s: contract.created"},
		{"not documented", oneflow, []labelled{{"contract:publish", ok(20 * time.Second)}},
			Skip, "Oneflow does not document a timeout; whk waited up to 30s: slowest answer 20s (contract:publish); slow (over half the limit): contract:publish 20s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &runner{p: tt.p, answers: tt.answers, limitSource: tt.p.Name + "'s"}
			r.limit, r.documented = delivery.Timeout(tt.p)
			res := r.timeout(context.Background())
			if res.Outcome != tt.outcome || !strings.Contains(res.Detail, tt.detail) {
				t.Errorf("got %s %q\nwant %s %q", res.Outcome, res.Detail, tt.outcome, tt.detail)
			}
		})
	}
}
