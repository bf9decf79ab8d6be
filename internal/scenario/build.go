package scenario

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/jsontree"
)

// Built is one step's delivery, built (fresh ids and timestamps, sets applied) and
// not yet signed.
type Built struct {
	Step  int
	Label string
	// Delivery is unsigned: each send signs a copy.
	Delivery *delivery.Delivery
	root     any
}

// Build builds every step's delivery in the scenario's order, as `whk send EVENT --set`
// would, resolving each reference against the body built for the step it names. A
// reference to a field that body does not have is an *Error naming the step.
func (sc *Scenario) Build(now func() time.Time) ([]*Built, error) {
	if now == nil {
		now = time.Now
	}
	built := make([]*Built, len(sc.Steps))
	byName := map[string]*Built{}
	for i, st := range sc.Steps {
		fail := func(err error) error {
			return &Error{Source: sc.Source, Step: i + 1, Name: st.Name, Err: err}
		}
		resolve := func(r ref) (any, error) {
			src := byName[r.step]
			if src == nil { // Parse rules this out; kept so a bad Scenario cannot panic
				return nil, fmt.Errorf("%s: no step before this one is named %q", r.text, r.step)
			}
			if r.field == "id" {
				return src.Delivery.ID, nil
			}
			v, ok := lookup(src.root, r.path)
			if !ok {
				return nil, fmt.Errorf("%s: the body of step %d (%s, %s) has no field %s", r.text, src.Step+1, src.Label, src.Delivery.Type, r.path)
			}
			return v, nil
		}
		sets := make([]string, len(st.Sets))
		for k, s := range st.Sets {
			path, val, _ := strings.Cut(s, "=")
			var refs []ref
			if k < len(st.refs) {
				refs = st.refs[k]
			}
			v, err := substitute(val, refs, resolve)
			if err != nil {
				return nil, fail(err)
			}
			sets[k] = path + "=" + v
		}
		d, err := delivery.FromExample(sc.Provider, st.Event, delivery.BuildOptions{Now: now, Sets: sets})
		if err != nil {
			return nil, fail(errors.New(strings.Replace(err.Error(), "--set ", "set ", 1)))
		}
		root, err := jsontree.Parse(d.Body)
		if err != nil {
			return nil, fail(err)
		}
		b := &Built{Step: i, Label: st.Label(i), Delivery: d, root: root}
		built[i] = b
		if st.Name != "" {
			byName[st.Name] = b
		}
	}
	return built, nil
}
