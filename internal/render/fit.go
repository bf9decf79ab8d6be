package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fitColumns prints rows as aligned columns, two spaces apart, within width cells
// (0: no limit): the last column takes what the others leave, at least minLast cells,
// and ends in "…" when it does not fit; narrower still, the line's end gives way.
// Cells are shown as given: callers pass them through Safe or SafeText.
func fitColumns(w io.Writer, rows [][]string, width, minLast int) error {
	if len(rows) == 0 {
		return nil
	}
	last := len(rows[0]) - 1
	cols := columnWidths(rows)
	room := 0
	if width > 0 {
		room = max(width-gapped(cols), minLast)
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range cols {
			b.WriteString(r[i] + strings.Repeat(" ", c-ansi.StringWidth(r[i])+2))
		}
		b.WriteString(truncate(r[last], room))
		if _, err := fmt.Fprintln(w, truncate(strings.TrimRight(b.String(), " "), width)); err != nil {
			return err
		}
	}
	return nil
}

// columnWidths are the widths of every column but the last.
func columnWidths(rows [][]string) []int {
	cols := make([]int, len(rows[0])-1)
	for _, r := range rows {
		for i := range cols {
			cols[i] = max(cols[i], ansi.StringWidth(r[i]))
		}
	}
	return cols
}

// columnsWidth is how many cells the columns before the last take, with their gaps.
func columnsWidth(rows [][]string) int { return gapped(columnWidths(rows)) }

// gapped is the cells columns of these widths take, each with its two-space gap.
func gapped(cols []int) int {
	n := 0
	for _, c := range cols {
		n += c + 2
	}
	return n
}
