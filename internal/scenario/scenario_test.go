package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

var cat = catalog.MustBuiltin()

func parse(t *testing.T, doc string) (*Scenario, error) {
	t.Helper()
	return Parse(cat, "flow.json", []byte(doc), nil)
}

// TestInvalidScenarios: every way a file can be wrong is one error naming the file
// and, where there is one, the step.
func TestInvalidScenarios(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown top-level key", `{"provider":"clment","stepz":[]}`,
			`flow.json: unknown key "stepz" (known: name, provider, description, steps)`},
		{"unknown step key", `{"provider":"clment","steps":[{"event":"contract.created","sets":[]}]}`,
			`flow.json: step 1: unknown key "sets" (known: name, event, set, wait)`},
		{"unknown event", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"name":"b","event":"contract.made"}]}`,
			`flow.json: step 2 (b): unknown event "contract.made" for provider clment`},
		{"no provider", `{"steps":[{"event":"contract.created"}]}`,
			`flow.json: no provider: name one in "provider" or pass -p`},
		{"unknown provider", `{"provider":"docusign","steps":[{"event":"x"}]}`,
			`flow.json: unknown provider "docusign"`},
		{"no steps", `{"provider":"clment","steps":[]}`, `flow.json: no steps`},
		{"bad wait", `{"provider":"clment","steps":[{"event":"contract.created","wait":"soon"}]}`,
			`flow.json: step 1: wait "soon": want a Go duration`},
		{"duplicate name", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"name":"a","event":"contract.classified"}]}`,
			`flow.json: step 2 (a): the name is already step 1's`},
		{"set without =", `{"provider":"clment","steps":[{"event":"contract.created","set":["payload.title"]}]}`,
			`flow.json: step 1: set "payload.title": want path=value`},
		{"reference to an unknown step", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"event":"contract.classified","set":["payload.contractId=${steps.nope.body.payload.contractId}"]}]}`,
			`flow.json: step 2: ${steps.nope.body.payload.contractId}: no step before this one is named "nope"`},
		{"reference to a later step", `{"provider":"clment","steps":[{"name":"a","event":"contract.created","set":["payload.contractId=${steps.b.body.payload.contractId}"]},{"name":"b","event":"contract.classified"}]}`,
			`flow.json: step 1 (a): ${steps.b.body.payload.contractId} refers to a later step`},
		{"reference to itself", `{"provider":"clment","steps":[{"name":"a","event":"contract.created","set":["payload.title=${steps.a.body.payload.fileName}"]}]}`,
			`flow.json: step 1 (a): ${steps.a.body.payload.fileName} refers to the step itself`},
		{"cycle through later steps", `{"provider":"clment","steps":[{"name":"a","event":"contract.created","set":["payload.title=${steps.b.body.payload.title}"]},{"name":"b","event":"contract.created","set":["payload.title=${steps.a.body.payload.title}"]}]}`,
			`flow.json: step 1 (a): ${steps.b.body.payload.title} refers to a later step`},
		{"malformed reference", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"event":"contract.classified","set":["payload.contractId=${step.a.body.payload.contractId}"]}]}`,
			`flow.json: step 2: set "payload.contractId=${step.a.body.payload.contractId}": ${step.a.body.payload.contractId}: want ${steps.NAME.body.PATH}`},
		{"reference to neither body nor id", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"event":"contract.classified","set":["payload.contractId=${steps.a.headers.x}"]}]}`,
			`want ${steps.a.body.PATH} or ${steps.a.id}`},
		{"unclosed reference", `{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"event":"contract.classified","set":["payload.contractId=${steps.a.id"]}]}`,
			`an unclosed ${`},
		{"not JSON", `steps: []`, `flow.json: not a scenario: invalid character`},
		{"trailing data", `{"provider":"clment","steps":[{"event":"contract.created"}]} {}`, `flow.json: not a scenario: data after the JSON value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.doc)
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error is a %T, not a *scenario.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

// TestBuildRejectsMissingFields: a reference to a field the referenced body does not
// have fails when the scenario is built, before anything is sent.
func TestBuildRejectsMissingFields(t *testing.T) {
	tests := []struct {
		name, set, want string
	}{
		{"missing key", "payload.title=${steps.created.body.payload.nope}",
			"flow.json: step 2 (classified): ${steps.created.body.payload.nope}: the body of step 1 (created, contract.created) has no field payload.nope"},
		{"index past the end", "payload.title=${steps.created.body.payload.0}",
			"has no field payload.0"},
		{"wildcard", "payload.title=${steps.created.body.payload.*}",
			"has no field payload.*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := parse(t, fmt.Sprintf(`{"provider":"clment","steps":[{"name":"created","event":"contract.created"},{"name":"classified","event":"contract.classified","set":[%q]}]}`, tt.set))
			if err != nil {
				t.Fatal(err)
			}
			_, err = sc.Build(nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build error %v; want %q", err, tt.want)
			}
		})
	}
}

// TestReferencesResolve: references take the referenced value with its type when
// they are the whole value, and its text inside a longer one.
func TestReferencesResolve(t *testing.T) {
	tests := []struct {
		name, set, path string
		want            any
	}{
		{"string field", "payload.title=${steps.created.body.payload.fileName}", "title", "acme-msa.pdf"},
		{"number keeps its type", "payload.title=${steps.created.body.payload.contractNumber}", "title", float64(142)},
		{"null keeps its type", "payload.title=${steps.assigned.body.payload.previousAssigneeUserId}", "title", nil},
		{"object", "payload.title=${steps.created.body.payload}", "title.contractId", "a1b2c3d4"},
		{"inside text", "payload.title=Contract ${steps.created.body.payload.contractNumber}: ${steps.created.body.payload.fileName}", "title", "Contract 142: acme-msa.pdf"},
		{"delivery id", "payload.title=${steps.created.id}", "title", "ID:created"},
		{"literal value", "payload.title=plain", "title", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := parse(t, fmt.Sprintf(`{"provider":"clment","steps":[
				{"name":"created","event":"contract.created"},
				{"name":"assigned","event":"review.assigned"},
				{"event":"contract.classified","set":[%q]}]}`, tt.set))
			if err != nil {
				t.Fatal(err)
			}
			built, err := sc.Build(nil)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.Unmarshal(built[2].Delivery.Body, &body); err != nil {
				t.Fatal(err)
			}
			var got any = body["payload"]
			for _, k := range strings.Split(tt.path, ".") {
				got = got.(map[string]any)[k]
			}
			want := tt.want
			if want == "ID:created" {
				want = built[0].Delivery.ID
			}
			if got != want {
				t.Errorf("payload.%s = %#v, want %#v", tt.path, got, want)
			}
		})
	}
}

// TestBuiltinsBuild: every built-in scenario parses and builds against the built-in
// catalog, names a provider's lifecycle, and says where its order comes from.
func TestBuiltinsBuild(t *testing.T) {
	all, err := Builtins(cat)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sc := range all {
		seen[sc.Provider.ID] = true
		if _, err := sc.Build(nil); err != nil {
			t.Errorf("%s: %v", sc.Name, err)
		}
		if !strings.Contains(sc.Description, "order") {
			t.Errorf("%s: the description does not say where the order comes from", sc.Name)
		}
	}
	for _, p := range cat.Providers() {
		if len(p.Events) == 0 {
			continue
		}
		if lc, err := Lifecycle(cat, p); err != nil || lc == nil {
			t.Errorf("%s has no built-in lifecycle (%v)", p.ID, err)
		}
	}
}

// TestBuiltinsShareIDs: the Ironclad examples carry two different workflow ids; the
// lifecycle makes every event carry the launched one.
func TestBuiltinsShareIDs(t *testing.T) {
	sc, err := Builtin(cat, "ironclad-lifecycle")
	if err != nil || sc == nil {
		t.Fatal(sc, err)
	}
	built, err := sc.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for _, b := range built {
		var body struct {
			Payload struct{ WorkflowID string } `json:"payload"`
		}
		if err := json.Unmarshal(b.Delivery.Body, &body); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = body.Payload.WorkflowID
		}
		if body.Payload.WorkflowID != first || first == "" {
			t.Errorf("%s carries workflowID %q, the launched workflow is %q", b.Label, body.Payload.WorkflowID, first)
		}
	}
}

func TestPlanWithoutChaosIsTheScenario(t *testing.T) {
	got := planString(Plan(4, Chaos{Seed: 99}))
	if want := "1 2 3 4"; got != want {
		t.Errorf("plan %s, want %s", got, want)
	}
}

// TestPlanIsFixedBySeed pins the exact plans of fixed seeds: a change to how plans are
// drawn changes what --seed N repeats, and should be seen.
func TestPlanIsFixedBySeed(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		chaos Chaos
		want  string
	}{
		{"shuffle", 5, Chaos{Shuffle: true, Seed: 7}, "1 4 2 5 3"},
		{"duplicates", 4, Chaos{Duplicate: 0.5, Seed: 7}, "1 2 3 1d 4 4d 2d"},
		{"drop then retry", 4, Chaos{Drop: 2, Seed: 7}, "1x 2x 3 2r 1r 4"},
		{"everything", 5, Chaos{Shuffle: true, Duplicate: 0.5, Drop: 1, Seed: 7}, "1x 4 2 1r 4d 5 2d 1d 3 5d 3d"},
		{"drop all", 2, Chaos{Drop: 5, Seed: 1}, "1x 2x 1r 2r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planString(Plan(tt.n, tt.chaos))
			if got != tt.want {
				t.Errorf("plan %s, want %s", got, tt.want)
			}
			if again := planString(Plan(tt.n, tt.chaos)); again != got {
				t.Errorf("the same seed gave %s, then %s", got, again)
			}
		})
	}
}

// TestPlanInvariants: every step is delivered, duplicates and retries come after the
// delivery they repeat, and a retry never comes right after its drop.
func TestPlanInvariants(t *testing.T) {
	for seed := uint64(0); seed < 200; seed++ {
		plan := Plan(6, Chaos{Shuffle: true, Duplicate: 0.4, Drop: 2, Delay: time.Second, Seed: seed})
		sent := map[int]bool{}
		for i, s := range plan {
			switch s.Kind {
			case First, Retry:
				if sent[s.Step] {
					t.Fatalf("seed %d: step %d delivered twice as first/retry: %s", seed, s.Step+1, planString(plan))
				}
				sent[s.Step] = true
			case Duplicate:
				if !sent[s.Step] {
					t.Fatalf("seed %d: duplicate of step %d before it was sent: %s", seed, s.Step+1, planString(plan))
				}
			case Dropped:
				if i+1 < len(plan) && plan[i+1].Kind == Retry && plan[i+1].Step == s.Step {
					t.Fatalf("seed %d: retry right after its drop: %s", seed, planString(plan))
				}
			}
			if s.Jitter < 0 || s.Jitter >= time.Second {
				t.Fatalf("seed %d: jitter %s outside [0, 1s)", seed, s.Jitter)
			}
		}
		if len(sent) != 6 {
			t.Fatalf("seed %d: %d of 6 steps delivered: %s", seed, len(sent), planString(plan))
		}
	}
}

func planString(plan []Send) string {
	var parts []string
	for _, s := range plan {
		p := fmt.Sprint(s.Step + 1)
		switch s.Kind {
		case Duplicate:
			p += "d"
		case Dropped:
			p += "x"
		case Retry:
			p += "r"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// received is what a local receiver got.
type received struct {
	typ, id, sig string
	body         []byte
}

func receiver(t *testing.T, status func(n int) int) (*httptest.Server, func() []received) {
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Get("X-Clment-Event"), r.Header.Get("X-Clment-Event-Id"), r.Header.Get("X-Clment-Signature"), b})
		n := len(got)
		mu.Unlock()
		w.WriteHeader(status(n))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

func runAgainst(t *testing.T, url string, sc *Scenario, chaos Chaos) ([]Result, Summary) {
	t.Helper()
	built, err := sc.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	scheme, err := signing.For(sc.Provider, "")
	if err != nil {
		t.Fatal(err)
	}
	poster := &delivery.Poster{URL: url}
	var results []Result
	sum := Run(context.Background(), sc, built, Plan(len(built), chaos), Options{
		Post: poster.Post, Signer: delivery.Signer{Scheme: scheme, Keys: signing.Keys{Secret: []byte("clment_test_secret")}},
	}, func(r Result) { results = append(results, r) })
	return results, sum
}

// TestRunDeliversThePlan runs the Clment lifecycle shuffled, with duplicates and a
// drop, against a local receiver: it gets the exact order of the seed, duplicates
// byte for byte with the same id, the retry with the same id and body, every
// delivery correctly signed, and every event carrying the created contract's id.
func TestRunDeliversThePlan(t *testing.T) {
	sc, err := Builtin(cat, "clment-lifecycle")
	if err != nil || sc == nil {
		t.Fatal(sc, err)
	}
	srv, got := receiver(t, func(int) int { return 200 })
	chaos := Chaos{Shuffle: true, Duplicate: 0.5, Drop: 1, Seed: 7}
	results, sum := runAgainst(t, srv.URL, sc, chaos)

	wantTypes := []string{ // plan "1x 4 2 1r 4d 5 2d 1d 3 5d 3d", the dropped entry not sent
		"review.assigned", "contract.classified", "contract.created", "review.assigned",
		"review.completed", "contract.classified", "contract.created", "ai_review.generated",
		"review.completed", "ai_review.generated",
	}
	rec := got()
	var types []string
	for _, r := range rec {
		types = append(types, r.typ)
	}
	if strings.Join(types, " ") != strings.Join(wantTypes, " ") {
		t.Fatalf("received\n  %s\nwant\n  %s", strings.Join(types, " "), strings.Join(wantTypes, " "))
	}
	if sum.Sent != 10 || sum.OK != 10 || sum.Failed != 0 || sum.Duplicates != 5 || sum.Dropped != 1 || sum.Retries != 1 {
		t.Errorf("summary %+v", sum)
	}
	if len(results) != 11 || results[0].Kind != Dropped || results[0].Sent() || results[0].Step != 1 || results[3].Kind != Retry || results[3].ID != results[0].ID {
		t.Fatalf("results start %+v (of %d)", results[0], len(results))
	}
	byID := map[string][]received{}
	contract := ""
	for _, r := range rec {
		byID[r.id] = append(byID[r.id], r)
		scheme, _ := signing.For(sc.Provider, "")
		if v, err := scheme.Verify(r.body, headersOf(r), signing.Keys{Secret: []byte("clment_test_secret")}, signing.VerifyOptions{}); err != nil || !v.Valid {
			t.Errorf("%s %s: signature: %+v %v", r.typ, r.id, v, err)
		}
		var body struct {
			ID      string `json:"id"`
			Payload struct {
				ContractID string `json:"contractId"`
			} `json:"payload"`
		}
		json.Unmarshal(r.body, &body)
		if body.ID != r.id {
			t.Errorf("body id %s, header id %s", body.ID, r.id)
		}
		if contract == "" {
			contract = body.Payload.ContractID
		}
		if body.Payload.ContractID != contract {
			t.Errorf("%s carries contract %s, want %s", r.typ, body.Payload.ContractID, contract)
		}
	}
	if len(byID) != 5 {
		t.Errorf("%d distinct delivery ids, want one per step (5)", len(byID))
	}
	for id, rs := range byID {
		for _, r := range rs[1:] {
			if string(r.body) != string(rs[0].body) {
				t.Errorf("delivery %s sent again with another body", id)
			}
		}
	}
	for i, r := range results {
		if r.Seq != i+1 {
			t.Errorf("result %d has seq %d", i, r.Seq)
		}
	}
}

// TestRunCountsUnacknowledged: a delivery answered outside the provider's rule is a
// failure of the run.
func TestRunCountsUnacknowledged(t *testing.T) {
	sc, _ := Builtin(cat, "clment-lifecycle")
	srv, _ := receiver(t, func(n int) int {
		if n == 3 {
			return 500
		}
		return 204
	})
	results, sum := runAgainst(t, srv.URL, sc, Chaos{})
	if sum.OK != 4 || sum.Failed != 1 || results[2].OK() || results[2].Attempt.Status != 500 {
		t.Errorf("summary %+v, third result %+v", sum, results[2])
	}
}

// TestRunStopsOnCancel: Ctrl-C during a wait stops the run and says so.
func TestRunStopsOnCancel(t *testing.T) {
	sc, err := parse(t, `{"provider":"clment","steps":[{"event":"contract.created"},{"event":"contract.classified","wait":"1h"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	built, _ := sc.Build(nil)
	srv, _ := receiver(t, func(int) int { return 200 })
	scheme, _ := signing.For(sc.Provider, "")
	ctx, cancel := context.WithCancel(context.Background())
	poster := &delivery.Poster{URL: srv.URL}
	sum := Run(ctx, sc, built, Plan(2, Chaos{}), Options{Post: poster.Post, Signer: delivery.Signer{Scheme: scheme, Keys: signing.Keys{Secret: []byte("s")}}},
		func(Result) { cancel() })
	if !sum.Interrupted || sum.Sent != 1 || sum.Planned != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func headersOf(r received) http.Header {
	h := http.Header{}
	h.Set("X-Clment-Signature", r.sig)
	return h
}
