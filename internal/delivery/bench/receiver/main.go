// Command receiver is the benchmark's minimal webhook receiver: it answers 200 to every
// POST, counts deliveries and distinct delivery ids, and prints both when asked
// (GET /count) or on SIGTERM. It reads the id from X-Clment-Event-Id, else from the
// body's leading "id" field.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"

	"github.com/whk-cli/whk/internal/bench"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	var (
		mu  sync.Mutex
		n   int
		ids = map[string]struct{}{}
	)
	buf := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			mu.Lock()
			fmt.Fprintf(w, "%d %d\n", n, len(ids))
			if r.URL.Query().Get("reset") != "" {
				n, ids = 0, map[string]struct{}{}
			}
			mu.Unlock()
			return
		}
		b := buf.Get().(*bytes.Buffer)
		b.Reset()
		io.Copy(b, r.Body)
		id := r.Header.Get("X-Clment-Event-Id")
		if id == "" {
			body := b.Bytes()
			if i := bytes.Index(body, []byte(`"id":"`)); i >= 0 {
				rest := body[i+6:]
				if j := bytes.IndexByte(rest, '"'); j >= 0 {
					id = string(rest[:j])
				}
			}
		}
		buf.Put(b)
		mu.Lock()
		n++
		ids[id] = struct{}{}
		mu.Unlock()
	})
	bench.Serve(*addr, h)
	mu.Lock()
	fmt.Fprintf(os.Stderr, "received %d deliveries, %d distinct ids\n", n, len(ids))
	mu.Unlock()
}
