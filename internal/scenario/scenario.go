// Package scenario sends whole lifecycles: an ordered list of catalog events, each
// built, signed and posted as `whk send` does, with values shared between steps and,
// for robustness tests, deliberately out of order, repeated or dropped and retried. The
// engine reports each delivery to a callback and never prints.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/input"
)

// MaxFileSize bounds a scenario file; a lifecycle of a hundred steps is under 20 KiB.
const MaxFileSize = 1 << 20

// MaxSteps bounds the steps of one scenario.
const MaxSteps = 1000

// Scenario is a lifecycle: steps sent in order to one provider's receiver.
type Scenario struct {
	Name        string
	Description string
	Provider    *catalog.Provider
	// Source names where the scenario came from (a file path, or "built-in").
	Source string
	Steps  []Step
}

// Step is one delivery of a scenario.
type Step struct {
	// Name lets later steps refer to this one; empty when none do.
	Name  string
	Event *catalog.Event
	// Sets are --set path=value overrides; values may hold references.
	Sets []string
	// Wait is how long to wait before this step's delivery.
	Wait time.Duration
	// refs are the references of each set, by set index.
	refs [][]ref
}

// Label names the step for people: its name, else its number.
func (s Step) Label(i int) string {
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("step %d", i+1)
}

// Error is a scenario that cannot run: it names the file and, when there is one, the
// step.
type Error struct {
	Source string
	// Step numbers the step from 1; 0 when the error is not in a step.
	Step int
	Name string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Step == 0:
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	case e.Name != "":
		return fmt.Sprintf("%s: step %d (%s): %v", e.Source, e.Step, e.Name, e.Err)
	}
	return fmt.Sprintf("%s: step %d: %v", e.Source, e.Step, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// file is a scenario file as written.
type file struct {
	Name        string            `json:"name"`
	Provider    string            `json:"provider"`
	Description string            `json:"description"`
	Steps       []json.RawMessage `json:"steps"`
}

// stepFile is one step as written.
type stepFile struct {
	Name  string   `json:"name"`
	Event string   `json:"event"`
	Set   []string `json:"set"`
	Wait  string   `json:"wait"`
}

var (
	fileKeys = "name, provider, description, steps"
	stepKeys = "name, event, set, wait"
)

// namePattern is what a step name may be: it sits in ${steps.NAME…} between dots.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ReadFile reads and checks a scenario file. provider, when not nil, is the provider
// given on the command line: it must agree with the file's, or stands in when the file
// names none.
func ReadFile(c *catalog.Catalog, path string, provider *catalog.Provider) (*Scenario, error) {
	b, err := input.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, &Error{Source: path, Err: err}
	}
	return Parse(c, path, b, provider)
}

// Parse checks a scenario: the JSON shape, unknown keys, the events, the waits, the
// step names and every reference's syntax and target step. Whether a referenced field
// exists is known only once the referenced body is built: Build checks it.
func Parse(c *catalog.Catalog, source string, b []byte, provider *catalog.Provider) (*Scenario, error) {
	fail := func(step int, name string, format string, a ...any) error {
		return &Error{Source: source, Step: step, Name: name, Err: fmt.Errorf(format, a...)}
	}
	var f file
	if err := strictDecode(b, &f); err != nil {
		return nil, fail(0, "", "%v", keyError(err, fileKeys))
	}
	sc := &Scenario{Name: f.Name, Description: f.Description, Source: source}
	switch {
	case f.Provider == "" && provider == nil:
		return nil, fail(0, "", "no provider: name one in \"provider\" or pass -p")
	case f.Provider == "":
		sc.Provider = provider
	default:
		p, err := c.Provider(f.Provider)
		if err != nil {
			return nil, fail(0, "", "%v", err)
		}
		if provider != nil && provider.ID != p.ID {
			return nil, fail(0, "", "the scenario is for %s, -p names %s", p.ID, provider.ID)
		}
		sc.Provider = p
	}
	if len(f.Steps) == 0 {
		return nil, fail(0, "", "no steps")
	}
	if len(f.Steps) > MaxSteps {
		return nil, fail(0, "", "%d steps, more than %d", len(f.Steps), MaxSteps)
	}
	names := map[string]int{}
	for i, raw := range f.Steps {
		var sf stepFile
		if err := strictDecode(raw, &sf); err != nil {
			return nil, fail(i+1, "", "%v", keyError(err, stepKeys))
		}
		n := i + 1
		if sf.Name != "" {
			if !namePattern.MatchString(sf.Name) {
				return nil, fail(n, "", "name %q: use letters, digits, - and _ (at most 64)", sf.Name)
			}
			if j, dup := names[sf.Name]; dup {
				return nil, fail(n, sf.Name, "the name is already step %d's", j+1)
			}
		}
		if sf.Event == "" {
			return nil, fail(n, sf.Name, "no event")
		}
		e, err := sc.Provider.Event(sf.Event)
		if err != nil {
			return nil, fail(n, sf.Name, "%v", err)
		}
		st := Step{Name: sf.Name, Event: e, Sets: sf.Set}
		if sf.Wait != "" {
			if st.Wait, err = time.ParseDuration(sf.Wait); err != nil || st.Wait < 0 {
				return nil, fail(n, sf.Name, "wait %q: want a Go duration such as 500ms or 2s", sf.Wait)
			}
		}
		for _, s := range sf.Set {
			_, val, ok := strings.Cut(s, "=")
			if !ok {
				return nil, fail(n, sf.Name, "set %q: want path=value", s)
			}
			refs, err := parseRefs(val)
			if err != nil {
				return nil, fail(n, sf.Name, "set %q: %v", s, err)
			}
			for _, r := range refs {
				_, known := names[r.step]
				switch {
				case r.step == sf.Name:
					return nil, fail(n, sf.Name, "%s refers to the step itself: a step can only use the steps before it", r.text)
				case !known && laterStep(f.Steps[i+1:], r.step):
					return nil, fail(n, sf.Name, "%s refers to a later step: a step can only use the steps before it", r.text)
				case !known:
					return nil, fail(n, sf.Name, "%s: no step before this one is named %q", r.text, r.step)
				}
			}
			st.refs = append(st.refs, refs)
		}
		if sf.Name != "" {
			names[sf.Name] = i
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc, nil
}

// laterStep reports whether one of the steps after the current one is named name.
func laterStep(rest []json.RawMessage, name string) bool {
	for _, raw := range rest {
		var sf struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &sf) == nil && sf.Name == name {
			return true
		}
	}
	return false
}

// strictDecode decodes one JSON value, refusing unknown keys and trailing data.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// keyError words encoding/json's unknown field error for a person writing the file.
func keyError(err error, keys string) error {
	msg := err.Error()
	if k, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Errorf("unknown key %s (known: %s)", k, keys)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: want %s, got a JSON %s", te.Field, te.Type, te.Value)
	}
	return fmt.Errorf("not a scenario: %s", strings.TrimPrefix(msg, "json: "))
}
