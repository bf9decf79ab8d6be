// Command sender is the benchmark's limit: a minimal Go keep-alive sender with W
// workers that POSTs N Contract-as-Code-shaped deliveries, each with a fresh id and an
// HMAC-SHA256 signature computed per request, and prints requests per second.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whk-cli/whk/internal/bench"
)

func main() {
	url := flag.String("to", "", "receiver URL")
	n := flag.Int("n", 20000, "deliveries")
	workers := flag.Int("workers", 32, "concurrent workers")
	flag.Parse()
	tr := &http.Transport{MaxIdleConns: *workers * 2, MaxIdleConnsPerHost: *workers}
	client := &http.Client{Transport: tr}
	secret := []byte("bench-secret")
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(*n) {
					return
				}
				body := []byte(`{"id":"evt_` + strconv.FormatInt(i, 16) + `","type":"test.ping","created_at":"` +
					time.Now().UTC().Format(time.RFC3339) + `","organisation_id":"org_xyz789","data":{"message":"Webhook test from Contract-as-Code"}}`)
				m := hmac.New(sha256.New, secret)
				m.Write(body)
				status, err := bench.Do(client, bench.Request(*url, body, "X-Lac-Signature", "sha256="+hex.EncodeToString(m.Sum(nil))))
				if err != nil || status != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("%d sent in %s: %.0f req/s, %d failed\n", *n, el.Round(time.Millisecond), float64(*n)/el.Seconds(), failed.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}
