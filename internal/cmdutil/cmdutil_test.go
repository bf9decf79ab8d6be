package cmdutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodeAndErrorLine(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code int
		line string
	}{
		{"success", nil, 0, ""},
		{"usage error with hint", WithHint(errors.New("unknown provider \"x\""), "pass -p"), 2, `whk: error: unknown provider "x" (pass -p)`},
		{"usage error without hint", Usagef("bad %s", "flag"), 2, "whk: error: bad flag"},
		{"plain error is a usage error", errors.New("cannot read file"), 2, "whk: error: cannot read file"},
		{"check failed prints nothing more", fmt.Errorf("verify: %w", ErrCheckFailed), 1, ""},
		{"failed error prints its line", &FailedError{Err: errors.New("connection refused"), Hint: "is the server up?"}, 1, "whk: error: connection refused (is the server up?)"},
		{"interrupted", fmt.Errorf("%w: context canceled", ErrInterrupted), 130, ""},
		{"lost data is exit 1 with its line", &LossError{Err: errors.New("2 record(s) could not be written to d"), Hint: "first: disk full"}, 1, "whk: error: 2 record(s) could not be written to d (first: disk full)"},
		{"input quoted in an error stays on one line", errors.New("flow.json: step 2: ${steps.a\n::warning x}: want ${steps.NAME.id}\x1b[2J"), 2, `whk: error: flow.json: step 2: ${steps.a\n::warning x}: want ${steps.NAME.id}\x1b[2J`},
		{"lost data outweighs an interruption", fmt.Errorf("%w: %w", ErrInterrupted, &LossError{Err: errors.New("1 record(s) could not be written to d")}), 1, "whk: error: interrupted: 1 record(s) could not be written to d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.code {
				t.Errorf("ExitCode = %d, want %d", got, tt.code)
			}
			if got := ErrorLine(tt.err); got != tt.line {
				t.Errorf("ErrorLine = %q, want %q", got, tt.line)
			}
		})
	}
}

func TestSecretPrecedenceAndFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "WHK_SECRET" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name  string
		flags SecretFlags
		env   string
		want  string
		src   string
	}{
		{"flag wins over file and env", SecretFlags{Value: "a", File: write("f1", "b")}, "c", "a", "--secret"},
		{"file wins over env", SecretFlags{File: write("f2", "b\n")}, "c", "b", "--secret-file"},
		{"env last", SecretFlags{}, "c", "c", "$WHK_SECRET"},
		{"one CRLF dropped", SecretFlags{File: write("f3", "s3cret\r\n")}, "", "s3cret", "--secret-file"},
		{"only one newline dropped", SecretFlags{File: write("f4", "s\n\n")}, "", "s\n", "--secret-file"},
		{"other whitespace kept", SecretFlags{File: write("f5", " s \n")}, "", " s ", "--secret-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.flags.Resolve(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if string(s.Bytes) != tt.want || !strings.HasPrefix(s.Source, tt.src) {
				t.Errorf("got %q from %s, want %q from %s", s.Bytes, s.Source, tt.want, tt.src)
			}
		})
	}
	if _, err := (&SecretFlags{}).Resolve(env("")); !errors.Is(err, ErrNoSecret) {
		t.Errorf("no secret: %v", err)
	}
	// The value is not echoed: it may be the secret given where its path belongs.
	_, err := (&SecretFlags{File: filepath.Join(dir, "whk-secret-value")}).Resolve(env(""))
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "no such file") || strings.Contains(ErrorLine(err), "whk-secret-value") {
		t.Errorf("missing secret file: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1024", 1024, true}, {"64KiB", 64 << 10, true}, {"10MiB", 10 << 20, true}, {"10mib", 10 << 20, true},
		{"1GiB", 1 << 30, true}, {"5MB", 5000000, true}, {"512B", 512, true}, {"2k", 2048, true},
		{"", 0, false}, {"-1", 0, false}, {"ten", 0, false}, {"1.5MiB", 0, false}, {"99999999999999999GiB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestBatchError(t *testing.T) {
	tests := []struct {
		name        string
		interrupted bool
		failed      int
		want        error
	}{
		{"all acknowledged", false, 0, nil},
		{"some failed", false, 3, ErrCheckFailed},
		{"interrupted wins over failures", true, 3, ErrInterrupted},
		{"interrupted with none failed", true, 0, ErrInterrupted},
	}
	for _, tt := range tests {
		if got := BatchError(tt.interrupted, tt.failed); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
