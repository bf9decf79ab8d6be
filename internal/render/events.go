package render

import (
	"encoding/json"
	"io"
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
	cells := eventCells(rows, "documented", "not documented")
	// A description gets at least 12 cells, for which a narrow terminal's payload
	// column says only yes or no.
	if width > 0 && width-columnsWidth(cells) < 12 {
		cells = eventCells(rows, "yes", "no")
	}
	return fitColumns(w, cells, width, 12)
}

// eventCells are the table's cells, header first, with yes and no as the payload
// column's words.
func eventCells(rows []EventRow, yes, no string) [][]string {
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, []string{"PROVIDER", "TYPE", "PAYLOAD", "DESCRIPTION"})
	for _, r := range rows {
		doc := yes
		if !r.Documented {
			doc = no
		}
		cells = append(cells, []string{Safe(r.Provider), Safe(r.Type), doc, SafeText(r.Description)})
	}
	return cells
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
