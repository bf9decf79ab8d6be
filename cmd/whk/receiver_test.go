package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptReceiver is a tiny HTTP receiver on 127.0.0.1 for scripts that send deliveries.
type scriptReceiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []string
	statuses []string
}

var receivers sync.Map // *testscript.TestScript+name -> *scriptReceiver

// cmdReceiver starts a receiver for the rest of the script and sets $NAME to its URL:
// `receiver NAME [STATUS...]`. It answers the statuses in order, the last repeating
// (default 200); the status "hang" never answers (a timeout), and STATUS+retry-after=V
// adds the header `Retry-After: V` to that answer.
func cmdReceiver(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: receiver NAME [STATUS...]")
	}
	rc := &scriptReceiver{statuses: args[1:]}
	if len(rc.statuses) == 0 {
		rc.statuses = []string{"200"}
	}
	done := make(chan struct{})
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
		names := make([]string, 0, len(r.Header))
		for k := range r.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			for _, v := range r.Header[k] {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
		fmt.Fprintf(&b, "\n%s\n", body)
		rc.mu.Lock()
		rc.requests = append(rc.requests, b.String())
		st := rc.statuses[min(len(rc.requests), len(rc.statuses))-1]
		rc.mu.Unlock()
		if st == "hang" {
			select {
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		st, retryAfter, _ := strings.Cut(st, "+retry-after=")
		code, err := strconv.Atoi(st)
		if err != nil {
			code = 500
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"answer":%d}`, code)
	}))
	ts.Setenv(args[0], rc.srv.URL+"/hook")
	receivers.Store(key(ts, args[0]), rc)
	ts.Defer(func() {
		close(done)
		rc.srv.Close()
	})
}

// cmdReceived prints what a receiver got: `received NAME`, a count line then each
// request (request line, sorted headers, blank line, body).
func cmdReceived(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: received NAME")
	}
	v, ok := receivers.Load(key(ts, args[0]))
	if !ok {
		ts.Fatalf("no receiver %s", args[0])
	}
	rc := v.(*scriptReceiver)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	fmt.Fprintf(ts.Stdout(), "%d requests\n", len(rc.requests))
	for _, r := range rc.requests {
		fmt.Fprint(ts.Stdout(), r)
	}
}

// cmdAwaitReceived waits until receiver NAME has had N requests: `awaitreceived NAME N`.
func cmdAwaitReceived(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: awaitreceived NAME N")
	}
	v, ok := receivers.Load(key(ts, args[0]))
	if !ok {
		ts.Fatalf("no receiver %s", args[0])
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	rc := v.(*scriptReceiver)
	// The deadline only keeps a sender that never sends from hanging the run.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		rc.mu.Lock()
		n := len(rc.requests)
		rc.mu.Unlock()
		if n >= want {
			return
		}
	}
	ts.Fatalf("receiver %s got fewer than %d requests", args[0], want)
}

func key(ts *testscript.TestScript, name string) string { return fmt.Sprintf("%p/%s", ts, name) }
