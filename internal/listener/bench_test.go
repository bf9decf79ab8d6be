package listener

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/signing"
)

// benchBody is the listen benchmark's delivery (internal/listener/bench/loadgen): a
// valid Clment review.completed padded to 1 KiB.
func benchBody(id int) []byte {
	head := fmt.Sprintf(`{"id":"evt_%012d","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2c3","payload":{"reviewId":"rev_9da1f0","reviewNumber":37,"contractId":"a1b2c3d4","completedByUserId":"user_88a1f0","completedByUserName":"Dana Lee","completedAt":"2026-06-16T17:45:00.000Z","overallRisk":"medium","findingCount":14,"note":"`, id)
	tail := `"}}`
	return []byte(head + strings.Repeat("x", 1024-len(head)-len(tail)) + tail)
}

// nopWriter is a ResponseWriter that keeps nothing.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkServeHTTP is the CPU one delivery costs in whk's own code (no network, no
// files): read, verify, validate, check for a duplicate, answer, encode the record.
//
//	go test ./internal/listener -run '^$' -bench ServeHTTP -benchmem -cpuprofile cpu.out
func BenchmarkServeHTTP(b *testing.B) {
	ch := make(chan Event, 1024)
	l, err := Listen(Config{Addr: "127.0.0.1:0", Catalog: cat, Provider: provider(b, "clment"), Keys: secret("S"), Events: ch})
	if err != nil {
		b.Fatal(err)
	}
	defer l.ln.Close()
	done := make(chan int)
	go func() {
		n := 0
		for ev := range ch {
			if d, ok := ev.(*Delivery); ok {
				n += len(d.JSON())
			}
		}
		done <- n
	}()
	const n = 4096
	bodies := make([][]byte, n)
	sigs := make([]string, n)
	for i := range bodies {
		bodies[i] = benchBody(i)
		sigs[i] = "sha256=" + hex.EncodeToString(signing.MAC([]byte("S"), bodies[i]))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		w := &nopWriter{h: http.Header{}}
		for pb.Next() {
			k := i % n
			i++
			r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", io.NopCloser(bytes.NewReader(bodies[k])))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Clment-Signature", sigs[k])
			r.ContentLength = int64(len(bodies[k]))
			l.serveHTTP(w, r)
		}
	})
	b.StopTimer()
	close(ch)
	<-done
}
