package inspector

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// deliveryPane is an empty pane about delivery i, titled "delivery N" and what follows.
func (m *Model) deliveryPane(kind paneKind, i int, title string) (*record.Record, *pane) {
	return m.recs[i], &pane{kind: kind, rec: i, title: "delivery " + itoa(i+1) + title}
}

func (m *Model) detailPane(i int) *pane {
	r := m.recs[i]
	_, p := m.deliveryPane(paneDetail, i, "/"+itoa(len(m.recs))+"  "+render.SafeText(r.Provider)+" "+render.SafeText(r.Type))
	add := func(kind lineKind, s string) { p.lines = append(p.lines, line{kind, s}) }
	field := func(kind lineKind, name, value string) { add(kind, pad(name, 11)+value) }

	field(plain, "received", r.ReceivedAt.In(m.opt.Location).Format("2006-01-02 15:04:05.000000 MST"))
	field(plain, "request", render.SafeText(r.Method)+" "+render.SafeText(r.Path))
	field(plain, "provider", orDash(render.SafeText(r.Provider)))
	field(plain, "type", orDash(render.SafeText(r.Type)))
	field(plain, "id", orDash(render.SafeText(r.ID)))
	if r.Duplicate {
		field(bad, "duplicate", "yes: this delivery id was seen before")
	} else {
		field(plain, "duplicate", "no")
	}
	sig, sigKind := "not recorded", faint
	if v := r.Signature; v != nil {
		sig, sigKind = joined(render.SafeText(v.Status), ": ", render.SafeText(v.Reason)), verdictKind(v.Status)
	}
	field(sigKind, "signature", sig)
	switch {
	case r.Schema == nil:
		field(faint, "schema", "not recorded")
	case len(r.Schema.Errors) > 0:
		field(bad, "schema", render.SafeText(r.Schema.Status)+": "+plural(len(r.Schema.Errors), "error"))
		for _, e := range r.Schema.Errors {
			add(bad, "           "+render.SafeText(orRoot(e.Pointer))+": "+render.SafeText(e.Message))
		}
	default:
		field(verdictKind(r.Schema.Status), "schema", render.SafeText(r.Schema.Status))
	}
	rr, fwd := r.Response, r.Forward()
	switch {
	case rr == nil:
		field(faint, "response", "not recorded")
	case fwd == "ERR":
		field(bad, "response", "502 from whk: "+render.SafeText(strings.TrimSpace(rr.Body)))
	case fwd != "":
		field(statusKind(rr.Status), "response", fwd+" from the --forward-to app in "+strconv.FormatFloat(rr.DurationMS, 'f', -1, 64)+" ms (its answer below)")
	default:
		field(statusKind(rr.Status), "response", joined(strconv.Itoa(rr.Status), " ", render.SafeText(rr.Body)))
	}
	if s, ok := m.replays[i]; ok {
		field(plain, "sent again", s)
	}

	add(plain, "")
	if fwd != "" && fwd != "ERR" {
		appAnswer(add, rr)
	}
	add(heading, "headers")
	headerLines(add, r.Headers)
	add(plain, "")
	if m.raw {
		add(heading, "body, raw: "+plural(len(r.Body), "byte"))
		add(faint, "  (b: pretty)")
		for _, l := range strings.Split(string(r.Body), "\n") {
			add(plain, "  "+render.SafeText(l))
		}
		return p
	}
	pretty, ok := prettyBody(r.Body, schemaErrors(r))
	if !ok {
		add(heading, "body, not JSON: "+plural(len(r.Body), "byte"))
	} else {
		add(heading, "body")
		add(faint, "  (b: raw bytes; ! marks a schema error)")
	}
	p.lines = append(p.lines, pretty...)
	return p
}

// appAnswer is the --forward-to app's answer: its headers (kept with listen -v) and
// its body, indented when it is JSON.
func appAnswer(add func(lineKind, string), rr *record.Response) {
	add(heading, "the app's answer")
	headerLines(add, rr.Headers)
	body := []byte(rr.Body)
	if rr.BodyBase64 != nil {
		body = rr.BodyBase64
	}
	switch {
	case len(body) == 0:
		add(faint, "  (no body)")
	case rr.Truncated:
		add(faint, "  (its first "+plural(len(body), "byte")+"; the sender got all of it)")
	}
	if len(body) > 0 {
		lines, _ := prettyBody(body, nil)
		for _, l := range lines {
			add(l.kind, l.text)
		}
	}
	add(plain, "")
}

// headerLines adds h's fields, sorted by name, one value a line.
func headerLines(add func(lineKind, string), h http.Header) {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range h[n] {
			add(plain, "  "+render.SafeText(n)+": "+render.SafeText(v))
		}
	}
}

// statusKind paints an answer's status: good below 300, bad from there.
func statusKind(status int) lineKind {
	if status >= 300 {
		return bad
	}
	return good
}

// joined is a, or a, sep and b when b is not empty.
func joined(a, sep, b string) string {
	if b == "" {
		return a
	}
	return a + sep + b
}

func verdictKind(status string) lineKind {
	switch status {
	case "valid":
		return good
	case "invalid", "unsigned":
		return bad
	}
	return plain
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "(root)"
	}
	return ptr
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func schemaErrors(r *record.Record) map[string][]string {
	if r.Schema == nil || len(r.Schema.Errors) == 0 {
		return nil
	}
	errs := map[string][]string{}
	for _, e := range r.Schema.Errors {
		errs[e.Pointer] = append(errs[e.Pointer], e.Message)
	}
	return errs
}

// prettyBody indents a JSON body, keeping its key order, and marks the line where each
// value with a schema error starts ("! " in the gutter, the message after the value).
// A body that is not JSON comes back as its lines, escaped, and ok false.
func prettyBody(body []byte, errs map[string][]string) (lines []line, ok bool) {
	n, err := parseNode(body)
	if err != nil {
		for _, l := range strings.Split(string(body), "\n") {
			lines = append(lines, line{plain, "  " + render.SafeText(l)})
		}
		return lines, false
	}
	pr := printer{errs: errs}
	pr.value(n, "", "", "", false)
	return pr.lines, true
}

// node is a JSON value with its object keys in document order (a map would lose it).
type node struct {
	scalar string // the value as JSON text, for everything but objects and arrays
	delim  byte   // '{' or '[' for containers
	keys   []string
	kids   []*node
}

func parseNode(b []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := readNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return n, nil
}

// maxDepth bounds nesting, as the schema library's inputs are bounded elsewhere: a
// hostile 100,000-level body would otherwise recurse that deep.
const maxDepth = 200

func readNode(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("nested too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{delim: byte(t)}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			kid, err := readNode(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return n, nil
	case string:
		return &node{scalar: quoteJSON(t)}, nil
	case json.Number:
		return &node{scalar: t.String()}, nil
	case bool:
		return &node{scalar: strconv.FormatBool(t)}, nil
	}
	return &node{scalar: "null"}, nil
}

func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

type printer struct {
	errs  map[string][]string
	lines []line
}

func (p *printer) emit(ptr, indent, text string, start bool) {
	msgs := p.errs[ptr]
	if !start || len(msgs) == 0 {
		p.lines = append(p.lines, line{plain, "  " + indent + render.SafeText(text)})
		return
	}
	p.lines = append(p.lines, line{bad, "! " + indent + render.SafeText(text) + "  ◀ " + render.SafeText(strings.Join(msgs, "; "))})
}

func (p *printer) value(n *node, ptr, indent, key string, comma bool) {
	tail := ""
	if comma {
		tail = ","
	}
	if n.delim == 0 {
		p.emit(ptr, indent, key+n.scalar+tail, true)
		return
	}
	open, close := "{", "}"
	if n.delim == '[' {
		open, close = "[", "]"
	}
	if len(n.kids) == 0 {
		p.emit(ptr, indent, key+open+close+tail, true)
		return
	}
	p.emit(ptr, indent, key+open, true)
	for i, kid := range n.kids {
		last := i == len(n.kids)-1
		if n.delim == '{' {
			p.value(kid, jsonpointer.Append(ptr, n.keys[i]), indent+"  ", quoteJSON(n.keys[i])+": ", !last)
		} else {
			p.value(kid, jsonpointer.Append(ptr, strconv.Itoa(i)), indent+"  ", "", !last)
		}
	}
	p.emit(ptr, indent, close+tail, false)
}

func helpPane() *pane {
	p := &pane{kind: paneHelp, title: "whk inspect: keys"}
	for _, l := range []string{
		"list",
		"  ↑ ↓ j k       move; pgup pgdn, home end (g G) jump",
		"  enter         open the delivery's detail",
		"  /             filter as you type; enter keeps it, esc clears it",
		"                words: a type glob (review.*), a provider,",
		"                a verdict (valid invalid unsigned unchecked",
		"                unknown-type duplicate), or part of a type or id",
		"  d             mark a delivery; d on another diffs the two",
		"  c             show it as a curl command (c again: a whk send line)",
		"  s             save it as a record file in --save-dir",
		"  r             send it again to --to or the forward target,",
		"                re-signed with the given secret or key",
		"  R             send it again byte for byte, as recorded",
		"  e             edit the body in $EDITOR, then re-sign and send it",
		"  q             quit (ctrl+c anywhere)",
		"detail",
		"  ↑ ↓ pgup pgdn scroll",
		"  b             raw bytes / pretty JSON",
		"  c s d r R e   copy, save, diff, send again as in the list",
		"  esc           back",
		"marks",
		"  SIG   ok valid, BAD invalid, none unsigned, - unchecked",
		"  SCHM  ok valid, BAD invalid, ? unknown type, - not checked",
		"  DUP   the delivery id was seen before",
		"  ANS   the status whk (or the --forward-to app) answered",
		"  FWD   the --forward-to app's status; ERR: whk could not reach it",
	} {
		kind := plain
		if !strings.HasPrefix(l, " ") {
			kind = heading
		}
		p.lines = append(p.lines, line{kind, l})
	}
	return p
}
