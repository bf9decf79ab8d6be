package delivery

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsontree"
)

// Template builds many deliveries from one body cheaply, for replay: the body is
// parsed, --set applied and encoded once; each delivery only fills in fresh ids and
// timestamps. FromBody is a template built once.
type Template struct {
	p   *catalog.Provider
	typ string
	// segs surround the fresh values: segs[0] slot[0] segs[1] … slot[n-1] segs[n].
	segs  [][]byte
	slots []slot
	// idSlot is the marker of the slot holding the delivery id, or -1 when the id is
	// fixed in id.
	idSlot int
	id     string
}

// NewTemplate prepares body for repeated builds. With o.KeepIDs the ids and timestamps
// stay as they are, and without Sets the body is then sent byte for byte.
// headerID, when not empty, is the recorded id of a provider whose id travels in a
// header (Ironclad, Standard Webhooks); it is kept with KeepIDs.
func NewTemplate(p *catalog.Provider, body []byte, headerID string, o BuildOptions) (*Template, error) {
	t := &Template{p: p, idSlot: -1}
	root, err := jsontree.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("the body is not JSON: %w", err)
	}
	if o.KeepIDs && len(o.Sets) == 0 {
		t.segs = [][]byte{body}
	} else {
		var markers []string
		var fresh []catalog.Fresh
		if !o.KeepIDs {
			for _, f := range p.Fresh {
				f := f
				jsontree.SetPointer(root, f.At, func(any) any {
					m := fmt.Sprintf("whk\u0001fresh\u0001%d", len(markers))
					fresh = append(fresh, f)
					markers = append(markers, m)
					return m
				})
			}
		}
		if root, err = applySets(root, o.Sets); err != nil {
			return nil, err
		}
		out, err := jsontree.Marshal(root)
		if err != nil {
			return nil, err
		}
		t.split(out, markers, fresh)
	}
	for _, v := range jsontree.Get(root, p.TypeAt) {
		if s, ok := v.(string); ok {
			t.typ = s
			break
		}
	}
	if strings.HasPrefix(p.IDAt, "header:") {
		if o.KeepIDs {
			t.id = headerID
		}
		return t, nil
	}
	for _, v := range jsontree.Get(root, p.IDAt) {
		t.id = fmt.Sprint(v)
		if s, ok := v.(string); ok && strings.HasPrefix(s, "whk\u0001fresh\u0001") {
			fmt.Sscanf(strings.TrimPrefix(s, "whk\u0001fresh\u0001"), "%d", &t.idSlot)
			t.id = ""
		}
		break
	}
	return t, nil
}

// split cuts the encoded body around each marker that survived the --set overrides,
// in the order the markers appear in the body.
func (t *Template) split(out []byte, markers []string, fresh []catalog.Fresh) {
	type hit struct{ at, end, marker int }
	var hits []hit
	for i, m := range markers {
		enc, _ := jsontree.Marshal(m)
		if j := bytes.Index(out, enc); j >= 0 {
			hits = append(hits, hit{j, j + len(enc), i})
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].at < hits[b].at })
	prev := 0
	for _, h := range hits {
		t.segs = append(t.segs, out[prev:h.at])
		t.slots = append(t.slots, slot{fresh[h.marker], h.marker})
		prev = h.end
	}
	t.segs = append(t.segs, out[prev:])
}

// slot is one fresh value to fill in; marker numbers it in the order markers were made.
type slot struct {
	fresh  catalog.Fresh
	marker int
}

// Build returns one unsigned delivery built at time at, with fresh values filled in.
func (t *Template) Build(at time.Time) *Delivery {
	at = at.UTC()
	d := &Delivery{Provider: t.p, Type: t.typ, ID: t.id, At: at}
	if len(t.slots) == 0 {
		d.Body = t.segs[0]
	} else {
		n := 0
		for _, s := range t.segs {
			n += len(s)
		}
		body := make([]byte, 0, n+len(t.slots)*48)
		for i, sl := range t.slots {
			body = append(body, t.segs[i]...)
			v, _ := freshValue(sl.fresh, at).(string)
			if sl.marker == t.idSlot {
				d.ID = v
			}
			body = appendJSONString(body, v)
		}
		d.Body = append(body, t.segs[len(t.slots)]...)
	}
	if d.ID == "" && strings.HasPrefix(t.p.IDAt, "header:") {
		d.ID = headerID(t.p)
	}
	return d
}

// appendJSONString appends s as a JSON string. Fresh values are plain ASCII (ids, hex,
// timestamps), which need no escaping; anything else goes through the encoder.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			enc, _ := jsontree.Marshal(s)
			return append(dst, enc...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
