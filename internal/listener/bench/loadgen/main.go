// Command loadgen drives the listen benchmark: C keep-alive connections POST a signed
// 1 KiB Clment delivery (a fresh id each time) for a duration, then it prints the requests answered,
// requests per second and latency percentiles as one JSON line.
package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whk-cli/whk/internal/bench"
	"github.com/whk-cli/whk/internal/signing"
)

func main() {
	url := flag.String("url", "", "receiver URL")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	secret := flag.String("secret", "S", "Clment signing secret")
	size := flag.Int("size", 1024, "body size in bytes")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -url is required")
		os.Exit(2)
	}
	template := clmentBody(*size)
	idAt := bytes.Index(template, []byte("evt_000000000000"))
	var seq atomic.Int64

	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()

	type result struct {
		lat      []time.Duration
		answered int
		ok       int
		errors   int
	}
	results := make([]result, *conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			body := bytes.Clone(template)
			for ctx.Err() == nil {
				// A fresh delivery id each time, as a provider sends.
				copy(body[idAt:], fmt.Sprintf("evt_%012d", seq.Add(1)))
				sig := "sha256=" + hex.EncodeToString(signing.MAC([]byte(*secret), body))
				req := bench.Request(*url, body, "X-Clment-Signature", sig)
				t0 := time.Now()
				status, err := bench.Do(client, req)
				if err != nil {
					r.errors++
					continue
				}
				r.lat = append(r.lat, time.Since(t0))
				r.answered++
				if status == 200 {
					r.ok++
				}
			}
		}(&results[i])
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	out := struct {
		Answered int     `json:"answered"`
		OK       int     `json:"ok"`
		Errors   int     `json:"errors"`
		Seconds  float64 `json:"seconds"`
		RPS      float64 `json:"rps"`
		P50ms    float64 `json:"p50_ms"`
		P99ms    float64 `json:"p99_ms"`
	}{}
	for _, r := range results {
		all = append(all, r.lat...)
		out.Answered += r.answered
		out.OK += r.ok
		out.Errors += r.errors
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	out.Seconds = elapsed.Seconds()
	out.RPS = float64(out.Answered) / elapsed.Seconds()
	out.P50ms, out.P99ms = pct(0.50), pct(0.99)
	json.NewEncoder(os.Stdout).Encode(out)
}

// clmentBody is a valid review.completed delivery padded to size bytes with a field
// the catalog does not know (allowed: listen's schemas are not strict).
func clmentBody(size int) []byte {
	head := `{"id":"evt_000000000000","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2c3","payload":{"reviewId":"rev_9da1f0","reviewNumber":37,"contractId":"a1b2c3d4","completedByUserId":"user_88a1f0","completedByUserName":"Dana Lee","completedAt":"2026-06-16T17:45:00.000Z","overallRisk":"medium","findingCount":14,"note":"`
	tail := `"}}`
	pad := size - len(head) - len(tail)
	if pad < 0 {
		pad = 0
	}
	return []byte(head + strings.Repeat("x", pad) + tail)
}
