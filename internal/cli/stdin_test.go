package cli

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/cmdutil"
)

// Commands that read a body from stdin say so when stdin is a terminal, and one
// Ctrl-C (the context cancelled) ends the read with exit 130 instead of being held
// by it.
func TestStdinOnATerminal(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"sign", []string{"sign", "-p", "clment", "--secret", "s"}},
		{"verify", []string{"verify", "-p", "clment", "--secret", "s", "--signature", "sha256=00"}},
		{"validate -", []string{"validate", "-p", "clment", "-"}},
		{"send --data -", []string{"send", "-p", "clment", "--secret", "s", "--to", "http://127.0.0.1:1/", "--data", "-"}},
		{"replay -", []string{"replay", "-p", "clment", "--secret", "s", "--to", "http://127.0.0.1:1/", "-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, _, _ := testFactory(t)
			stderr := &lockedBuffer{}
			f.IOStreams.ErrOut = stderr
			errOut := stderr.String
			pr, pw := io.Pipe() // a terminal nobody types into
			defer pw.Close()
			f.IOStreams.In = pr
			f.IOStreams.SetStdinTTY(true)
			ctx, cancel := context.WithCancel(context.Background())
			code := make(chan int, 1)
			go func() { code <- Run(ctx, f, c.args) }()
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(errOut(), cmdutil.StdinPrompt) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
			select {
			case got := <-code:
				if got != 130 {
					t.Errorf("exit %d, want 130; stderr:\n%s", got, errOut())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the read held the command past Ctrl-C")
			}
			if n := strings.Count(errOut(), cmdutil.StdinPrompt); n != 1 {
				t.Errorf("prompt said %d times; stderr:\n%s", n, errOut())
			}
		})
	}
}

// Piped or redirected, stdin is read without a word, and a terminal that sends a body
// gets it read whole.
func TestStdinPromptOnlyOnATerminal(t *testing.T) {
	body := `{"id":"evt_1","type":"review.completed"}`
	for _, tty := range []bool{false, true} {
		f, out, errOut := testFactory(t)
		f.IOStreams.In = strings.NewReader(body)
		f.IOStreams.SetStdinTTY(tty)
		if code := Run(context.Background(), f, []string{"sign", "-p", "clment", "--secret", "s"}); code != 0 {
			t.Fatalf("tty %v: exit %d: %s", tty, code, errOut())
		}
		if got := strings.Contains(errOut(), cmdutil.StdinPrompt); got != tty {
			t.Errorf("tty %v: prompt said: %v; stderr %q", tty, got, errOut())
		}
		mac := hmac.New(sha256.New, []byte("s"))
		mac.Write([]byte(body))
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); !strings.Contains(out(), want) {
			t.Errorf("tty %v: the body did not come through whole: %s, want %s", tty, out(), want)
		}
	}
}
