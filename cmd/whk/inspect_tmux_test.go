package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/record"
)

// TestInspectInTmux drives the real binary in a terminal: tmux at 80x24 runs
// `whk inspect DIR`, the test sends keys and reads the screen back.
func TestInspectInTmux(t *testing.T) {
	tmux, ctx, tmp, bin := tmuxTest(t, 90*time.Second)
	dir := filepath.Join(tmp, "rec")
	t0 := time.Date(2026, 6, 16, 14, 32, 8, 0, time.UTC)
	for i, typ := range []string{"review.completed", "review.started", "document.signed"} {
		r := &record.Record{
			Kind: record.KindDelivery, ReceivedAt: t0.Add(time.Duration(i) * time.Second), Method: "POST", Path: "/",
			Headers: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"evt_` + typ + `","n":1}`),
			Provider: "clment", Type: typ, ID: "evt_" + typ,
			Signature: &record.Signature{Status: "valid"}, Schema: &record.Schema{Status: "valid"}, Response: &record.Response{Status: 200},
		}
		b, err := r.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, typ+".json"), append(b, '\n'), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	tm := startTmux(ctx, t, tmux, tmp, "env NO_COLOR=1 "+bin+" inspect "+dir+"; sleep 30")
	run, screen := tm.run, tm.screen

	list := screen("whk inspect  3 deliveries")
	for _, want := range []string{"TYPE", "review.completed", "review.started", "> 14:32:10 clment     document.signed"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	run("send-keys", "-t", "whk", "Home")
	run("send-keys", "-t", "whk", "Down")
	screen("> 14:32:09 clment     review.started")
	run("send-keys", "-t", "whk", "Enter")
	detail := screen("delivery 2/3  clment review.started")
	for _, want := range []string{"signature  valid", `"id": "evt_review.started",`, "Content-Type: application/json"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the detail lacks %q:\n%s", want, detail)
		}
	}
	run("send-keys", "-t", "whk", "q")
	screen("whk inspect  3 deliveries")
	run("send-keys", "-t", "whk", "q")
	// Quitting leaves the alternate screen: the list is gone from the pane.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if !strings.Contains(run("capture-pane", "-p", "-t", "whk"), "deliveries") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("q did not quit whk inspect")
		}
	}
}

// TestListenUIInTmux runs `whk listen --ui --forward-to APP` in tmux at 80x24, sends
// deliveries with `whk send`, and checks that the UI lists them live with the app's
// status, that r sends one again to the app, and that quitting ends listen with its
// summary.
func TestListenUIInTmux(t *testing.T) {
	tmux, ctx, tmp, bin := tmuxTest(t, 90*time.Second)

	var mu sync.Mutex
	var got []string // the signature header of each delivery the app received
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("X-Clment-Signature"))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	defer app.Close()
	received := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}

	tm := startTmux(ctx, t, tmux, tmp, "env NO_COLOR=1 WHK_SECRET=s3cret "+bin+" listen --ui --addr 127.0.0.1:0 --record "+filepath.Join(tmp, "rec")+
		" -p clment --forward-to "+app.URL+"; sleep 30")
	title := tm.screen("whk listen  http://127.0.0.1:")
	url := strings.Fields(strings.SplitN(title, "whk listen  ", 2)[1])[0]

	for _, typ := range []string{"review.completed", "review.assigned"} {
		send := exec.CommandContext(ctx, bin, "send", typ, "-p", "clment", "--to", url)
		send.Env = append(os.Environ(), "WHK_SECRET=s3cret")
		if out, err := send.CombinedOutput(); err != nil {
			t.Fatalf("whk send: %v\n%s", err, out)
		}
	}
	list := tm.screen("2 deliveries")
	for _, want := range []string{"ANS FWD", "clment     review.completed", "> ", "review.assigned"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	if !regexp.MustCompile(`> \d\d:\d\d:\d\d clment     review\.assigned .* ok   ok       201 201`).MatchString(list) {
		t.Errorf("the newest row is not last, selected, with the app's 201:\n%s", list)
	}

	tm.run("send-keys", "-t", "whk", "r")
	tm.screen("#2 sent again, re-signed: 201 in ")
	// Clment signs the body alone: re-signed with the same secret, the same body has the
	// signature whk send gave it.
	if r := received(); len(r) != 3 || r[2] != r[1] {
		t.Errorf("the app received signatures %q, want 2 forwarded and the second sent again, signed alike", r)
	}
	tm.run("send-keys", "-t", "whk", "Enter")
	detail := tm.screen("delivery 2/2  clment review.assigned")
	for _, want := range []string{"response   201 from the --forward-to app in", "sent again 201 in", "signature  valid"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the detail lacks %q:\n%s", want, detail)
		}
	}
	tm.run("send-keys", "-t", "whk", "q")
	tm.run("send-keys", "-t", "whk", "q")
	// Quitting ends listen: its summary is on the terminal the UI gave back, and every
	// delivery it received is recorded.
	tm.screen("whk: received 2 deliveries")
	files, _ := filepath.Glob(filepath.Join(tmp, "rec", "*.json"))
	if len(files) != 2 {
		t.Errorf("recorded %d deliveries, want 2: %v", len(files), files)
	}
}

// tmuxTest is what a tmux test starts from: tmux, a context that ends within limit, a
// temporary directory and whk built into it.
func tmuxTest(t *testing.T, limit time.Duration) (tmux string, ctx context.Context, tmp, bin string) {
	tmux = requireTmux(t)
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancel)
	tmp = t.TempDir()
	return tmux, ctx, tmp, buildWhk(ctx, t, tmp)
}

// buildWhk builds the binary into dir.
func buildWhk(ctx context.Context, t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "whk")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession is a tmux server of the test's own, 80x24, running one shell command.
type tmuxSession struct {
	t    *testing.T
	ctx  context.Context
	tmux string
	sock string
}

// startTmux runs command in a private tmux server: the test never touches the user's
// tmux sessions.
func startTmux(ctx context.Context, t *testing.T, tmux, dir, command string) *tmuxSession {
	t.Helper()
	tm := &tmuxSession{t: t, ctx: ctx, tmux: tmux, sock: filepath.Join(dir, "tmux.sock")}
	cmd := exec.CommandContext(ctx, tmux, "-S", tm.sock, "new-session", "-d", "-s", "whk", "-x", "80", "-y", "24", command)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", tm.sock, "kill-server").Run() })
	return tm
}

func (tm *tmuxSession) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.CommandContext(tm.ctx, tm.tmux, append([]string{"-S", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen waits until the pane shows want and returns it.
func (tm *tmuxSession) screen(want string) string {
	tm.t.Helper()
	var last string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		last = tm.run("capture-pane", "-p", "-t", "whk")
		if strings.Contains(last, want) {
			return last
		}
	}
	tm.t.Fatalf("the screen never showed %q; last capture:\n%s", want, last)
	return ""
}

// requireTmux finds tmux, installing it from the Debian packages when missing.
// tmuxVersion is the Debian package version requireTmux installs when tmux is missing.
const tmuxVersion = "3.3a-3"

func requireTmux(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("tmux"); err == nil {
		return p
	}
	install := func() error {
		// Pinned: Debian 12's tmux, the terminal these tests were written against.
		cmd := exec.Command("apt-get", "install", "-y", "tmux="+tmuxVersion)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.Run()
	}
	if err := install(); err != nil {
		if out, err := exec.Command("apt-get", "update").CombinedOutput(); err != nil {
			t.Fatalf("apt-get update: %v\n%s", err, out)
		}
		if err := install(); err != nil {
			t.Fatalf("apt-get install tmux: %v", err)
		}
	}
	p, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatal("tmux installed but not on PATH:", err)
	}
	return p
}

// Under --ui, a record that cannot be written is said on the inspector's status line
// (stderr would draw over the screen), and the exit summary still counts it.
func TestListenUIRecordFailureInTmux(t *testing.T) {
	tmux, ctx, tmp, bin := tmuxTest(t, 90*time.Second)
	rec := filepath.Join(tmp, "rec")
	tm := startTmux(ctx, t, tmux, tmp, "env NO_COLOR=1 WHK_SECRET=s3cret "+bin+" listen --ui --addr 127.0.0.1:0 --record "+rec+" -p clment; sleep 30")
	title := tm.screen("whk listen  http://127.0.0.1:")
	url := strings.Fields(strings.SplitN(title, "whk listen  ", 2)[1])[0]
	if err := os.RemoveAll(rec); err != nil {
		t.Fatal(err)
	}
	send := exec.CommandContext(ctx, bin, "send", "review.completed", "-p", "clment", "--to", url)
	send.Env = append(os.Environ(), "WHK_SECRET=s3cret")
	if out, err := send.CombinedOutput(); err != nil {
		t.Fatalf("whk send: %v\n%s", err, out)
	}
	screen := tm.screen("error: a record could not be written")
	if strings.Contains(screen, "whk: error:") {
		t.Errorf("the failure was also written on stderr, over the screen:\n%s", screen)
	}
	tm.run("send-keys", "-t", "whk", "q")
	tm.screen("1 could not be written")
}
