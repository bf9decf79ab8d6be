package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Ctrl-C while send --retry waits for the next attempt: no further attempt, the
// attempts made so far are printed (lines, or the JSON result) and the exit is 130.
func TestSendRetryInterruptedDuringWait(t *testing.T) {
	body := filepath.Join(t.TempDir(), "sw.json")
	if err := os.WriteFile(body, []byte(`{"type":"invoice.paid","timestamp":"2026-06-16T14:32:08.000Z","data":{"id":1}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				// An hour's Retry-After: the next attempt cannot come before the cancel.
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusServiceUnavailable)
				go func() { time.Sleep(20 * time.Millisecond); cancel() }()
			}))
			defer srv.Close()
			f, out, errOut := testFactory(t)
			args := []string{"send", "-p", "stdwh", "--to", srv.URL, "--data", body, "--retry",
				"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
			if format == "json" {
				args = append(args, "--json")
			}
			if code := Run(ctx, f, args); code != 130 {
				t.Fatalf("exit %d, stderr %s", code, errOut())
			}
			if n.Load() != 1 {
				t.Errorf("receiver got %d requests, want 1", n.Load())
			}
			if format == "text" {
				want := "attempt 1   503 Service Unavailable  "
				if !strings.HasPrefix(out(), want) || !strings.Contains(out(), "retrying in 1h (Retry-After: 1h)\n") ||
					!strings.HasSuffix(out(), "\ninterrupted after 1 attempt: not acknowledged\n") {
					t.Errorf("stdout:\n%s", out())
				}
				return
			}
			var v struct {
				Status   int
				OK       bool
				Stop     string
				Attempts []struct {
					Attempt      int
					Status       int
					WaitMS       float64 `json:"next_wait_ms"`
					RetryAfterMS float64 `json:"retry_after_ms"`
					RetryAfter   string  `json:"retry_after"`
				}
			}
			if err := json.Unmarshal([]byte(out()), &v); err != nil {
				t.Fatalf("stdout is not one JSON result: %v\n%s", err, out())
			}
			if v.Status != 503 || v.OK || v.Stop != "interrupted" || len(v.Attempts) != 1 {
				t.Fatalf("result %+v", v)
			}
			if a := v.Attempts[0]; a.Attempt != 1 || a.WaitMS != 3600000 || a.RetryAfterMS != 3600000 || a.RetryAfter != "honoured" {
				t.Errorf("attempt %+v", a)
			}
		})
	}
}
