package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestHumanOutputFitsTheTerminal runs the real binary in tmux panes 60, 80 and 120
// columns wide, as a developer with a split terminal would: `whk listen` receiving a
// valid, a wrongly signed and a Oneflow delivery, `whk events list` and a failing
// `whk verify`. tmux wraps a line longer than the pane; capture-pane -J joins the
// wrapped parts again, so a joined line wider than the pane is output that did not fit.
// Inside listen's blocks every line keeps the gutter.
func TestHumanOutputFitsTheTerminal(t *testing.T) {
	tmux, ctx, tmp, bin := tmuxTest(t, 3*time.Minute)
	secret := filepath.Join(tmp, "secret")
	if err := os.WriteFile(secret, []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := filepath.Join(tmp, "body.json")
	if err := os.WriteFile(body, []byte(`{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:08.000Z","organizationId":"org_1","payload":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			sock := filepath.Join(tmp, fmt.Sprintf("tmux-%d.sock", width))
			tm := func(args ...string) string {
				t.Helper()
				out, err := exec.CommandContext(ctx, tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
				if err != nil {
					t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			addr := freeAddr(t)
			// Each window runs one command and then waits, so its screen can be read.
			windows := map[string]string{
				"listen": fmt.Sprintf("%s listen --addr %s --secret-file %s; sleep 60", bin, addr, secret),
				"events": bin + " events list; sleep 60",
				"verify": fmt.Sprintf("%s verify -p clment --secret wrong -H 'X-Clment-Signature: sha256=%s' %s; sleep 60", bin, strings.Repeat("ab", 32), body),
			}
			first := true
			for name, command := range windows {
				args := []string{"new-window", "-t", "whk", "-n", name, command}
				if first {
					args = []string{"new-session", "-d", "-s", "whk", "-n", name, "-x", fmt.Sprint(width), "-y", "200", command}
					first = false
				}
				cmd := exec.CommandContext(ctx, tmux, append([]string{"-S", sock}, args...)...)
				cmd.Env = append(os.Environ(), "TERM=xterm-256color")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("tmux %s: %v\n%s", args[0], err, out)
				}
			}
			t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })
			tm("set-option", "-t", "whk", "-g", "history-limit", "5000")

			screen := func(window, want string) string {
				t.Helper()
				var last string
				for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					last = tm("capture-pane", "-p", "-J", "-S", "-", "-t", "whk:"+window)
					if strings.Contains(last, want) {
						return last
					}
				}
				t.Fatalf("window %s never showed %q; last capture:\n%s", window, want, last)
				return ""
			}

			screen("listen", "Listening on")
			url := "http://" + addr + "/"
			send := func(args ...string) {
				t.Helper()
				// The answer does not matter here, only what listen shows of it.
				_ = exec.CommandContext(ctx, bin, append(args, "--to", url)...).Run()
			}
			send("send", "review.completed", "-p", "clment", "--secret-file", secret)
			send("send", "review.completed", "-p", "clment", "--secret", "not-the-secret")
			send("send", "contract:publish", "-p", "oneflow", "--secret-file", secret)

			fits(t, "listen", screen("listen", "contract:publish"), width, true)
			fits(t, "events list", screen("events", "oneflow"), width, false)
			fits(t, "verify", screen("verify", "signature"), width, false)
		})
	}
}

// fits fails the test for every captured line wider than width; with gutter, every
// line between a delivery's header line and the blank line after it must start with
// listen's gutter.
func fits(t *testing.T, what, capture string, width int, gutter bool) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(capture, "\n"), "\n")
	inBlock := false
	for i, l := range lines {
		l = strings.TrimRight(l, " ")
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("%s at %d columns: line %d is %d wide:\n%s", what, width, i+1, n, l)
		}
		if !gutter {
			continue
		}
		switch {
		case strings.HasPrefix(l, "│"):
			inBlock = true
		case l == "" || strings.HasPrefix(l, "whk:") || strings.HasPrefix(l, "Listening"):
			inBlock = false
		case inBlock:
			t.Errorf("%s at %d columns: line %d lost the gutter:\n%s", what, width, i+1, l)
		}
	}
	if gutter && !strings.Contains(capture, "│") {
		t.Errorf("%s at %d columns: no block with a gutter:\n%s", what, width, capture)
	}
}

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
