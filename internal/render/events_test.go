package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/scenario"
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

func TestScenarioListFitsTheWidth(t *testing.T) {
	list, err := scenario.Builtins(catalog.MustBuiltin())
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var out bytes.Buffer
			if err := ScenarioList(&out, list, width); err != nil {
				t.Fatal(err)
			}
			checkFits(t, out.Bytes(), width, false)
			golden(t, fmt.Sprintf("scenario-list-%d.golden", width), out.Bytes())
		})
	}
	var unlimited bytes.Buffer
	_ = ScenarioList(&unlimited, list, 0)
	if !strings.Contains(unlimited.String(), list[0].Description+"\n") || strings.Contains(unlimited.String(), "…") {
		t.Errorf("piped, a description was cut:\n%s", unlimited.String())
	}
}
