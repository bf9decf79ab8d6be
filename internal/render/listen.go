package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"github.com/whk-cli/whk/internal/delivery"
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

// ListenView is how much `whk listen --output` shows of each delivery.
type ListenView int

// The three views of --output.
const (
	ViewFull    ListenView = iota // a block per delivery: verdicts, request, answer, body
	ViewCompact                   // one line per delivery, like stripe listen
	ViewQuiet                     // nothing per delivery: the ready line, warnings, the summary
)

// ListenViews are --output's values, in the order of ListenView.
var ListenViews = []string{"full", "compact", "quiet"}

// ListenOptions tune the delivery blocks.
type ListenOptions struct {
	Mode    ListenMode
	View    ListenView
	Colour  bool
	Verbose bool // show headers
	// Width is the terminal's width in columns: blocks and lines wrap to it (0: no
	// limit, as when piped).
	Width int
	// Location is the time zone of the terminal block's clock (default time.Local).
	Location *time.Location
	// MaxBodyLines caps the body lines in the terminal block (0: 200).
	MaxBodyLines int
	// ProviderWarnings are warnings that hold for every delivery of a provider
	// (Oneflow's signature does not cover the body): said once per run, not per block.
	ProviderWarnings []string
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

// ReadyJSON is listen --json's first line, without the newline: the first route's
// URL and, with named routes, each route's.
func ReadyJSON(ev listener.Ready) []byte {
	type route struct {
		URL       string `json:"url"`
		Provider  string `json:"provider,omitempty"`
		ForwardTo string `json:"forward_to,omitempty"`
	}
	var routes []route
	for _, r := range ev.Routes {
		routes = append(routes, route(r))
	}
	b, _ := jsontree.Marshal(struct {
		Kind   string  `json:"kind"`
		URL    string  `json:"url"`
		Routes []route `json:"routes,omitempty"`
	}{record.KindReady, ev.URL, routes})
	return b
}

// ReadyText is the line listen says on stderr when it is ready: the URL, or every
// route's URL (the notes after it say each route's provider and forward target).
func ReadyText(ev listener.Ready) string {
	urls := []string{ev.URL}
	if len(ev.Routes) > 0 {
		urls = urls[:0]
		for _, r := range ev.Routes {
			urls = append(urls, r.URL)
		}
	}
	return "Listening on " + strings.Join(urls, ", ") + " (Ctrl-C to stop)"
}

// ListenPrinter renders listener events. It is not safe for concurrent use: one
// goroutine owns it, which is what keeps blocks and NDJSON lines whole.
type ListenPrinter struct {
	o      ListenOptions
	s      listenStyles
	colour bool
	// said are the warnings said once per run so far (bounded by maxSaid).
	said map[string]bool
}

// maxSaid bounds the warnings a printer remembers having said: a forward error names
// its cause, and a flapping app could make many.
const maxSaid = 64

// NewListenPrinter returns a printer for output to w.
func NewListenPrinter(w io.Writer, o ListenOptions) *ListenPrinter {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.MaxBodyLines <= 0 {
		o.MaxBodyLines = 200
	}
	colour := o.Colour && o.Mode == ListenTTY
	return &ListenPrinter{o: o, s: newListenStyles(w, colour), colour: colour, said: map[string]bool{}}
}

// Delivery renders one delivery for stdout: a record line with --json, else a block,
// a compact line or nothing, as the view says. The result ends with a newline.
func (p *ListenPrinter) Delivery(d *listener.Delivery) []byte {
	switch {
	case p.o.Mode == ListenJSON:
		if d.Line != nil {
			return d.Line
		}
		line, _ := d.Record.Marshal()
		return append(line, '\n')
	case p.o.View == ViewQuiet:
		return nil
	case p.o.View == ViewCompact:
		return []byte(p.compact(d))
	case p.o.Mode == ListenTTY:
		return []byte(p.block(d))
	}
	return []byte(p.plain(d))
}

// Warnings are the lines to say on stderr for d, each ending in a newline. The full
// view puts warnings in its block; the others say each warning once per run, here
// (a compact line marks the delivery a forward failed for).
func (p *ListenPrinter) Warnings(d *listener.Delivery) string {
	if p.o.View == ViewFull && p.o.Mode != ListenJSON {
		return ""
	}
	var b strings.Builder
	for _, w := range d.Warnings {
		if p.once(w) {
			// Wrapped at words on a terminal, like the blocks.
			for i, l := range wrapText("whk: warning: "+SafeText(w), p.o.Width, p.o.Width-2) {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String()
}

// once reports whether w is to be said now: the first time it comes.
func (p *ListenPrinter) once(w string) bool {
	if p.said[w] {
		return false
	}
	if len(p.said) < maxSaid {
		p.said[w] = true
	}
	return true
}

// blockWarnings are the warnings a block shows: a provider-wide one only the first time.
func (p *ListenPrinter) blockWarnings(d *listener.Delivery) []string {
	var out []string
	for _, w := range d.Warnings {
		if p.providerWide(w) && !p.once(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func (p *ListenPrinter) providerWide(w string) bool {
	for _, pw := range p.o.ProviderWarnings {
		if w == pw {
			return true
		}
	}
	return false
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
	gutter := bar.Render("│")
	// Content is what fits right of the gutter ("│ "); 0 is no limit.
	content := 0
	if p.o.Width > 0 {
		content = max(p.o.Width-2, 20)
	}
	var b strings.Builder
	emit := func(l string) {
		b.WriteString(gutter)
		if l != "" {
			b.WriteString(" " + l)
		}
		b.WriteByte('\n')
	}
	// line lays spans out from column indent, continuation lines from indent+hang.
	line := func(indent, hang int, spans ...span) {
		first, rest := 0, 0
		if content > 0 {
			first, rest = max(content-indent, 10), max(content-indent-hang, 10)
		}
		for i, l := range wrapSpans(p.colour, spans, first, rest) {
			pad := indent
			if i > 0 {
				pad += hang
			}
			emit(strings.Repeat(" ", pad) + l)
		}
	}
	plain := lipgloss.NewStyle()
	// labelled puts a value in the column after a label, continuation lines under it.
	labelled := func(l string, value ...span) {
		head := span{fmt.Sprintf("%-10s", l), s.Dim}
		if content == 0 {
			line(0, 0, append([]span{head, {" ", plain}}, value...)...)
			return
		}
		for i, v := range wrapSpans(p.colour, value, max(content-11, 10), max(content-11, 10)) {
			if i == 0 {
				emit(paint(p.colour, s.Dim, head.text) + " " + v)
			} else {
				emit(strings.Repeat(" ", 11) + v)
			}
		}
	}
	head := []span{{rec.ReceivedAt.In(p.o.Location).Format("15:04:05.000"), s.Dim}, {"  ", plain},
		{safeOrDash(rec.Provider), s.Bold}, {"  ", plain}, {safeOrDash(rec.Type), s.Key}, {"  ", plain}, {safeOrDash(rec.ID), plain}}
	if rec.Duplicate {
		head = append(head, span{"  ", plain}, span{"duplicate", s.Warn})
	}
	line(0, 2, head...)
	if sig := rec.Signature; sig != nil {
		labelled("signature", p.verdict(sig.Status, sig.Reason)...)
	}
	if sc := rec.Schema; sc != nil {
		labelled("schema", p.verdict(sc.Status, "")...)
		for _, e := range sc.Errors {
			line(13, 2, span{orRoot(e.Pointer) + ": ", s.Dim}, span{SafeText(e.Message), plain})
		}
		for _, w := range sc.Warnings {
			line(13, 2, span{"! ", s.Warn}, span{orRoot(w.Pointer) + ": ", s.Dim}, span{SafeText(w.Message), plain})
		}
	}
	for _, w := range p.blockWarnings(d) {
		line(0, 2, span{"! " + SafeText(w), s.Warn})
	}
	labelled("request", span{Safe(rec.Method) + " " + Safe(rec.Path), plain})
	if fw := d.Forward; fw != nil {
		outcome := span{forwardOutcome(fw), s.Dim}
		if fw.Err != nil || fw.CutShort != nil {
			outcome.style = s.Fail
		}
		labelled("forwarded", span{Safe(fw.URL) + " → ", plain}, outcome)
		if p.o.Verbose {
			for _, l := range headerLines(fw.Header) {
				line(11, 2, span{l, s.Dim})
			}
		}
	}
	if rec.Response != nil {
		labelled("answered", p.status(rec.Response.Status))
		if d.Forward != nil && rec.Response.Body != "" {
			for _, l := range clip(strings.Split(strings.TrimRight(rec.Response.Body, "\n"), "\n"), 10) {
				line(11, 2, span{SafeText(l), s.Dim})
			}
		}
	}
	if rs := rec.Stored; rs != nil && rs.Status == record.StoredFailed {
		labelled("record", span{"✗ not written: " + SafeText(rs.Error), s.Fail})
	}
	if p.o.Verbose {
		for _, l := range headerLines(rec.Headers) {
			line(0, 2, span{l, s.Dim})
		}
	}
	for _, l := range clip(bodyLines(rec.Body), p.o.MaxBodyLines) {
		// A long body line goes on under its own indentation, a step further in.
		line(0, len(l)-len(strings.TrimLeft(l, " "))+2, span{l, plain})
	}
	b.WriteByte('\n')
	return b.String()
}

// How much a signature or schema verdict weighs in a delivery's severity: 2 fails
// the delivery, 1 warns; a verdict not listed weighs nothing.
var (
	signatureSeverity = map[string]int{signing.StatusInvalid: 2, signing.StatusUnsigned: 1}
	schemaSeverity    = map[string]int{listener.SchemaInvalid: 2, listener.SchemaUnknownType: 1}
)

// severity is 0 when everything checked out, 1 for warnings, 2 for a failure.
func severity(d *listener.Delivery) int {
	rec := d.Record
	sev := 0
	if rec.Signature != nil {
		sev = max(sev, signatureSeverity[rec.Signature.Status])
	}
	if rec.Schema != nil {
		sev = max(sev, schemaSeverity[rec.Schema.Status])
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

func (p *ListenPrinter) verdict(status, reason string) []span {
	s := p.s
	var out []span
	switch status {
	case signing.StatusValid:
		out = []span{{"✓ " + status, s.OK}}
	case signing.StatusInvalid:
		out = []span{{"✗ " + status, s.Fail}}
	case signing.StatusUnsigned, listener.SchemaUnknownType:
		out = []span{{"! " + status, s.Warn}}
	default:
		out = []span{{"- " + status, s.Dim}}
	}
	if reason != "" {
		out = append(out, span{": " + SafeText(reason), s.Dim})
	}
	return out
}

func (p *ListenPrinter) status(code int) span {
	text := fmt.Sprintf("%d %s", code, http.StatusText(code))
	if code >= 200 && code < 300 {
		return span{text, p.s.OK}
	}
	return span{text, p.s.Warn}
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
			fmt.Fprintf(&b, "    warning: %s: %s\n", orRoot(w.Pointer), SafeText(w.Message))
		}
	}
	for _, w := range p.blockWarnings(d) {
		fmt.Fprintf(&b, "  warning: %s\n", SafeText(w))
	}
	fmt.Fprintf(&b, "  request: %s %s\n", Safe(rec.Method), Safe(rec.Path))
	if fw := d.Forward; fw != nil {
		fmt.Fprintf(&b, "  forwarded: %s → %s\n", Safe(fw.URL), forwardOutcome(fw))
		if p.o.Verbose {
			for _, l := range headerLines(fw.Header) {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
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
	if rs := rec.Stored; rs != nil && rs.Status == record.StoredFailed {
		fmt.Fprintf(&b, "  record: not written: %s\n", SafeText(rs.Error))
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

// forwardOutcome is how the app answered a forwarded delivery: its status and time,
// or why it could not be reached or relayed.
func forwardOutcome(fw *listener.Forward) string {
	switch {
	case fw.Err != nil:
		return "not reached: " + SafeText(fw.Err.Error())
	case fw.CutShort != nil:
		return fmt.Sprintf("%d %s, relaying cut short: %s", fw.Status, http.StatusText(fw.Status), SafeText(fw.CutShort.Error()))
	}
	out := fmt.Sprintf("%d %s in %s", fw.Status, http.StatusText(fw.Status), delivery.ShortDuration(fw.Duration))
	if fw.Truncated {
		out += " (answer longer than the record keeps)"
	}
	return out
}

func headerLines(h http.Header) []string {
	var out []string
	for _, n := range slices.Sorted(maps.Keys(h)) {
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
