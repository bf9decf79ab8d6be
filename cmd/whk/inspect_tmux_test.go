package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/record"
)

// TestInspectInTmux drives the real binary in a terminal: tmux at 80x24 runs
// `whk inspect DIR`, the test sends keys and reads the screen back.
func TestInspectInTmux(t *testing.T) {
	tmux := requireTmux(t)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "whk")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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

	// A private server socket: the test never touches the user's tmux sessions.
	sock := filepath.Join(tmp, "tmux.sock")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cmd := exec.CommandContext(ctx, tmux, "-S", sock, "new-session", "-d", "-s", "whk", "-x", "80", "-y", "24",
		"env NO_COLOR=1 "+bin+" inspect "+dir+"; sleep 30")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })

	screen := func(want string) string {
		t.Helper()
		var last string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			last = run("capture-pane", "-p", "-t", "whk")
			if strings.Contains(last, want) {
				return last
			}
		}
		t.Fatalf("the screen never showed %q; last capture:\n%s", want, last)
		return ""
	}

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
