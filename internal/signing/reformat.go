package signing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// The JSON re-serialisations Diagnose tries: the ways common serialisers (JSON.stringify,
// Go's encoding/json, Python's json.dumps, jq) write the same value with other bytes.
// Numbers and literals keep their text; strings keep their original escapes unless an
// escape mode re-encodes them.

// jsonLayout is where whitespace goes.
type jsonLayout int

const (
	layoutOriginal jsonLayout = iota // the bytes between tokens as received
	layoutCompact                    // JSON.stringify(v), json.Marshal(v)
	layoutPython                     // json.dumps(v): ", " and ": "
	layoutIndent2                    // JSON.stringify(v, null, 2), json.dumps(v, indent=2), jq .
	layoutIndent4                    // json.dumps(v, indent=4)
	layoutTab                        // JSON.stringify(v, null, "\t")
)

// escapeMode is how strings are written.
type escapeMode int

const (
	escapeOriginal escapeMode = iota // the string literals as received
	escapeMinimal                    // only what JSON requires (JSON.stringify, \u escapes decoded)
	escapeASCII                      // non-ASCII as \uXXXX (Python's ensure_ascii default)
	escapeHTML                       // <, >, & as \u003c, \u003e, \u0026 (Go's encoding/json)
	escapeSlash                      // / as \/ (PHP's json_encode with JSON_UNESCAPED_UNICODE)
	escapePHP                        // / as \/ and non-ASCII as \uXXXX (PHP's json_encode by default)
)

// jsonStyle is one way to write a JSON value.
type jsonStyle struct {
	layout   jsonLayout
	sortKeys bool
	escape   escapeMode
}

// jnode is a parsed JSON value that remembers its literal text.
type jnode struct {
	kind  byte   // '{', '[', '"' or 'l' (number, true, false, null)
	raw   []byte // literal text of strings and literals
	str   string // decoded string
	keys  []jnode
	items []jnode // object values or array elements
}

var errNotJSON = errors.New("not JSON")

// parseJSON parses one JSON document (surrounding whitespace allowed).
func parseJSON(b []byte) (jnode, error) {
	if !json.Valid(b) {
		return jnode{}, errNotJSON
	}
	p := &jparser{b: b}
	n := p.value()
	return n, p.err
}

type jparser struct {
	b   []byte
	i   int
	err error
}

func (p *jparser) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *jparser) value() jnode {
	p.ws()
	if p.i >= len(p.b) {
		p.err = errNotJSON
		return jnode{}
	}
	switch c := p.b[p.i]; c {
	case '{', '[':
		n := jnode{kind: c}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		p.i++
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == closing {
			p.i++
			return n
		}
		for p.err == nil {
			if c == '{' {
				p.ws()
				n.keys = append(n.keys, p.value())
				p.ws()
				p.i++ // ':'
			}
			n.items = append(n.items, p.value())
			p.ws()
			if p.i >= len(p.b) {
				p.err = errNotJSON
				break
			}
			sep := p.b[p.i]
			p.i++
			if sep == closing {
				break
			}
		}
		return n
	case '"':
		start := p.i
		p.i++
		for p.i < len(p.b) && p.b[p.i] != '"' {
			if p.b[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		p.i++
		n := jnode{kind: '"', raw: p.b[start:p.i]}
		if err := json.Unmarshal(n.raw, &n.str); err != nil {
			p.err = err
		}
		return n
	default:
		start := p.i
		for p.i < len(p.b) && !strings.ContainsRune(" \t\r\n,]}:", rune(p.b[p.i])) {
			p.i++
		}
		return jnode{kind: 'l', raw: p.b[start:p.i]}
	}
}

// reformat writes body in style s. With the original layout only the strings change,
// by rewriting each string literal in place.
func reformat(body []byte, root jnode, s jsonStyle) []byte {
	var out bytes.Buffer
	if s.layout == layoutOriginal {
		// Outside strings JSON has no quotes, so a scan for literals is enough.
		for i := 0; i < len(body); {
			if body[i] != '"' {
				out.WriteByte(body[i])
				i++
				continue
			}
			j := i + 1
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			j++
			var str string
			if json.Unmarshal(body[i:j], &str) != nil {
				out.Write(body[i:j])
			} else {
				writeString(&out, jnode{raw: body[i:j], str: str}, s.escape)
			}
			i = j
		}
		return out.Bytes()
	}
	writeNode(&out, root, s, 0)
	return out.Bytes()
}

func writeNode(out *bytes.Buffer, n jnode, s jsonStyle, depth int) {
	switch n.kind {
	case '"':
		writeString(out, n, s.escape)
	case 'l':
		out.Write(n.raw)
	case '[', '{':
		closing := byte(']')
		if n.kind == '{' {
			closing = '}'
		}
		out.WriteByte(n.kind)
		if len(n.items) == 0 {
			out.WriteByte(closing)
			return
		}
		order := make([]int, len(n.items))
		for i := range order {
			order[i] = i
		}
		if n.kind == '{' && s.sortKeys {
			sort.SliceStable(order, func(a, b int) bool { return n.keys[order[a]].str < n.keys[order[b]].str })
		}
		indent := ""
		switch s.layout {
		case layoutIndent2:
			indent = "  "
		case layoutIndent4:
			indent = "    "
		case layoutTab:
			indent = "\t"
		}
		for k, i := range order {
			if k > 0 {
				out.WriteByte(',')
				if s.layout == layoutPython {
					out.WriteByte(' ')
				}
			}
			if indent != "" {
				out.WriteByte('\n')
				out.WriteString(strings.Repeat(indent, depth+1))
			}
			if n.kind == '{' {
				writeString(out, n.keys[i], s.escape)
				out.WriteByte(':')
				if s.layout != layoutCompact {
					out.WriteByte(' ')
				}
			}
			writeNode(out, n.items[i], s, depth+1)
		}
		if indent != "" {
			out.WriteByte('\n')
			out.WriteString(strings.Repeat(indent, depth))
		}
		out.WriteByte(closing)
	}
}

func writeString(out *bytes.Buffer, n jnode, mode escapeMode) {
	if mode == escapeOriginal {
		out.Write(n.raw)
		return
	}
	const hexDigits = "0123456789abcdef"
	u := func(r rune) {
		out.WriteString(`\u`)
		out.WriteByte(hexDigits[r>>12&0xf])
		out.WriteByte(hexDigits[r>>8&0xf])
		out.WriteByte(hexDigits[r>>4&0xf])
		out.WriteByte(hexDigits[r&0xf])
	}
	out.WriteByte('"')
	for _, r := range n.str {
		switch {
		case r == '"':
			out.WriteString(`\"`)
		case r == '\\':
			out.WriteString(`\\`)
		case r == '\n':
			out.WriteString(`\n`)
		case r == '\r':
			out.WriteString(`\r`)
		case r == '\t':
			out.WriteString(`\t`)
		case r == '\b':
			out.WriteString(`\b`)
		case r == '\f':
			out.WriteString(`\f`)
		case r < 0x20:
			u(r)
		case mode == escapeHTML && (r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029):
			u(r)
		case r == '/' && (mode == escapeSlash || mode == escapePHP):
			out.WriteString(`\/`)
		case (mode == escapeASCII || mode == escapePHP) && r > 0x7e:
			if r > 0xffff {
				r -= 0x10000
				u(0xd800 + r>>10)
				u(0xdc00 + r&0x3ff)
			} else {
				u(r)
			}
		default:
			var buf [utf8.UTFMax]byte
			out.Write(buf[:utf8.EncodeRune(buf[:], r)])
		}
	}
	out.WriteByte('"')
}

// describe says, in words, how style s differs from the body as received.
func (s jsonStyle) describe(layoutChanged bool) string {
	var parts []string
	switch l := s.layout; {
	case !layoutChanged:
	case l == layoutCompact:
		parts = append(parts, "compacted (no whitespace)")
	case l == layoutPython:
		parts = append(parts, `written with ", " and ": " separators`)
	case l == layoutIndent2:
		parts = append(parts, "pretty-printed with a 2-space indent")
	case l == layoutIndent4:
		parts = append(parts, "pretty-printed with a 4-space indent")
	case l == layoutTab:
		parts = append(parts, "pretty-printed with tabs")
	}
	if s.sortKeys {
		parts = append(parts, "keys sorted")
	}
	switch s.escape {
	case escapeMinimal:
		parts = append(parts, `\u escapes decoded to UTF-8`)
	case escapeASCII:
		parts = append(parts, `non-ASCII characters escaped as \uXXXX`)
	case escapeHTML:
		parts = append(parts, `<, > and & escaped as \u003c, \u003e, \u0026`)
	case escapeSlash:
		parts = append(parts, `"/" escaped as "\/"`)
	case escapePHP:
		parts = append(parts, `"/" escaped as "\/" and non-ASCII characters as \uXXXX`)
	}
	d := strings.Join(parts, ", ")
	if like := s.like(); like != "" {
		d += ", " + like
	}
	return d
}

// like names a serialiser that writes JSON this way.
func (s jsonStyle) like() string {
	switch {
	case s.escape == escapePHP && s.layout == layoutIndent4:
		return "as PHP's json_encode(..., JSON_PRETTY_PRINT) writes"
	case s.escape == escapePHP && (s.layout == layoutCompact || s.layout == layoutOriginal):
		return "as PHP's json_encode writes by default"
	case s.escape == escapeSlash && (s.layout == layoutCompact || s.layout == layoutOriginal):
		return "as PHP's json_encode(..., JSON_UNESCAPED_UNICODE) writes"
	case s.escape == escapeHTML && s.layout == layoutOriginal:
		return "as Go's encoding/json writes strings"
	case s.layout == layoutCompact && s.sortKeys && s.escape == escapeHTML:
		return "as Go's json.Marshal writes a map"
	case s.layout == layoutCompact && s.escape == escapeHTML:
		return "as Go's json.Marshal writes"
	case s.layout == layoutCompact && !s.sortKeys && s.escape != escapeASCII:
		return "as JSON.stringify(body) writes"
	case s.layout == layoutPython && s.escape == escapeASCII:
		return "as Python's json.dumps writes by default"
	case s.layout == layoutIndent2 && !s.sortKeys:
		return "as JSON.stringify(body, null, 2) or jq . writes"
	case s.layout == layoutIndent4 && s.escape == escapeASCII:
		return "as Python's json.dumps(indent=4) writes"
	}
	return ""
}

// maxReformat bounds the bodies Diagnose re-serialises: each of the ~130 variants is a
// copy of the body, which is fine for webhook payloads and wasteful for 10 MiB ones.
const maxReformat = 1 << 20

// bodyVariant is one re-serialisation of the body and how it differs from it.
type bodyVariant struct {
	body  []byte
	cause Cause
	what  string
}

// bodyVariants lists the bodies a sender or a framework commonly produces from the
// same JSON, simplest change first, without duplicates or the body itself.
func bodyVariants(body []byte) []bodyVariant {
	var out []bodyVariant
	seen := map[string]bool{string(body): true}
	add := func(b []byte, cause Cause, what string) {
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, bodyVariant{b, cause, what})
		}
	}
	// Trailing newline added or removed.
	for _, nl := range []string{"\r\n", "\n"} {
		if t, ok := bytes.CutSuffix(body, []byte(nl)); ok {
			add(t, CauseTrailingNewline, fmt.Sprintf("the signature matches the body without its trailing %q: something added a newline after signing (an editor, echo, a here-document), or the sender signed before appending it", nl))
		}
	}
	if t := bytes.TrimRight(body, " \t\r\n"); len(t) != len(body) {
		add(t, CauseTrailingNewline, "the signature matches the body without its trailing whitespace: something added it after signing")
	}
	for _, nl := range []string{"\n", "\r\n"} {
		add(append(append([]byte{}, body...), nl...), CauseTrailingNewline, fmt.Sprintf("the signature matches the body with a trailing %q added: the sender signed a newline it did not send, or something stripped it on the way (use the raw bytes, e.g. curl --data-binary, not -d)", nl))
	}
	// Line endings converted (git autocrlf, Windows editors).
	if bytes.Contains(body, []byte("\r\n")) {
		add(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), CauseBodyReserialised, `the signature matches the body with its CRLF line endings turned into LF: something converted line endings (a Windows editor, git's autocrlf) after signing`)
	} else if bytes.Contains(body, []byte("\n")) {
		add(bytes.ReplaceAll(body, []byte("\n"), []byte("\r\n")), CauseBodyReserialised, `the signature matches the body with CRLF line endings: the sender signed CRLF and something converted them to LF on the way`)
	}
	if len(body) > maxReformat {
		return out
	}
	root, err := parseJSON(body)
	if err != nil {
		return out
	}
	trimmed := bytes.TrimRight(body, " \t\r\n")
	trail := body[len(trimmed):]
	var styles []jsonStyle
	escapes := []escapeMode{escapeMinimal, escapeASCII, escapeHTML, escapePHP, escapeSlash}
	for _, e := range escapes {
		styles = append(styles, jsonStyle{layoutOriginal, false, e})
	}
	for _, l := range []jsonLayout{layoutCompact, layoutIndent2, layoutPython, layoutIndent4, layoutTab} {
		for _, sorted := range []bool{false, true} {
			for _, e := range append([]escapeMode{escapeOriginal}, escapes...) {
				styles = append(styles, jsonStyle{l, sorted, e})
			}
		}
	}
	// Whether a layout changes the body depends on the layout alone: work it out once
	// per layout, not for each of its sorted and escaping variants.
	changedLayout := map[jsonLayout]bool{}
	for _, s := range styles {
		if _, ok := changedLayout[s.layout]; !ok && s.layout != layoutOriginal {
			changedLayout[s.layout] = !bytes.Equal(reformat(body, root, jsonStyle{layout: s.layout}), trimmed)
		}
	}
	for _, s := range styles {
		b := reformat(body, root, s)
		changed := changedLayout[s.layout]
		what := "the signature matches the body " + s.describe(changed)
		if s.layout == layoutOriginal {
			what = "the signature matches the body with " + s.describe(changed)
		}
		if s.layout != layoutOriginal {
			// A re-serialised body loses the trailing newline; try it both ways.
			add(b, CauseBodyReserialised, what+": the JSON was re-serialised between signing and verifying; verify the raw bytes as received, before any JSON parsing")
			withNL := append(append([]byte{}, b...), '\n')
			if len(trail) > 0 {
				withNL = append(append([]byte{}, b...), trail...)
			}
			add(withNL, CauseBodyReserialised, what+" with a trailing newline: the JSON was re-serialised between signing and verifying; verify the raw bytes as received, before any JSON parsing")
			continue
		}
		add(b, CauseBodyReserialised, what+": the body was parsed and re-serialised between signing and verifying (JSON.parse + JSON.stringify, json.loads + json.dumps), which rewrote the string escapes the sender signed; verify the raw bytes as received, before any JSON parsing")
	}
	return out
}

// keysSorted reports whether every object's keys are in sorted order, and whether some
// object has more than one key (so that the order says anything).
func keysSorted(n jnode) (sorted, multi bool) {
	sorted = true
	if n.kind == '{' {
		multi = len(n.keys) > 1
		for i := 1; i < len(n.keys); i++ {
			if n.keys[i-1].str > n.keys[i].str {
				sorted = false
			}
		}
	}
	for _, c := range n.items {
		s, m := keysSorted(c)
		sorted, multi = sorted && s, multi || m
	}
	return sorted, multi
}
