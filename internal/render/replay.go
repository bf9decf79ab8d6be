package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/delivery"
)

// ReplayLines prints replayed deliveries one per line: seq, outcome, time, provider,
// type, id and source, the values from the input through Safe. Without colour it skips lipgloss, which would cost more than
// the rest of the line at thousands of deliveries a second.
type ReplayLines struct {
	W      io.Writer
	St     Styles
	Colour bool
}

func (l *ReplayLines) style(s lipgloss.Style, text string) string { return paint(l.Colour, s, text) }

// Line prints one delivery.
func (l *ReplayLines) Line(r delivery.Result) {
	st := l.St
	var outcome string
	switch {
	case r.Err != nil:
		outcome = l.style(st.Fail, "not sent: "+SafeText(r.Err.Error()))
	case r.Attempt.OK:
		outcome = l.style(st.OK, r.Outcome())
	default:
		outcome = l.style(st.Fail, r.Outcome())
	}
	var b strings.Builder
	b.Grow(128)
	b.WriteString(strconv.Itoa(r.Seq))
	b.WriteString("  ")
	b.WriteString(outcome)
	b.WriteString("  ")
	b.WriteString(l.style(st.Dim, Millis(r.Attempt.Duration)))
	b.WriteString("  ")
	b.WriteString(Safe(r.Provider))
	b.WriteByte(' ')
	b.WriteString(Safe(r.Type))
	b.WriteByte(' ')
	b.WriteString(Safe(r.ID))
	if r.Source != "" && r.Source != r.Provider+" "+r.Type {
		b.WriteString("  ")
		b.WriteString(l.style(st.Dim, Safe(r.Source)))
	}
	b.WriteByte('\n')
	io.WriteString(l.W, b.String())
}

// replayJSON is one replayed delivery in replay --json.
type replayJSON struct {
	Seq        int     `json:"seq"`
	Source     string  `json:"source"`
	Provider   string  `json:"provider"`
	Type       string  `json:"type"`
	ID         string  `json:"id"`
	Status     int     `json:"status"`
	OK         bool    `json:"ok"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

// ReplayJSON prints one replayed delivery as an NDJSON line.
func ReplayJSON(w io.Writer, r delivery.Result) error {
	v := replayJSON{Seq: r.Seq, Source: r.Source, Provider: r.Provider, Type: r.Type, ID: r.ID,
		Status: r.Attempt.Status, OK: r.OK(), DurationMS: ms(r.Attempt.Duration), Error: string(r.Attempt.Kind)}
	if r.Err != nil {
		v.Error = "not sent: " + r.Err.Error()
	}
	return encodeLine(w, v)
}

// ReplaySummary prints the summary (on stderr): counts, counts by status, latency
// percentiles and throughput.
func ReplaySummary(w io.Writer, st Styles, s delivery.Summary, planned int) {
	head := fmt.Sprintf("%d sent in %s (%.0f/s): ", s.Sent, delivery.ShortDuration(s.Elapsed), s.PerSecond)
	tallyLines(w, st, head, tally{OK: s.OK, Failed: s.Failed, OKWord: "ok", FailedWord: "failed",
		Interrupted: s.Interrupted, Sent: s.Sent, Planned: planned})
	if len(s.ByOutcome) > 0 {
		var parts []string
		for _, k := range s.Outcomes() {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, s.ByOutcome[k]))
		}
		fmt.Fprintln(w, "status: "+strings.Join(parts, ", "))
	}
	if s.Sent > 0 {
		fmt.Fprintf(w, "latency: p50 %s  p95 %s  p99 %s\n", Millis(s.P50), Millis(s.P95), Millis(s.P99))
	}
}

// tally is the outcome a sending command's summary starts with.
type tally struct {
	OK, Failed         int
	OKWord, FailedWord string // "ok" and "failed", or "acknowledged" and "not acknowledged"
	Interrupted        bool
	Sent, Planned      int
}

// tallyLines prints head and "N ok, M failed" (failures in the fail style when there
// are any), and the interruption, the same way for replay and scenario run.
func tallyLines(w io.Writer, st Styles, head string, t tally) {
	failed := fmt.Sprintf("%d %s", t.Failed, t.FailedWord)
	if t.Failed > 0 {
		failed = st.Fail.Render(failed)
	}
	fmt.Fprintln(w, head+st.OK.Render(fmt.Sprintf("%d %s", t.OK, t.OKWord))+", "+failed)
	if t.Interrupted {
		fmt.Fprintln(w, st.Warn.Render(fmt.Sprintf("interrupted: %d of %d deliveries sent", t.Sent, t.Planned)))
	}
}
