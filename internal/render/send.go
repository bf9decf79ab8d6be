package render

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// SendRequest prints the request a delivery makes, as --print shows it: request line,
// headers in the order the provider sends them, a blank line, the body, each through
// SafeText (--print --json has the exact bytes). The CM.com Sign token is shown: it
// travels in a header by design.
func SendRequest(w io.Writer, d *delivery.Delivery, url string) error {
	if url == "" {
		url = "<--to URL>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s\n", SafeText(url))
	for _, h := range d.Headers {
		fmt.Fprintf(&b, "%s\n", SafeText(h.Name+": "+h.Value))
	}
	fmt.Fprintf(&b, "\n%s\n", SafeBlock(string(d.Body)))
	_, err := io.WriteString(w, b.String())
	return err
}

// SendRequestJSON is --print --json: {"method","url","headers":{...},"body"}.
func SendRequestJSON(w io.Writer, d *delivery.Delivery, url string) error {
	h := map[string][]string{}
	for _, x := range d.Headers {
		h[x.Name] = append(h[x.Name], x.Value)
	}
	return encodeLine(w, struct {
		Method  string              `json:"method"`
		URL     string              `json:"url,omitempty"`
		Headers map[string][]string `json:"headers"`
		Body    string              `json:"body"`
	}{"POST", url, h, string(d.Body)})
}

// RequestHeaders prints the request headers for -v (on stderr), with secret-bearing
// headers (the CM.com Sign token) shown as [redacted].
func RequestHeaders(w io.Writer, st Styles, d *delivery.Delivery, url string, secretHeader string) {
	fmt.Fprintln(w, st.Dim.Render("> POST "+SafeText(url)))
	for _, h := range d.Headers {
		v := h.Value
		if secretHeader != "" && strings.EqualFold(h.Name, secretHeader) {
			v = record.Redacted
		}
		fmt.Fprintln(w, st.Dim.Render("> "+SafeText(h.Name+": "+v)))
	}
}

// ResponseHeaders prints an attempt's response headers for -v.
func ResponseHeaders(w io.Writer, st Styles, a delivery.Attempt) {
	if a.Status == 0 {
		return
	}
	fmt.Fprintln(w, st.Dim.Render(fmt.Sprintf("< %d %s", a.Status, http.StatusText(a.Status))))
	for _, l := range headerLines(a.ResponseHeaders) {
		fmt.Fprintln(w, st.Dim.Render("< "+l))
	}
}

// SendAttempt prints one attempt as a line: its outcome, time and, when another attempt
// follows, the wait. numbered adds "attempt N" (with --retry); failed attempts show
// the start of the response body on a second line.
func SendAttempt(w io.Writer, st Styles, ev delivery.AttemptEvent, numbered bool) {
	a := ev.Attempt
	var b strings.Builder
	if numbered {
		fmt.Fprintf(&b, "attempt %-2d  ", a.N)
	}
	b.WriteString(outcomeText(st, a))
	fmt.Fprintf(&b, "  %s", st.Dim.Render(Millis(a.Duration)))
	switch {
	case ev.Next > 0:
		s := "retrying in " + delivery.ShortDuration(ev.Next)
		if ev.Throttled {
			s = "receiver asked to slow down; " + s
		}
		if ra := retryAfterText(ev); ra != "" {
			s += " (" + ra + ")"
		}
		fmt.Fprintf(&b, "  %s", st.Warn.Render(s))
	case ev.Stop == delivery.StopStatus || ev.Stop == delivery.StopNotRetried:
		if ev.StopNote != "" {
			fmt.Fprintf(&b, "  %s", st.Warn.Render("no retry: "+SafeText(ev.StopNote)))
		}
	case ev.Stop == delivery.StopExhausted:
		fmt.Fprintf(&b, "  %s", st.Warn.Render("no attempts left"))
	}
	fmt.Fprintln(w, b.String())
	if !a.OK && a.Status != 0 && len(a.ResponseBody) > 0 {
		fmt.Fprintf(w, "  %s %s\n", st.Dim.Render("response:"), BodyStart(a.ResponseBody, 200))
	}
}

// retryAfterText says what became of the answer's Retry-After before the next attempt.
func retryAfterText(ev delivery.AttemptEvent) string {
	asked := delivery.ShortDuration(ev.Attempt.RetryAfter.Delay)
	switch ev.RetryAfter {
	case delivery.RetryAfterHonoured:
		return "Retry-After: " + asked
	case delivery.RetryAfterCapped:
		return "Retry-After: " + asked + ", capped"
	case delivery.RetryAfterUndocumented:
		return "Retry-After: " + asked + " ignored: not documented for this provider"
	case delivery.RetryAfterInvalid:
		return "Retry-After not understood: ignored"
	}
	return ""
}

// SendInterrupted closes the human output of a send cut short by Ctrl-C: the attempt
// lines above are what was done.
func SendInterrupted(w io.Writer, st Styles, out delivery.Outcome) {
	n := len(out.Attempts)
	s := "s"
	if n == 1 {
		s = ""
	}
	fmt.Fprintln(w, st.Warn.Render(fmt.Sprintf("interrupted after %d attempt%s: not acknowledged", n, s)))
}

func outcomeText(st Styles, a delivery.Attempt) string {
	switch {
	case a.Status == 0:
		return st.Fail.Render(string(a.Kind))
	case a.OK:
		return st.OK.Render(fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status)))
	}
	return st.Fail.Render(fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status)))
}

// Millis writes a duration in milliseconds with one decimal: "12.3ms".
func Millis(d time.Duration) string {
	var b [24]byte
	return string(append(strconv.AppendFloat(b[:0], float64(d)/float64(time.Millisecond), 'f', 1, 64), "ms"...))
}

// BodyStart is the first n characters of a response body on one line, through
// SafeText: the endpoint's answer is input too.
func BodyStart(b []byte, n int) string {
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n]) + "…"
	}
	return SafeText(s)
}

// attemptJSON is one attempt in send --json.
type attemptJSON struct {
	Attempt    int     `json:"attempt"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	OK         bool    `json:"ok"`
	Error      string  `json:"error,omitempty"`
	WaitMS     float64 `json:"next_wait_ms,omitempty"`
	// Throttled: the provider reads the status as "slow down".
	Throttled bool `json:"throttled,omitempty"`
	// RetryAfterMS is what the answer's Retry-After asked for (unscaled), RetryAfter
	// what whk did with it (honoured, capped, not documented, invalid).
	RetryAfterMS float64 `json:"retry_after_ms,omitempty"`
	RetryAfter   string  `json:"retry_after,omitempty"`
}

// SendJSON prints send --json: {"status","duration_ms","attempts":[...],"response_body"}
// for the final attempt, plus ok, provider, type, id, error and why it stopped; evs are
// the attempt events in order (they give each attempt's wait and Retry-After).
func SendJSON(w io.Writer, d *delivery.Delivery, out delivery.Outcome, evs []delivery.AttemptEvent) error {
	last := out.Last()
	v := struct {
		Status       int           `json:"status"`
		DurationMS   float64       `json:"duration_ms"`
		Attempts     []attemptJSON `json:"attempts"`
		ResponseBody string        `json:"response_body"`
		OK           bool          `json:"ok"`
		Provider     string        `json:"provider"`
		Type         string        `json:"type"`
		ID           string        `json:"id"`
		Error        string        `json:"error,omitempty"`
		Stop         string        `json:"stop,omitempty"`
		StopNote     string        `json:"stop_note,omitempty"`
	}{Status: last.Status, DurationMS: ms(last.Duration), ResponseBody: string(last.ResponseBody), OK: out.OK,
		Provider: d.Provider.ID, Type: d.Type, ID: d.ID, Error: string(last.Kind), Stop: out.Stop, StopNote: out.StopNote}
	for i, a := range out.Attempts {
		aj := attemptJSON{Attempt: a.N, Status: a.Status, DurationMS: ms(a.Duration), OK: a.OK, Error: string(a.Kind)}
		if i < len(evs) {
			ev := evs[i]
			aj.WaitMS, aj.Throttled, aj.RetryAfter = ms(ev.Next), ev.Throttled, ev.RetryAfter
			if ev.RetryAfter != "" && a.RetryAfter.Valid {
				aj.RetryAfterMS = ms(a.RetryAfter.Delay)
			}
		}
		v.Attempts = append(v.Attempts, aj)
	}
	return encodeLine(w, v)
}

func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

func encodeLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// SecretHeader names the header that carries a token for schemes that send one.
func SecretHeader(s signing.Scheme) string { return signing.TokenHeader(s) }
