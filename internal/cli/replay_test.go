package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

func testFactory(t *testing.T) (*cmdutil.Factory, func() string, func() string) {
	ios, _, out, errOut := iostreams.Test()
	f := cmdutil.New(ios)
	dir := t.TempDir()
	f.ConfigDir = func() (string, error) { return dir, nil }
	f.Getenv = func(string) string { return "" }
	return f, out.String, errOut.String
}

// Ctrl-C during a replay: sending stops, in-flight deliveries finish, the summary so
// far is printed and the exit status is 130.
func TestReplayInterruptedExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 20 {
			cancel()
		}
	}))
	defer srv.Close()
	f, out, errOut := testFactory(t)
	code := Run(ctx, f, []string{"replay", "-p", "lac", "--to", srv.URL, "--secret", "s", "--count", "1000", "--concurrency", "4"})
	if code != 130 {
		t.Fatalf("exit %d, stderr %s", code, errOut())
	}
	lines := len(regexp.MustCompile(`(?m)^\d+  200  `).FindAllString(out(), -1))
	if got := n.Load(); int64(lines) != got || lines < 20 || lines > 40 {
		t.Errorf("%d lines printed, receiver got %d", lines, got)
	}
	if !regexp.MustCompile(`(?m)^interrupted: \d+ of 10000 deliveries sent$`).MatchString(errOut()) {
		t.Errorf("stderr: %s", errOut())
	}
}

func TestSendAndReplayExitCodes(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ok.Close()
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer fail.Close()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"send acknowledged", []string{"send", "-p", "lac", "--to", ok.URL, "--secret", "s"}, 0},
		{"send not acknowledged", []string{"send", "-p", "lac", "--to", fail.URL, "--secret", "s"}, 1},
		{"send refused", []string{"send", "-p", "lac", "--to", "http://127.0.0.1:1/", "--secret", "s"}, 1},
		{"send DNS failure", []string{"send", "-p", "lac", "--to", "http://x.invalid/", "--secret", "s"}, 1},
		{"send without test.ping", []string{"send", "-p", "ironclad", "--to", ok.URL}, 2},
		{"send without secret", []string{"send", "-p", "lac", "--to", ok.URL}, 2},
		{"send oneflow without sign key: unsigned", []string{"send", "contract:sign", "-p", "oneflow", "--to", ok.URL}, 0},
		{"replay acknowledged", []string{"replay", "-p", "ironclad", "--to", ok.URL, "--concurrency", "8"}, 0},
		{"replay failed", []string{"replay", "-p", "lac", "--to", fail.URL, "--secret", "s"}, 1},
		{"replay refused", []string{"replay", "-p", "lac", "--to", "http://127.0.0.1:1/", "--secret", "s"}, 1},
		{"replay bad flag value", []string{"replay", "-p", "lac", "--to", ok.URL, "--concurrency", "0"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(t)
			if code := Run(context.Background(), f, tt.args); code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, errOut())
			}
		})
	}
}
