package conformance_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/conformance/receivertest"
	"github.com/whk-cli/whk/internal/signing"
)

// BenchmarkRun times one whole suite (every check, every event) against the careful
// receiver on 127.0.0.1, per provider. Figures: docs/benchmarks.md, section "whk test".
//
//	go test ./internal/conformance -run '^$' -bench Run -benchtime 20x
func BenchmarkRun(b *testing.B) {
	c := catalog.MustBuiltin()
	for _, p := range c.Providers() {
		b.Run(p.ID, func(b *testing.B) {
			t := &testing.T{}
			sk, vk := keysFor(t, p)
			s, _ := signing.For(p, "")
			srv := httptest.NewServer(receivertest.New(p, s, vk, receivertest.Careful))
			defer srv.Close()
			o := conformance.Options{Provider: p, URL: srv.URL, Scheme: s, Keys: sk, Client: srv.Client()}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := conformance.Run(context.Background(), o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
