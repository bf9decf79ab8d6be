package inspector

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

func (m *Model) diffPane(a, b int) *pane {
	ra, rb := m.recs[a], m.recs[b]
	p := &pane{kind: paneDiff, title: "diff  -#" + strconv.Itoa(a+1) + " " + render.SafeText(ra.Type) + "  +#" + strconv.Itoa(b+1) + " " + render.SafeText(rb.Type)}
	add := func(kind lineKind, s string) { p.lines = append(p.lines, line{kind, s}) }
	add(removed, "- #"+strconv.Itoa(a+1)+" "+summary(ra, m))
	add(added, "+ #"+strconv.Itoa(b+1)+" "+summary(rb, m))
	add(plain, "")
	add(heading, "headers")
	hd := headerDiff(ra, rb)
	if len(hd) == 0 {
		add(faint, "  the same")
	}
	p.lines = append(p.lines, hd...)
	add(plain, "")
	add(heading, "body")
	pa, _ := prettyBody(ra.Body, nil)
	pb, _ := prettyBody(rb.Body, nil)
	bd := lineDiff(texts(pa), texts(pb))
	if len(bd) == 0 {
		add(faint, "  the same")
	}
	p.lines = append(p.lines, bd...)
	return p
}

func summary(r *record.Record, m *Model) string {
	return r.ReceivedAt.In(m.opt.Location).Format("15:04:05") + " " + render.SafeText(r.Provider) + " " + render.SafeText(r.Type) + " " + render.SafeText(r.ID)
}

func texts(ls []line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.TrimPrefix(l.text, "  ")
	}
	return out
}

// headerDiff lists the headers that differ: removed (only or different in a) and added.
func headerDiff(a, b *record.Record) []line {
	names := slices.Concat(slices.Collect(maps.Keys(a.Headers)), slices.Collect(maps.Keys(b.Headers)))
	slices.Sort(names)
	var out []line
	for _, n := range slices.Compact(names) {
		va, vb := strings.Join(a.Headers[n], ", "), strings.Join(b.Headers[n], ", ")
		_, inA := a.Headers[n]
		_, inB := b.Headers[n]
		if inA == inB && va == vb {
			continue
		}
		if inA {
			out = append(out, line{removed, "- " + render.SafeText(n) + ": " + render.SafeText(va)})
		}
		if inB {
			out = append(out, line{added, "+ " + render.SafeText(n) + ": " + render.SafeText(vb)})
		}
	}
	return out
}

// maxDiffCells bounds the longest-common-subsequence table (4 bytes a cell): bodies
// longer than that are shown as all removed, then all added.
const maxDiffCells = 4 << 20

// lineDiff is a line diff of a against b: unchanged lines with two spaces, removed with
// "- ", added with "+ ". It returns nothing when they are equal.
func lineDiff(a, b []string) []line {
	if equal(a, b) {
		return nil
	}
	var out []line
	if len(a)*len(b) > maxDiffCells {
		for _, s := range a {
			out = append(out, line{removed, "- " + s})
		}
		for _, s := range b {
			out = append(out, line{added, "+ " + s})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, line{plain, "  " + a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, line{removed, "- " + a[i]})
			i++
		default:
			out = append(out, line{added, "+ " + b[j]})
			j++
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
