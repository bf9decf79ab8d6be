package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkReplayCommand is `whk replay` end to end (flags, rendering, summary) against
// an in-process receiver; bench/run.sh measures the real binary.
func BenchmarkReplayCommand(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer srv.Close()
	f, _, _ := testFactory(&testing.T{})
	f.IOStreams.Out = io.Discard
	b.ResetTimer()
	if code := Run(context.Background(), f, []string{"replay", "-p", "lac", "--to", srv.URL, "--secret", "s", "--concurrency", "32", "--count", strconv.Itoa((b.N + 9) / 10)}); code != 0 {
		b.Fatal(code)
	}
}
