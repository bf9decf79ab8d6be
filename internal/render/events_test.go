package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestEventsTableFitsTheWidth(t *testing.T) {
	rows := []EventRow{
		{"clment", "review.completed", true, "A contract review was completed: its overall risk and the number of findings, with who completed it"},
		{"oneflow", "contract:lifecycle_state:terminate", true, "The contract was terminated"},
		{"cm-sign", "dossier.exploded", false, ""},
	}
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var out bytes.Buffer
			if err := EventsTable(&out, rows, width); err != nil {
				t.Fatal(err)
			}
			checkFits(t, out.Bytes(), width, false)
			golden(t, fmt.Sprintf("events-%d.golden", width), out.Bytes())
		})
	}
	var unlimited bytes.Buffer
	_ = EventsTable(&unlimited, rows, 0)
	if !strings.Contains(unlimited.String(), rows[0].Description+"\n") || strings.Contains(unlimited.String(), "…") {
		t.Errorf("piped, a description was cut:\n%s", unlimited.String())
	}
}
