package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

func TestValidateFlags(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    string
		format string
		prov   string
		typ    string
		err    string
	}{
		{"defaults", []string{"a.json"}, "", "text", "", "", ""},
		{"--json is --format json", []string{"--json", "a.json"}, "", "json", "", "", ""},
		{"--json agrees with --format json", []string{"--json", "--format", "json", "a.json"}, "", "json", "", "", ""},
		{"--json against --format junit", []string{"--json", "--format", "junit", "a.json"}, "", "", "", "", "--json and --format junit disagree"},
		{"unknown format", []string{"--format", "xml", "a.json"}, "", "", "", "", `unknown format "xml"`},
		{"provider from the environment", []string{"a.json"}, "lac", "text", "contract-as-code", "", ""},
		{"-p and --type", []string{"-p", "clment", "--type", "review.completed", "a.json"}, "", "text", "clment", "review.completed", ""},
		{"--type unknown for -p", []string{"-p", "clment", "--type", "nope", "a.json"}, "", "", "", "", `unknown event "nope"`},
		{"no paths", nil, "", "", "", "", "nothing to validate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			f := cmdutil.New(ios)
			f.Getenv = func(k string) string {
				if k == "WHK_PROVIDER" {
					return tt.env
				}
				return ""
			}
			var got *ValidateOptions
			root := NewCmdRoot(f)
			for _, c := range root.Commands() {
				if c.Name() == "validate" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(NewCmdValidate(f, func(o *ValidateOptions) error { got = o; return nil }))
			root.SetArgs(append([]string{"validate"}, tt.args...))
			root.SetOut(&bytes.Buffer{})
			root.SetErr(&bytes.Buffer{})
			err := root.Execute()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Fatalf("error %v, want a usage error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			prov := ""
			if got.Provider != nil {
				prov = got.Provider.ID
			}
			if got.Format != tt.format || prov != tt.prov || got.Type != tt.typ {
				t.Fatalf("format %q provider %q type %q", got.Format, prov, got.Type)
			}
		})
	}
}

func TestRunValidateExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join("..", "..", "fixtures", "clment", "review.completed.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"nope":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tick := time.Date(2026, 6, 16, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { tick = tick.Add(250 * time.Millisecond); return tick }
	tests := []struct {
		name    string
		paths   []string
		code    int
		summary string
	}{
		{"all valid", []string{good}, 0, "checked 1 item in 250ms: 1 valid, 0 invalid\n"},
		{"one invalid", []string{good, bad}, 1, "checked 2 items in 250ms: 1 valid, 1 invalid\n"},
		{"a missing path", []string{good, filepath.Join(dir, "missing.json")}, 2, ""},
		{"an empty directory", []string{t.TempDir()}, 2, "checked 0 items in 250ms: 0 valid, 0 invalid\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runValidate(&ValidateOptions{Catalog: catalog.MustBuiltin(), Format: "text", Paths: tt.paths,
				In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Now: now})
			if got := cmdutil.ExitCode(err); got != tt.code {
				t.Fatalf("exit %d (%v), want %d", got, err, tt.code)
			}
			if errOut.String() != tt.summary {
				t.Errorf("summary %q, want %q", errOut.String(), tt.summary)
			}
			if tt.code == 1 && !errors.Is(err, cmdutil.ErrCheckFailed) {
				t.Errorf("error %v", err)
			}
		})
	}
}
