package delivery

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/signing"
)

// BenchmarkReplay measures the replay engine (build, sign, post) against an in-process
// receiver; the end-to-end figures are in bench/run.sh and docs/benchmarks.md.
func BenchmarkReplay(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer srv.Close()
	p, _ := testCatalogProvider("contract-as-code")
	s := map[string]Signer{}
	sc, _ := signingFor(p)
	s[p.ID] = Signer{Scheme: sc, Keys: keysOf("s")}
	items := BuiltinItems(p)
	b.ResetTimer()
	sum, err := Replay(context.Background(), ReplayOptions{
		Items: items, Poster: &Poster{URL: srv.URL, Client: &http.Client{Transport: NewTransport(32)}},
		Signers: s, Concurrency: 32, Count: (b.N + len(items) - 1) / len(items),
	}, func(Result) {})
	if err != nil || sum.Failed > 0 {
		b.Fatal(err, sum)
	}
	b.ReportMetric(sum.PerSecond, "deliveries/s")
}

func testCatalogProvider(id string) (*catalog.Provider, error) {
	return catalog.MustBuiltin().Provider(id)
}
func signingFor(p *catalog.Provider) (signing.Scheme, error) { return signing.For(p, "") }
func keysOf(s string) signing.Keys                           { return signing.Keys{Secret: []byte(s)} }
