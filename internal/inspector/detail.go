package inspector

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

func (m *Model) detailPane(i int) *pane {
	r := m.recs[i]
	p := &pane{kind: paneDetail, rec: i}
	p.title = "delivery " + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(m.recs)) + "  " + render.SafeText(r.Provider) + " " + render.SafeText(r.Type)
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
	switch {
	case r.Signature == nil:
		field(faint, "signature", "not recorded")
	default:
		v := render.SafeText(r.Signature.Status)
		if r.Signature.Reason != "" {
			v += ": " + render.SafeText(r.Signature.Reason)
		}
		field(verdictKind(r.Signature.Status), "signature", v)
	}
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
	switch {
	case r.Response == nil:
		field(faint, "response", "not recorded")
	default:
		v := strconv.Itoa(r.Response.Status)
		if r.Response.Body != "" {
			v += " " + render.SafeText(r.Response.Body)
		}
		kind := good
		if r.Response.Status >= 300 {
			kind = bad
		}
		field(kind, "response", v)
	}

	add(plain, "")
	add(heading, "headers")
	names := make([]string, 0, len(r.Headers))
	for n := range r.Headers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range r.Headers[n] {
			add(plain, "  "+render.SafeText(n)+": "+render.SafeText(v))
		}
	}
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
		"  q             quit (ctrl+c anywhere)",
		"detail",
		"  ↑ ↓ pgup pgdn scroll",
		"  b             raw bytes / pretty JSON",
		"  c s d         copy, save, diff as in the list",
		"  esc           back",
		"marks",
		"  SIG   ok valid, BAD invalid, none unsigned, - unchecked",
		"  SCHM  ok valid, BAD invalid, ? unknown type, - not checked",
		"  DUP   the delivery id was seen before",
		"  ANS   the status whk (or the --forward-to app) answered",
	} {
		kind := plain
		if !strings.HasPrefix(l, " ") {
			kind = heading
		}
		p.lines = append(p.lines, line{kind, l})
	}
	return p
}
