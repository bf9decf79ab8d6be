package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

// CheckMaxBody holds a receiver to the largest body its provider says it sends: body
// limits in frameworks and proxies (Express's 100 kB, a 1 MB default elsewhere) refuse
// large deliveries that every test with a small example lets through.
const CheckMaxBody = "max-body"

// paddingField is the top-level field that brings the body to size; receivers ignore
// fields they do not know.
const paddingField = "whk_padding"

// maxBody sends a correctly signed delivery of exactly the provider's documented
// maximum size.
func (r *runner) maxBody(ctx context.Context) Result {
	limit := r.p.MaxBody
	if limit == 0 {
		return skip("not documented: %s states no maximum body size", r.p.Name)
	}
	e := r.base()
	padded := func(n int64) (*delivery.Delivery, error) {
		d, err := delivery.FromExample(r.p, e, delivery.BuildOptions{Now: r.now})
		if err != nil {
			return nil, err
		}
		root, err := jsontree.Parse(d.Body)
		if err != nil {
			return nil, err
		}
		obj, ok := root.(*jsontree.Object)
		if !ok {
			return nil, fmt.Errorf("the %s example is not a JSON object", e.Type)
		}
		obj.Set(paddingField, strings.Repeat("x", int(max(n, 0))))
		if d.Body, err = jsontree.Marshal(obj); err != nil {
			return nil, err
		}
		return d, r.sign(d, r.o.Keys, signing.Params{})
	}
	// A scheme may put its signature in the body (Oneflow): measure once, then pad by
	// what is missing.
	d, err := padded(0)
	if err != nil {
		return fail("%v", err)
	}
	if short := limit - int64(len(d.Body)); short < 0 {
		return fail("the %s example is %d bytes, over %s's maximum of %d", e.Type, len(d.Body), r.p.Name, limit)
	} else if d, err = padded(short); err != nil {
		return fail("%v", err)
	}
	what := fmt.Sprintf("a %s delivery of %d bytes (%s's documented maximum)", e.Type, len(d.Body), r.p.Name)
	return r.expectAcknowledged(ctx, e.Type+" (maximum size)", d, what, func(a Answer) string {
		if a.Status != 413 {
			return ""
		}
		return fmt.Sprintf("refused as too large (%s); raise the endpoint's body limit (and any proxy's in front of it) to at least %d bytes", describe(a), limit)
	})
}
