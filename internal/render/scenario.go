package render

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/scenario"
)

// ScenarioLine prints one entry of a scenario run, as replay prints a delivery: seq,
// outcome, time, step, type, id, and what the send was when it was not the step's
// first (duplicate, dropped, retry).
func ScenarioLine(w io.Writer, st Styles, r scenario.Result) {
	var outcome, took string
	switch {
	case r.Kind == scenario.Dropped:
		outcome, took = st.Warn.Render("dropped"), "-"
	case r.Err != nil:
		outcome, took = st.Fail.Render("not sent: "+SafeText(r.Err.Error())), "-"
	default:
		res := delivery.Result{Attempt: r.Attempt}
		if r.Attempt.OK {
			outcome = st.OK.Render(res.Outcome())
		} else {
			outcome = st.Fail.Render(res.Outcome())
		}
		took = Millis(r.Attempt.Duration)
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.Seq))
	b.WriteString("  ")
	b.WriteString(outcome)
	b.WriteString("  ")
	b.WriteString(st.Dim.Render(took))
	fmt.Fprintf(&b, "  %d %s  %s %s", r.Step, Safe(r.Label), Safe(r.Type), Safe(r.ID))
	switch r.Kind {
	case scenario.Duplicate:
		b.WriteString("  " + st.Dim.Render("(duplicate)"))
	case scenario.Dropped:
		b.WriteString("  " + st.Dim.Render("(retried later)"))
	case scenario.Retry:
		b.WriteString("  " + st.Dim.Render("(retry)"))
	}
	b.WriteByte('\n')
	io.WriteString(w, b.String())
}

// scenarioJSON is one entry of scenario run --json.
type scenarioJSON struct {
	Seq        int     `json:"seq"`
	Step       int     `json:"step"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Provider   string  `json:"provider"`
	Type       string  `json:"type"`
	ID         string  `json:"id"`
	Sent       bool    `json:"sent"`
	Status     int     `json:"status"`
	OK         bool    `json:"ok"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

// ScenarioJSON prints one entry of a scenario run as an NDJSON line.
func ScenarioJSON(w io.Writer, r scenario.Result) error {
	v := scenarioJSON{Seq: r.Seq, Step: r.Step, Name: r.Label, Kind: string(r.Kind), Provider: r.Provider,
		Type: r.Type, ID: r.ID, Sent: r.Sent(), Status: r.Attempt.Status, OK: r.OK(),
		DurationMS: ms(r.Attempt.Duration), Error: string(r.Attempt.Kind)}
	if r.Err != nil {
		v.Error = "not sent: " + r.Err.Error()
	}
	return encodeLine(w, v)
}

// ScenarioSummary prints a run's summary (on stderr): what was sent, what was
// acknowledged, and the seed that repeats the run.
func ScenarioSummary(w io.Writer, st Styles, name string, steps int, s scenario.Summary, seed string) {
	var extra []string
	if s.Duplicates > 0 {
		extra = append(extra, plural(s.Duplicates, "duplicate", "duplicates"))
	}
	if s.Dropped > 0 {
		extra = append(extra, fmt.Sprintf("%d dropped", s.Dropped))
	}
	if s.Retries > 0 {
		extra = append(extra, plural(s.Retries, "retry", "retries"))
	}
	head := fmt.Sprintf("%s: %s of %s sent", Safe(name), plural(s.Sent, "delivery", "deliveries"), plural(steps, "step", "steps"))
	if len(extra) > 0 {
		head += " (" + strings.Join(extra, ", ") + ")"
	}
	head += " in " + delivery.ShortDuration(s.Elapsed) + ": "
	tallyLines(w, st, head, tally{OK: s.OK, Failed: s.Failed, OKWord: "acknowledged", FailedWord: "not acknowledged",
		Interrupted: s.Interrupted, Sent: s.Sent, Planned: s.Planned})
	if seed != "" {
		fmt.Fprintf(w, "seed %s (--seed %s repeats this order)\n", seed, seed)
	}
}

// ScenarioList prints the scenarios one per line: name, provider, steps and the
// description, cut with "…" to fit width (0: no limit). When the description would
// get fewer than 24 cells the provider column goes: a built-in scenario's name
// starts with it.
func ScenarioList(w io.Writer, list []*scenario.Scenario, width int) error {
	rows := [][]string{{"NAME", "PROVIDER", "STEPS", "DESCRIPTION"}}
	for _, sc := range list {
		rows = append(rows, []string{Safe(sc.Name), Safe(sc.Provider.ID), fmt.Sprint(len(sc.Steps)), SafeText(sc.Description)})
	}
	if width > 0 && width-columnsWidth(rows) < 24 {
		for i, r := range rows {
			rows[i] = slices.Delete(r, 1, 2)
		}
	}
	return fitColumns(w, rows, width, 12)
}

// scenarioListJSON is one scenario in scenario list --json.
type scenarioListJSON struct {
	Name        string   `json:"name"`
	Provider    string   `json:"provider"`
	Steps       int      `json:"steps"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// ScenarioListJSON prints one scenario as an NDJSON line.
func ScenarioListJSON(w io.Writer, sc *scenario.Scenario) error {
	v := scenarioListJSON{Name: sc.Name, Provider: sc.Provider.ID, Steps: len(sc.Steps), Description: sc.Description}
	for _, st := range sc.Steps {
		v.Events = append(v.Events, st.Event.Type)
	}
	return encodeLine(w, v)
}

// plural is a count and its noun: "1 delivery", "3 deliveries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
