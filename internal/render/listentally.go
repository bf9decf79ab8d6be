package render

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// compact is one line per delivery, as `stripe listen` prints: time, provider, type,
// id, then the marks (signature, schema, duplicate, answer, the app's answer when
// forwarding, a record not written). At the terminal's width the id, then the type,
// give way to an ellipsis so that the marks stay; in a terminal narrower still, the
// line's end does.
func (p *ListenPrinter) compact(d *listener.Delivery) string {
	s, rec := p.s, d.Record
	plain := lipgloss.NewStyle()
	var marks []span
	mark := func(text string, st lipgloss.Style) {
		sep := " "
		if len(marks) == 0 {
			sep = "  "
		}
		marks = append(marks, span{sep, plain}, span{text, st})
	}
	if sig := rec.Signature; sig != nil {
		mark("sig "+verdictMark(sig.Status), p.verdictStyle(sig.Status))
	}
	if sc := rec.Schema; sc != nil {
		mark("schema "+verdictMark(sc.Status), p.verdictStyle(sc.Status))
	}
	if rec.Duplicate {
		mark("dup", s.Warn)
	}
	if rec.Response != nil {
		st := p.status(rec.Response.Status)
		mark(fmt.Sprint(rec.Response.Status), st.style)
	}
	if fw := d.Forward; fw != nil {
		switch {
		case fw.Err != nil || fw.CutShort != nil:
			mark("fwd failed", s.Fail)
		default:
			mark(fmt.Sprintf("fwd %d", fw.Status), p.status(fw.Status).style)
		}
	}
	if rs := rec.Stored; rs != nil && rs.Status == record.StoredFailed {
		mark("record failed", s.Fail)
	}
	at := rec.ReceivedAt.In(p.o.Location).Format("15:04:05")
	provider, typ, id := safeOrDash(rec.Provider), safeOrDash(rec.Type), safeOrDash(rec.ID)
	if p.o.Width > 0 {
		tail := 0
		for _, m := range marks {
			tail += ansi.StringWidth(m.text)
		}
		// Two spaces between the four head fields.
		room := p.o.Width - tail - ansi.StringWidth(at) - ansi.StringWidth(provider) - 6
		if over := ansi.StringWidth(typ) + ansi.StringWidth(id) - room; over > 0 {
			id = truncate(id, max(ansi.StringWidth(id)-over, 5))
		}
		if over := ansi.StringWidth(typ) + ansi.StringWidth(id) - room; over > 0 {
			typ = truncate(typ, max(ansi.StringWidth(typ)-over, 7))
		}
	}
	line := []span{{at, s.Dim}, {"  ", plain}, {provider, s.Bold}, {"  ", plain}, {typ, s.Key}, {"  ", plain}, {id, plain}}
	var b strings.Builder
	for _, sp := range append(line, marks...) {
		b.WriteString(paint(p.colour, sp.style, sp.text))
	}
	// Narrower than the shortest type and id with every mark: the end gives way.
	return truncate(b.String(), p.o.Width) + "\n"
}

// verdictMark is a verdict as one character: ✓ valid, ✗ invalid, ! unsigned,
// ? unknown type, - unchecked.
func verdictMark(status string) string {
	switch status {
	case signing.StatusValid:
		return "✓"
	case signing.StatusInvalid:
		return "✗"
	case signing.StatusUnsigned:
		return "!"
	case listener.SchemaUnknownType:
		return "?"
	}
	return "-"
}

func (p *ListenPrinter) verdictStyle(status string) lipgloss.Style {
	switch status {
	case signing.StatusValid:
		return p.s.OK
	case signing.StatusInvalid:
		return p.s.Fail
	case signing.StatusUnsigned, listener.SchemaUnknownType:
		return p.s.Warn
	}
	return p.s.Dim
}

// ListenTally counts deliveries by verdict: the live status line and the exit summary.
type ListenTally struct {
	Deliveries int
	// Signature and Schema count deliveries by verdict status.
	Signature, Schema map[string]int
	Duplicates        int
	ForwardFailed     int
	RecordsFailed     int
}

// Add counts one delivery.
func (t *ListenTally) Add(d *listener.Delivery) {
	if t.Signature == nil {
		t.Signature, t.Schema = map[string]int{}, map[string]int{}
	}
	rec := d.Record
	t.Deliveries++
	if rec.Signature != nil {
		t.Signature[rec.Signature.Status]++
	}
	if rec.Schema != nil {
		t.Schema[rec.Schema.Status]++
	}
	if rec.Duplicate {
		t.Duplicates++
	}
	if fw := d.Forward; fw != nil && (fw.Err != nil || fw.CutShort != nil) {
		t.ForwardFailed++
	}
	if rs := rec.Stored; rs != nil && rs.Status == record.StoredFailed {
		t.RecordsFailed++
	}
}

var (
	signatureVerdicts = []string{signing.StatusValid, signing.StatusInvalid, signing.StatusUnsigned, signing.StatusUnchecked}
	schemaVerdicts    = []string{listener.SchemaValid, listener.SchemaInvalid, listener.SchemaUnknownType}
)

// counts is "3 valid, 1 invalid": the verdicts counted, in order, zeros left out.
func counts(m map[string]int, order []string) string {
	var parts []string
	for _, v := range order {
		if m[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[v], v))
		}
	}
	return strings.Join(parts, ", ")
}

// ListenSummary is the exit summary for stderr: first (the "whk: received …" line),
// then the deliveries broken down by signature and schema verdict, duplicates,
// forwards that failed and records not written, each line only when it has a count.
func ListenSummary(first string, t ListenTally) string {
	var b strings.Builder
	b.WriteString(first + "\n")
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-11s %s\n", label, value)
		}
	}
	row("signature", counts(t.Signature, signatureVerdicts))
	row("schema", counts(t.Schema, schemaVerdicts))
	if t.Duplicates > 0 {
		row("duplicates", fmt.Sprint(t.Duplicates))
	}
	if t.ForwardFailed > 0 {
		row("forwarding", fmt.Sprintf("%d failed", t.ForwardFailed))
	}
	if t.RecordsFailed > 0 {
		row("records", fmt.Sprintf("%d not written", t.RecordsFailed))
	}
	return b.String()
}

// ListenStatus is the live status line: counts by verdict and the rate, cut to width
// (a line that wrapped could not be redrawn in place). It has no newline.
func ListenStatus(t ListenTally, perSecond float64, width int) string {
	parts := []string{plural(t.Deliveries, "delivery", "deliveries"), fmt.Sprintf("%.1f req/s", perSecond)}
	add := func(label string, m map[string]int, order []string) {
		var marks []string
		for _, v := range order {
			if m[v] > 0 {
				marks = append(marks, fmt.Sprintf("%s%d", verdictMark(v), m[v]))
			}
		}
		if len(marks) > 0 {
			parts = append(parts, label+" "+strings.Join(marks, " "))
		}
	}
	add("sig", t.Signature, signatureVerdicts)
	add("schema", t.Schema, schemaVerdicts)
	if t.Duplicates > 0 {
		parts = append(parts, fmt.Sprintf("dup %d", t.Duplicates))
	}
	if t.ForwardFailed > 0 {
		parts = append(parts, fmt.Sprintf("fwd failed %d", t.ForwardFailed))
	}
	if t.RecordsFailed > 0 {
		parts = append(parts, fmt.Sprintf("records lost %d", t.RecordsFailed))
	}
	line := "● " + strings.Join(parts, " · ")
	if width > 0 {
		// The last column stays free: writing there makes some terminals wrap.
		line = truncate(line, width-1)
	}
	return line
}
