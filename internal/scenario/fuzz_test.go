package scenario

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse feeds scenario files to Parse and, when one parses, to Build: neither may
// panic, a refusal is an *Error naming the file, and every body built is JSON.
func FuzzParse(f *testing.F) {
	builtins, err := filepath.Glob("builtin/*.json")
	if err != nil || len(builtins) == 0 {
		f.Fatalf("no built-in scenarios to seed with: %v", err)
	}
	for _, p := range builtins {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"provider":"clment","steps":[{"name":"a","event":"contract.created"},{"event":"contract.classified","set":["payload.contractId=${steps.a.body.payload.contractId}"]}]}`,
		`{"provider":"clment","steps":[{"event":"contract.created","set":["id=${steps.a.id}"]}]}`,
		`{"provider":"oneflow","steps":[{"event":"contract:sign","wait":"1ms","set":["callback_id=${"]}]}`,
		`{"steps":[]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	now := func() time.Time { return time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := Parse(cat, "flow.json", b, nil)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Source != "flow.json" {
				t.Fatalf("refusal %T %q does not name the file", err, err)
			}
			return
		}
		if len(sc.Steps) == 0 || len(sc.Steps) > MaxSteps {
			t.Fatalf("parsed %d steps", len(sc.Steps))
		}
		built, err := sc.Build(now)
		if err != nil {
			return
		}
		for _, bt := range built {
			if !json.Valid(bt.Delivery.Body) {
				t.Fatalf("step %d built a body that is not JSON: %.200q", bt.Step, bt.Delivery.Body)
			}
		}
	})
}
