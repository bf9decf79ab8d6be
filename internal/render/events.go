package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// EventRow is one line of `whk events list`.
type EventRow struct {
	Provider    string
	Type        string
	Documented  bool
	Description string
}

// EventsTable prints the event list as aligned columns. The description takes what is
// left of width and ends in "…" when it does not fit (width 0: no limit); providers,
// types and descriptions come from catalogs, which --catalog lets anyone write, so they
// go through Safe and SafeText.
func EventsTable(w io.Writer, rows []EventRow, width int) error {
	cells, cols := eventCells(rows, "documented", "not documented")
	room := 0
	if width > 0 {
		// Two spaces between columns; a description gets at least 12 cells, for which
		// a narrow terminal's payload column says only yes or no.
		if room = width - cols[0] - cols[1] - cols[2] - 6; room < 12 {
			cells, cols = eventCells(rows, "yes", "no")
		}
		room = max(width-cols[0]-cols[1]-cols[2]-6, 12)
	}
	for _, c := range cells {
		var b strings.Builder
		for i := range cols {
			b.WriteString(c[i] + strings.Repeat(" ", cols[i]-ansi.StringWidth(c[i])+2))
		}
		b.WriteString(truncate(c[3], room))
		// Narrower still, the line's end gives way.
		if _, err := fmt.Fprintln(w, truncate(strings.TrimRight(b.String(), " "), width)); err != nil {
			return err
		}
	}
	return nil
}

// eventCells are the table's cells, header first, and the widths of its first three
// columns, with yes and no as the payload column's words.
func eventCells(rows []EventRow, yes, no string) ([][4]string, [3]int) {
	cells := make([][4]string, 0, len(rows)+1)
	cells = append(cells, [4]string{"PROVIDER", "TYPE", "PAYLOAD", "DESCRIPTION"})
	for _, r := range rows {
		doc := yes
		if !r.Documented {
			doc = no
		}
		cells = append(cells, [4]string{Safe(r.Provider), Safe(r.Type), doc, SafeText(r.Description)})
	}
	var cols [3]int
	for _, c := range cells {
		for i := range cols {
			cols[i] = max(cols[i], ansi.StringWidth(c[i]))
		}
	}
	return cells, cols
}

// EventsJSON prints `whk events list --json`: one
// {"provider","type","description","documented"} object per event.
func EventsJSON(w io.Writer, rows []EventRow) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		line := struct {
			Provider    string `json:"provider"`
			Type        string `json:"type"`
			Description string `json:"description"`
			Documented  bool   `json:"documented"`
		}{r.Provider, r.Type, r.Description, r.Documented}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
