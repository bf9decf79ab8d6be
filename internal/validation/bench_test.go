package validation

import (
	"context"
	"os"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

// BenchmarkCheck is one Clment delivery through detection, its event's schema and the
// unknown-field walk: the per-item cost without I/O.
func BenchmarkCheck(b *testing.B) {
	cat := catalog.MustBuiltin()
	p, _ := cat.Provider("clment")
	e, _ := p.Event("review.assigned")
	c := NewChecker(Options{Catalog: cat})
	it := Item{Source: "x.json", Data: e.Example}
	b.SetBytes(int64(len(e.Example)))
	b.ReportAllocs()
	for b.Loop() {
		if r := c.Check(it); !r.Valid() {
			b.Fatal(r.Errors)
		}
	}
}

// BenchmarkRun runs the whole pipeline over $WHK_BENCH_PATH (a directory or NDJSON file of the
// benchmark corpus, see bench/run.sh); it is skipped without it.
func BenchmarkRun(b *testing.B) {
	path := os.Getenv("WHK_BENCH_PATH")
	if path == "" {
		b.Skip("set WHK_BENCH_PATH to a directory or NDJSON file of deliveries")
	}
	c := NewChecker(Options{Catalog: catalog.MustBuiltin()})
	for b.Loop() {
		if _, err := Run(context.Background(), c, Config{Paths: []string{path}}, func(*Result) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
