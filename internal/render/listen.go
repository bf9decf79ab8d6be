package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// ListenMode is how `whk listen` prints deliveries.
type ListenMode int

// The three ways listen prints.
const (
	ListenPlain ListenMode = iota // piped: plain text, no colour
	ListenTTY                     // terminal: one coloured block per delivery
	ListenJSON                    // --json: one delivery record per line
)

// ListenOptions tune the delivery blocks.
type ListenOptions struct {
	Mode    ListenMode
	Colour  bool
	Verbose bool // show headers
	// Location is the time zone of the terminal block's clock (default time.Local).
	Location *time.Location
	// MaxBodyLines caps the body lines in the terminal block (0: 200).
	MaxBodyLines int
}

// listenStyles add listen's left bar to the shared styles.
type listenStyles struct {
	Styles
	BarOK, BarWarn, BarFail lipgloss.Style
}

func newListenStyles(w io.Writer, colour bool) listenStyles {
	r := newRenderer(w, colour)
	return listenStyles{
		Styles:  NewStyles(w, colour),
		BarOK:   r.NewStyle().Foreground(lipgloss.Color("2")),
		BarWarn: r.NewStyle().Foreground(lipgloss.Color("3")),
		BarFail: r.NewStyle().Foreground(lipgloss.Color("1")),
	}
}

// ReadyJSON is listen --json's first line, without the newline.
func ReadyJSON(url string) []byte {
	b, _ := jsontree.Marshal(struct {
		Kind string `json:"kind"`
		URL  string `json:"url"`
	}{record.KindReady, url})
	return b
}

// ReadyText is the line listen prints on stderr without --json.
func ReadyText(url string) string {
	return "Listening on " + url + " (Ctrl-C to stop)"
}

// ListenPrinter renders listener events. It is not safe for concurrent use: one
// goroutine owns it, which is what keeps blocks and NDJSON lines whole.
type ListenPrinter struct {
	o ListenOptions
	s listenStyles
}

// NewListenPrinter returns a printer for output to w.
func NewListenPrinter(w io.Writer, o ListenOptions) *ListenPrinter {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.MaxBodyLines <= 0 {
		o.MaxBodyLines = 200
	}
	colour := o.Colour && o.Mode == ListenTTY
	return &ListenPrinter{o: o, s: newListenStyles(w, colour)}
}

// Delivery renders one delivery: a record line with --json, a block otherwise. The
// result ends with a newline.
func (p *ListenPrinter) Delivery(d *listener.Delivery) []byte {
	switch p.o.Mode {
	case ListenJSON:
		if d.Line != nil {
			return d.Line
		}
		line, _ := d.Record.Marshal()
		return append(line, '\n')
	case ListenTTY:
		return []byte(p.block(d))
	}
	return []byte(p.plain(d))
}

// Rejected renders a request whk answered without treating it as a delivery, for stderr.
func Rejected(r listener.Rejected) string {
	return fmt.Sprintf("whk: %d %s %s (%s)\n", r.Status, Safe(r.Method), Safe(r.Path), SafeText(r.Reason))
}

func (p *ListenPrinter) block(d *listener.Delivery) string {
	s := p.s
	rec := d.Record
	bar := s.BarOK
	switch severity(d) {
	case 1:
		bar = s.BarWarn
	case 2:
		bar = s.BarFail
	}
	var b strings.Builder
	line := func(text string) {
		b.WriteString(bar.Render("│"))
		if text != "" {
			b.WriteString(" " + text)
		}
		b.WriteByte('\n')
	}
	head := []string{s.Dim.Render(rec.ReceivedAt.In(p.o.Location).Format("15:04:05.000")),
		s.Bold.Render(safeOrDash(rec.Provider)), s.Key.Render(safeOrDash(rec.Type)), safeOrDash(rec.ID)}
	if rec.Duplicate {
		head = append(head, s.Warn.Render("duplicate"))
	}
	line(strings.Join(head, "  "))
	label := func(l string) string { return s.Dim.Render(fmt.Sprintf("%-10s", l)) }
	if sig := rec.Signature; sig != nil {
		line(label("signature") + " " + p.verdict(sig.Status, sig.Reason))
	}
	if sc := rec.Schema; sc != nil {
		line(label("schema") + " " + p.verdict(sc.Status, ""))
		for _, e := range sc.Errors {
			line(strings.Repeat(" ", 13) + s.Dim.Render(orRoot(e.Pointer)+": ") + SafeText(e.Message))
		}
		for _, w := range sc.Warnings {
			line(strings.Repeat(" ", 13) + s.Warn.Render("! ") + s.Dim.Render(orRoot(w.Pointer)+": ") + w.Message)
		}
	}
	for _, w := range d.Warnings {
		line(s.Warn.Render("! " + SafeText(w)))
	}
	line(label("request") + " " + Safe(rec.Method) + " " + Safe(rec.Path))
	if d.Forward != nil {
		line(label("forwarded") + " " + Safe(d.Forward.URL))
	}
	if rec.Response != nil {
		line(label("answered") + " " + p.status(rec.Response.Status))
		if d.Forward != nil && rec.Response.Body != "" {
			for _, l := range clip(strings.Split(strings.TrimRight(rec.Response.Body, "\n"), "\n"), 10) {
				line(strings.Repeat(" ", 11) + s.Dim.Render(SafeText(l)))
			}
		}
	}
	if p.o.Verbose {
		for _, l := range headerLines(rec.Headers) {
			line(s.Dim.Render(l))
		}
	}
	for _, l := range clip(bodyLines(rec.Body), p.o.MaxBodyLines) {
		line(l)
	}
	b.WriteByte('\n')
	return b.String()
}

// severity is 0 when everything checked out, 1 for warnings, 2 for a failure.
func severity(d *listener.Delivery) int {
	rec := d.Record
	sev := 0
	if rec.Signature != nil {
		switch rec.Signature.Status {
		case signing.StatusInvalid:
			sev = 2
		case signing.StatusUnsigned:
			sev = max(sev, 1)
		}
	}
	if rec.Schema != nil {
		switch rec.Schema.Status {
		case listener.SchemaInvalid:
			sev = 2
		case listener.SchemaUnknownType:
			sev = max(sev, 1)
		}
		if len(rec.Schema.Warnings) > 0 {
			sev = max(sev, 1)
		}
	}
	if rec.Response != nil && (rec.Response.Status < 200 || rec.Response.Status >= 300) {
		sev = max(sev, 1)
	}
	if rec.Duplicate || len(d.Warnings) > 0 {
		sev = max(sev, 1)
	}
	return sev
}

func (p *ListenPrinter) verdict(status, reason string) string {
	s := p.s
	var out string
	switch status {
	case signing.StatusValid:
		out = s.OK.Render("✓ " + status)
	case signing.StatusInvalid:
		out = s.Fail.Render("✗ " + status)
	case signing.StatusUnsigned, listener.SchemaUnknownType:
		out = s.Warn.Render("! " + status)
	default:
		out = s.Dim.Render("- " + status)
	}
	if reason != "" {
		out += s.Dim.Render(": " + SafeText(reason))
	}
	return out
}

func (p *ListenPrinter) status(code int) string {
	text := fmt.Sprintf("%d %s", code, http.StatusText(code))
	if code >= 200 && code < 300 {
		return p.s.OK.Render(text)
	}
	return p.s.Warn.Render(text)
}

func (p *ListenPrinter) plain(d *listener.Delivery) string {
	rec := d.Record
	var b strings.Builder
	head := []string{rec.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000000Z"), safeOrDash(rec.Provider), safeOrDash(rec.Type), "id=" + safeOrDash(rec.ID)}
	if rec.Duplicate {
		head = append(head, "duplicate")
	}
	fmt.Fprintln(&b, strings.Join(head, " "))
	if sig := rec.Signature; sig != nil {
		fmt.Fprintf(&b, "  signature: %s", sig.Status)
		if sig.Reason != "" {
			fmt.Fprintf(&b, ": %s", SafeText(sig.Reason))
		}
		b.WriteByte('\n')
	}
	if sc := rec.Schema; sc != nil {
		fmt.Fprintf(&b, "  schema: %s\n", sc.Status)
		for _, e := range sc.Errors {
			fmt.Fprintf(&b, "    %s: %s\n", orRoot(e.Pointer), SafeText(e.Message))
		}
		for _, w := range sc.Warnings {
			fmt.Fprintf(&b, "    warning: %s: %s\n", orRoot(w.Pointer), w.Message)
		}
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", SafeText(w))
	}
	fmt.Fprintf(&b, "  request: %s %s\n", Safe(rec.Method), Safe(rec.Path))
	if d.Forward != nil {
		fmt.Fprintf(&b, "  forwarded: %s\n", Safe(d.Forward.URL))
	}
	if rec.Response != nil {
		fmt.Fprintf(&b, "  answered: %d %s\n", rec.Response.Status, http.StatusText(rec.Response.Status))
		if d.Forward != nil && rec.Response.Body != "" {
			b.WriteString("  app body:\n")
			for _, l := range strings.Split(strings.TrimRight(rec.Response.Body, "\n"), "\n") {
				fmt.Fprintf(&b, "    %s\n", SafeText(l))
			}
		}
	}
	if p.o.Verbose {
		b.WriteString("  headers:\n")
		for _, l := range headerLines(rec.Headers) {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	b.WriteString("  body:\n")
	for _, l := range bodyLines(rec.Body) {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	b.WriteByte('\n')
	return b.String()
}

func headerLines(h http.Header) []string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		for _, v := range h[n] {
			out = append(out, SafeText(n+": "+v))
		}
	}
	return out
}

// bodyLines is the body as indented JSON in its own key order, or as text when it is
// not JSON (invalid UTF-8 shown quoted), each line through SafeText: a JSON string
// may hold C1 controls and bidi overrides raw, and text anything.
func bodyLines(body []byte) []string {
	if len(bytes.TrimSpace(body)) == 0 {
		return []string{"(empty body)"}
	}
	var lines []string
	var buf bytes.Buffer
	switch {
	case json.Indent(&buf, body, "", "  ") == nil:
		lines = strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	case !utf8.Valid(body):
		return []string{fmt.Sprintf("%q", body)}
	default:
		lines = strings.Split(strings.TrimRight(string(body), "\n"), "\n")
	}
	for i, l := range lines {
		lines[i] = SafeText(l)
	}
	return lines
}

func clip(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("… %d more lines (the whole body is in --json and --record)", len(lines)-n))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// safeOrDash is a value from input as Safe shows it, or "-" when there is none.
func safeOrDash(s string) string { return orDash(Safe(s)) }

// orRoot is a pointer from input as Safe shows it, or "(body)" for the root.
func orRoot(p string) string {
	if p == "" {
		return "(body)"
	}
	return Safe(p)
}
