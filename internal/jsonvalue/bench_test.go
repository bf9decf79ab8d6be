package jsonvalue

import (
	"encoding/json"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

// BenchmarkDecode compares the fast parser with encoding/json on a Clment delivery.
func BenchmarkDecode(b *testing.B) {
	p, _ := catalog.MustBuiltin().Provider("clment")
	e, _ := p.Event("review.assigned")
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := Parse(e.Example); !ok {
				b.Fatal("parse failed")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(e.Example, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
