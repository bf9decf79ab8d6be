package render

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"

	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/delivery"
)

// conformanceDetailWidth is where the terminal table wraps a check's detail, at most;
// a narrower terminal narrows the column down to conformanceMinDetailWidth.
const (
	conformanceDetailWidth    = 64
	conformanceMinDetailWidth = 24
)

// detailWidth fits the detail column into a terminal of width columns (0: unknown):
// what is left after the other columns, their padding and the five borders.
func detailWidth(width int, rows [][]string) int {
	if width <= 0 {
		return conformanceDetailWidth
	}
	others := 5 + 2 + 2 + 2 + 2 // borders, and the padding of the other three columns and the detail's
	for _, col := range []int{0, 1, 3} {
		w := len([]rune([]string{"CHECK", "RESULT", "", "TIME"}[col]))
		for _, r := range rows {
			w = max(w, lipgloss.Width(r[col]))
		}
		others += w
	}
	return min(conformanceDetailWidth, max(conformanceMinDetailWidth, width-others))
}

// ConformanceSuite is one run of `whk test`: what was tested and what came out.
type ConformanceSuite struct {
	Provider string
	URL      string
	Results  []conformance.Result
	Duration time.Duration
}

// Counts returns how many checks passed, failed and were skipped.
func (s ConformanceSuite) Counts() (passed, failed, skipped int) {
	for _, r := range s.Results {
		switch r.Outcome {
		case conformance.Pass:
			passed++
		case conformance.Fail:
			failed++
		case conformance.Skip:
			skipped++
		}
	}
	return
}

// ConformanceSummary is the one-line summary `whk test` prints on stderr.
func ConformanceSummary(s ConformanceSuite) string {
	p, f, k := s.Counts()
	checks := "checks"
	if len(s.Results) == 1 {
		checks = "check"
	}
	return fmt.Sprintf("%d passed, %d failed, %d skipped (%d %s of %s against %s in %s)",
		p, f, k, len(s.Results), checks, s.Provider, SafeText(s.URL), delivery.ShortDuration(s.Duration))
}

// ConformanceTable writes the results as a table: check, result, detail, time. A
// detail may quote the endpoint's answer, so it goes through SafeText. With
// tty it is a lipgloss table whose result column is coloured (when the styles are),
// fitted to a terminal of width columns (0: unknown); piped, it is plain aligned text.
func ConformanceTable(w io.Writer, st Styles, tty bool, width int, results []conformance.Result) error {
	if !tty {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CHECK\tRESULT\tDETAIL\tTIME")
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Check, r.Outcome, SafeText(r.Detail), delivery.ShortDuration(r.Duration))
		}
		return tw.Flush()
	}
	rows := make([][]string, len(results))
	for i, r := range results {
		rows[i] = []string{r.Check, string(r.Outcome), SafeText(r.Detail), delivery.ShortDuration(r.Duration)}
	}
	dw := detailWidth(width, rows)
	cell := st.Bold.UnsetBold().Padding(0, 1)
	t := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(st.Dim).
		Headers("CHECK", "RESULT", "DETAIL", "TIME").
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.Bold.Padding(0, 1)
			}
			switch col {
			case 1:
				return outcomeStyle(st, results[row].Outcome).Padding(0, 1)
			case 2:
				return cell.Width(dw + 2)
			case 3:
				return st.Dim.Padding(0, 1).Align(lipgloss.Right)
			}
			return cell
		})
	_, err := fmt.Fprintln(w, t.Render())
	return err
}

func outcomeStyle(st Styles, o conformance.Outcome) lipgloss.Style {
	switch o {
	case conformance.Pass:
		return st.OK
	case conformance.Fail:
		return st.Fail
	}
	return st.Warn
}

// conformanceLine is one check in NDJSON.
type conformanceLine struct {
	Check      string  `json:"check"`
	Title      string  `json:"title"`
	Result     string  `json:"result"`
	Detail     string  `json:"detail"`
	DurationMS float64 `json:"duration_ms"`
}

// ConformanceJSON writes one result as one line of JSON.
func ConformanceJSON(w io.Writer, r conformance.Result) error {
	return encodeLine(w, conformanceLine{r.Check, r.Title, string(r.Outcome), r.Detail, ms(r.Duration)})
}

// ConformanceJUnit writes the suite as JUnit XML, one test case per check.
func ConformanceJUnit(w io.Writer, s ConformanceSuite) error {
	var doc junitWriter
	for _, r := range s.Results {
		c := junitCase{Name: r.Check, Classname: "whk.test." + s.Provider, Time: junitSeconds(r.Duration)}
		switch r.Outcome {
		case conformance.Fail:
			c.Failure = &junitMessage{Message: r.Title, Text: r.Detail}
		case conformance.Skip:
			c.Skipped = &junitMessage{Message: r.Detail}
		default:
			c.SystemOut = junitText(r.Title + ": " + r.Detail)
		}
		if err := doc.Add(c); err != nil {
			return err
		}
	}
	_, f, k := s.Counts()
	return doc.End(w, junitSuite{
		Command: "whk test", Name: "whk test " + s.Provider,
		Tests: len(s.Results), Failures: f, Skipped: k, Time: s.Duration,
		Properties: []junitProperty{{"provider", s.Provider}, {"url", s.URL}},
	})
}
