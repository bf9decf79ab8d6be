package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/validation"
)

// ValidateFormats are the values of `whk validate --format`.
var ValidateFormats = []string{"text", "json", "junit", "github"}

// ValidateRenderer prints `whk validate` results as they arrive, in order.
type ValidateRenderer interface {
	// Result prints one item's verdict.
	Result(r *validation.Result) error
	// Flush writes what is buffered, so a live stream shows up as it arrives.
	Flush() error
	// End finishes the output (JUnit writes its document here) and flushes it.
	End(st validation.Stats, elapsed time.Duration) error
}

// NewValidateRenderer returns the renderer of a format (one of ValidateFormats) writing
// to w; colour applies to the text format only.
func NewValidateRenderer(format string, w io.Writer, colour bool) (ValidateRenderer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "text":
		return &validateText{w: bw, s: NewStyles(w, colour), colour: colour}, nil
	case "json":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &validateJSON{w: bw, enc: enc}, nil
	case "junit":
		return &validateJUnit{w: bw}, nil
	case "github":
		return &validateGitHub{w: bw}, nil
	}
	return nil, fmt.Errorf("unknown format %q (choose one of: %s)", format, strings.Join(ValidateFormats, ", "))
}

// ValidateSummary is the line `whk validate` prints on stderr at the end.
func ValidateSummary(st validation.Stats, elapsed time.Duration) string {
	noun := "items"
	if st.Checked == 1 {
		noun = "item"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "checked %d %s in %s: %d valid, %d invalid", st.Checked, noun, delivery.ShortDuration(elapsed), st.Valid, st.Invalid)
	var extra []string
	if st.Warned > 0 {
		extra = append(extra, fmt.Sprintf("%d with warnings", st.Warned))
	}
	if st.Unreadable > 0 {
		extra = append(extra, fmt.Sprintf("%d unreadable", st.Unreadable))
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// displaySource is how text formats name an item's source.
func displaySource(src string) string {
	if src == "-" {
		return "<stdin>"
	}
	return src
}

// problemLine is the line to show for a problem: its value's line, else the item's.
func problemLine(r *validation.Result, p validation.Problem) int {
	if p.Line > 0 {
		return p.Line
	}
	return r.Line
}

// what is "PROVIDER TYPE", or whichever of them is known.
func what(r *validation.Result) string {
	return strings.TrimSpace(r.Provider + " " + r.Type)
}

// problemText is "PATH[:LINE]: PROVIDER TYPE: /pointer: message" with the empty parts left out.
func problemText(r *validation.Result, p validation.Problem, warning bool) (loc, rest string) {
	loc = displaySource(r.Source)
	if l := problemLine(r, p); l > 0 {
		loc += ":" + strconv.Itoa(l)
	}
	parts := make([]string, 0, 3)
	if w := what(r); w != "" {
		parts = append(parts, w)
	}
	if p.Pointer != "" {
		parts = append(parts, p.Pointer)
	}
	msg := p.Message
	if warning {
		msg = "warning: " + msg
	}
	parts = append(parts, msg)
	return loc, strings.Join(parts, ": ")
}

type validateText struct {
	w      *bufio.Writer
	s      Styles
	colour bool
}

func (t *validateText) paint(st lipgloss.Style, text string) string { return paint(t.colour, st, text) }

func (t *validateText) Result(r *validation.Result) error {
	for _, p := range r.Errors {
		t.line(r, p, t.s.Fail, "")
	}
	for _, p := range r.Warnings {
		t.line(r, p, t.s.Warn, "warning: ")
	}
	return nil
}

// line prints one problem; with colour the location is bold, the pointer cyan and the
// message red (errors) or yellow (warnings), and the text is the same as without.
// Everything from the input (path, provider, type, pointer, message) goes through
// Safe: a type holding "\n::warning ..." must not become a line of its own, which a CI
// runner would read as a workflow command.
func (t *validateText) line(r *validation.Result, p validation.Problem, msg lipgloss.Style, prefix string) {
	loc := displaySource(Safe(r.Source))
	if l := problemLine(r, p); l > 0 {
		loc += ":" + strconv.Itoa(l)
	}
	t.w.WriteString(t.paint(t.s.Bold, loc))
	t.w.WriteString(": ")
	if w := strings.TrimSpace(Safe(r.Provider) + " " + Safe(r.Type)); w != "" {
		t.w.WriteString(t.paint(t.s.Dim, w))
		t.w.WriteString(": ")
	}
	if p.Pointer != "" {
		t.w.WriteString(t.paint(t.s.Key, Safe(p.Pointer)))
		t.w.WriteString(": ")
	}
	t.w.WriteString(t.paint(msg, prefix+SafeText(p.Message)))
	t.w.WriteByte('\n')
}

func (t *validateText) Flush() error { return t.w.Flush() }

func (t *validateText) End(validation.Stats, time.Duration) error { return t.w.Flush() }

type validateJSON struct {
	w   *bufio.Writer
	enc *json.Encoder
}

type jsonProblem struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

type jsonResult struct {
	Source   string        `json:"source"`
	Line     *int          `json:"line"`
	Provider *string       `json:"provider"`
	Type     *string       `json:"type"`
	Valid    bool          `json:"valid"`
	Errors   []jsonProblem `json:"errors"`
	Warnings []jsonProblem `json:"warnings"`
}

func jsonProblems(ps []validation.Problem) []jsonProblem {
	out := make([]jsonProblem, len(ps))
	for i, p := range ps {
		out[i] = jsonProblem{p.Pointer, p.Message}
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (j *validateJSON) Result(r *validation.Result) error {
	out := jsonResult{
		Source:   r.Source,
		Provider: nonEmpty(r.Provider),
		Type:     nonEmpty(r.Type),
		Valid:    r.Valid(),
		Errors:   jsonProblems(r.Errors),
		Warnings: jsonProblems(r.Warnings),
	}
	if r.Line > 0 {
		out.Line = &r.Line
	}
	return j.enc.Encode(out)
}

func (j *validateJSON) Flush() error { return j.w.Flush() }

func (j *validateJSON) End(validation.Stats, time.Duration) error { return j.w.Flush() }

// validateGitHub prints GitHub Actions workflow commands, which the runner turns into
// annotations on the files.
type validateGitHub struct{ w *bufio.Writer }

func (g *validateGitHub) Result(r *validation.Result) error {
	for _, p := range r.Errors {
		g.command("error", r, p)
	}
	for _, p := range r.Warnings {
		g.command("warning", r, p)
	}
	return nil
}

func (g *validateGitHub) command(level string, r *validation.Result, p validation.Problem) {
	var props []string
	if r.Source != "-" {
		props = append(props, "file="+ghProperty(r.Source))
		if l := problemLine(r, p); l > 0 {
			props = append(props, "line="+strconv.Itoa(l))
		}
	}
	title := "whk validate"
	if w := what(r); w != "" {
		title = w
	}
	props = append(props, "title="+ghProperty(title))
	msg := p.Message
	if p.Pointer != "" {
		msg = p.Pointer + ": " + msg
	}
	if r.Source == "-" {
		loc, _ := problemText(r, p, false)
		msg = loc + ": " + msg
	}
	fmt.Fprintf(g.w, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(msg))
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func (g *validateGitHub) Flush() error { return g.w.Flush() }

func (g *validateGitHub) End(validation.Stats, time.Duration) error { return g.w.Flush() }

// validateJUnit writes one JUnit XML document, one test case per item.
type validateJUnit struct {
	w   *bufio.Writer
	doc junitWriter
}

func (j *validateJUnit) Result(r *validation.Result) error {
	name := displaySource(r.Source)
	if r.Line > 0 {
		name += ":" + strconv.Itoa(r.Line)
	}
	c := junitCase{Name: name, Classname: "whk.validate"}
	if r.Provider != "" {
		c.Classname = r.Provider
		if r.Type != "" {
			c.Classname += "." + r.Type
		}
	}
	if !r.Valid() {
		var text strings.Builder
		for _, p := range r.Errors {
			loc, rest := problemText(r, p, false)
			text.WriteString(loc + ": " + rest + "\n")
		}
		msg := r.Errors[0].Message
		if n := len(r.Errors); n > 1 {
			msg = fmt.Sprintf("%s (and %d more)", msg, n-1)
		}
		c.Failure = &junitMessage{Message: msg, Type: "invalid", Text: text.String()}
	}
	if len(r.Warnings) > 0 {
		var text strings.Builder
		for _, p := range r.Warnings {
			loc, rest := problemText(r, p, true)
			text.WriteString(loc + ": " + rest + "\n")
		}
		c.SystemOut = junitText(text.String())
	}
	return j.doc.Add(c)
}

// Flush does nothing: JUnit is one document, written at the end.
func (j *validateJUnit) Flush() error { return nil }

func (j *validateJUnit) End(st validation.Stats, elapsed time.Duration) error {
	s := junitSuite{Command: "whk validate", Name: "whk validate", Tests: st.Checked, Failures: st.Invalid, Time: elapsed}
	if err := j.doc.End(j.w, s); err != nil {
		return err
	}
	return j.w.Flush()
}
