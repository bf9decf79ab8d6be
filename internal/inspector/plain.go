package inspector

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// WriteList prints the list without the interface, for a stdout that is not a terminal:
// one line per delivery, oldest first, fields separated by spaces:
//
//	TIME PROVIDER TYPE ID signature=S schema=S duplicate=yes|no answer=N forwarded=N|ERR
//
// An empty field is "-"; values from the recording are escaped.
func WriteList(w io.Writer, recs []*record.Record) error {
	sorted := append([]*record.Record(nil), recs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ReceivedAt.Before(sorted[j].ReceivedAt) })
	bw := bufio.NewWriter(w)
	for _, r := range sorted {
		sig, sch := "-", "-"
		if r.Signature != nil {
			sig = r.Signature.Status
		}
		if r.Schema != nil {
			sch = r.Schema.Status
		}
		dup := "no"
		if r.Duplicate {
			dup = "yes"
		}
		bw.WriteString(r.ReceivedAt.UTC().Format(time.RFC3339Nano) + " " + field(r.Provider) + " " + field(r.Type) + " " + field(r.ID) +
			" signature=" + field(sig) + " schema=" + field(sch) + " duplicate=" + dup + " answer=" + answer(r) + " forwarded=" + orDash(r.Forward()) + "\n")
	}
	return bw.Flush()
}

// field keeps a value one word: "-" when empty, Go-quoted (control characters escaped)
// when it holds a space, a quote or anything safe would escape.
func field(s string) string {
	if s == "" {
		return "-"
	}
	if render.SafeText(s) != s || strings.ContainsAny(s, " \"\\") {
		return strconv.Quote(s)
	}
	return s
}
