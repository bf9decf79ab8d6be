package inspector

import (
	"path"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// columns are the list's widths at one terminal width: type and id share what the fixed
// columns leave, the type getting the larger part.
type columns struct{ provider, typ, id int }

// fixedWidth is every column but type and id: cursor 2, time 8, provider, the marks
// (SIG 4, SCHM 4, DUP 3, ANS 3, FWD 3) and the spaces between.
const fixedWidth = 2 + 8 + 1 + 10 + 1 + 1 + 1 + 4 + 1 + 4 + 1 + 3 + 1 + 3 + 1 + 3

func columnsFor(w int) columns {
	rest := max(w-fixedWidth, 10)
	t := rest * 6 / 10
	return columns{provider: 10, typ: t, id: rest - t}
}

func (m *Model) listView() string {
	var b strings.Builder
	rows := m.rows()
	b.Grow((m.w + 16) * m.h)
	title := m.opt.Title + "  "
	if m.url != "" {
		title += render.SafeText(m.url) + "  "
	}
	if len(m.recs) == 1 {
		title += "1 delivery"
	} else {
		title += strconv.Itoa(len(m.recs)) + " deliveries"
	}
	if m.filter != "" {
		title += "  " + strconv.Itoa(len(m.shown)) + " match /" + render.SafeText(m.filter)
	}
	if m.mark >= 0 {
		title += "  marked #" + strconv.Itoa(m.mark+1)
	}
	b.WriteString(m.st.title.paint(pad(title, m.w)))
	b.WriteByte('\n')
	c := columnsFor(m.w)
	head := "  " + pad("TIME", 8) + " " + pad("PROVIDER", c.provider) + " " + pad("TYPE", c.typ) + " " +
		pad("ID", c.id) + " SIG  SCHM DUP ANS FWD"
	b.WriteString(m.st.head.paint(fit(head, m.w)))
	b.WriteByte('\n')
	for i := 0; i < rows; i++ {
		j := m.top + i
		switch {
		case j < len(m.shown):
			b.WriteString(m.row(m.shown[j], j == m.cur, c))
		case j == 0 && len(m.recs) == 0:
			b.WriteString(m.st.dim.paint(fit("  no deliveries yet", m.w)))
		case j == 0:
			b.WriteString(m.st.dim.paint(fit("  no delivery matches; esc clears the filter", m.w)))
		}
		b.WriteByte('\n')
	}
	b.WriteString(m.footer("↑↓ move  enter open  / filter  r replay  e edit  d diff  c copy  ? help  q quit"))
	return b.String()
}

func (m *Model) row(i int, cursor bool, c columns) string {
	r := m.recs[i]
	lead := "  "
	switch {
	case cursor:
		lead = "> "
	case i == m.mark:
		lead = "* "
	}
	sig, sch := sigMark(r), schemaMark(r)
	dup := "   "
	if r.Duplicate {
		dup = "dup"
	}
	text := lead + r.ReceivedAt.In(m.opt.Location).Format("15:04:05") + " " +
		pad(render.SafeText(r.Provider), c.provider) + " " + pad(render.SafeText(r.Type), c.typ) + " " + pad(render.SafeText(r.ID), c.id) + " "
	ans, fwd := pad(answer(r), 3), orDash(r.Forward())
	marks := pad(sig, 4) + " " + pad(sch, 4) + " " + dup + " " + ans + " " + fwd
	if cursor {
		return m.st.cursor.paint(fit(text+marks, m.w))
	}
	if !m.opt.Colour {
		return fit(text+marks, m.w)
	}
	return fit(text, m.w) + m.mark4(sig) + " " + m.mark4(sch) + " " + m.st.status.paint(dup) + " " + ans + " " + fwd
}

func (m *Model) mark4(s string) string {
	switch s {
	case "ok":
		return m.st.ok.paint(pad(s, 4))
	case "BAD":
		return m.st.fail.paint(pad(s, 4))
	}
	return pad(s, 4)
}

// The verdicts in four columns: ok, BAD, none (a key was given but the request carries
// no signature), ? (a type the catalog does not know), or - (not checked).
var (
	sigMarks    = map[string]string{signing.StatusValid: "ok", signing.StatusInvalid: "BAD", signing.StatusUnsigned: "none"}
	schemaMarks = map[string]string{validation.StatusValid: "ok", validation.StatusInvalid: "BAD", validation.StatusUnknownType: "?"}
)

// sigMark is the signature verdict's mark.
func sigMark(r *record.Record) string {
	if r.Signature == nil {
		return "-"
	}
	return orDash(sigMarks[r.Signature.Status])
}

// schemaMark is the schema verdict's mark.
func schemaMark(r *record.Record) string {
	if r.Schema == nil {
		return "-"
	}
	return orDash(schemaMarks[r.Schema.Status])
}

func answer(r *record.Record) string {
	if r.Response == nil || r.Response.Status == 0 {
		return "-"
	}
	return strconv.Itoa(r.Response.Status)
}

// filter is what `/` typed: words that must all match. A word matches a delivery when it
// is a glob matching its type ("review.*"), its provider, a verdict word (valid, invalid,
// unsigned, unchecked, unknown-type, duplicate), or a part of its type or id.
type filter []string

func parseFilter(s string) filter { return strings.Fields(strings.ToLower(s)) }

func (f filter) match(r *record.Record) bool {
	for _, w := range f {
		if !wordMatches(w, r) {
			return false
		}
	}
	return true
}

func wordMatches(w string, r *record.Record) bool {
	typ, prov := strings.ToLower(r.Type), strings.ToLower(r.Provider)
	switch w {
	case prov:
		return true
	case "duplicate", "dup":
		return r.Duplicate
	case "valid", "invalid", "unsigned", "unchecked", "unknown-type":
		return (r.Signature != nil && r.Signature.Status == w) || (r.Schema != nil && r.Schema.Status == w)
	}
	if ok, err := path.Match(w, typ); err == nil && ok {
		return true
	}
	return strings.Contains(typ, w) || strings.Contains(strings.ToLower(r.ID), w)
}
