package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/conformance/examples"
	"github.com/whk-cli/whk/internal/iostreams"
)

func testCmdFactory(t *testing.T) (*cmdutil.Factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios)
	f.Getenv = func(string) string { return "" }
	dir := t.TempDir()
	f.ConfigDir = func() (string, error) { return dir, nil }
	return f, ios
}

// parseTest runs `whk test ARGS` up to the run function and returns the options.
func parseTest(t *testing.T, args ...string) (*TestOptions, error) {
	t.Helper()
	f, _ := testCmdFactory(t)
	var got *TestOptions
	cmd := NewCmdTest(f, func(_ context.Context, o *TestOptions) error { got = o; return nil })
	cmd.Flags().StringP("provider", "p", "", "")
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return got, err
}

func TestTestFlags(t *testing.T) {
	o, err := parseTest(t, "-p", "oneflow", "--to", "http://127.0.0.1:9/hooks", "--json", "--event", "contract:publish,contract:sign", "--only", "duplicate", "--secret", "k")
	if err != nil {
		t.Fatal(err)
	}
	if o.Format != "json" || o.Provider.ID != "oneflow" || len(o.Events) != 2 || o.Events[1].Type != "contract:sign" ||
		string(o.Keys.Secret) != "k" || o.Scheme.Name() != "oneflow-sha1" || o.Only[0] != "duplicate" {
		t.Errorf("options: %+v", o)
	}
	if o.HTTPClient.CheckRedirect == nil {
		t.Error("the client follows redirects; a provider does not")
	}

	o, err = parseTest(t, "-p", "ironclad", "--to", "https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	if o.Keys.PrivateKey == nil || !strings.Contains(o.Keys.Note, "ironclad-test-key.pub.pem") {
		t.Errorf("Ironclad keys: %+v", o.Keys)
	}
}

func TestTestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no URL", []string{"-p", "clment", "--secret", "s"}, "no endpoint given"},
		{"not a URL", []string{"-p", "clment", "--secret", "s", "--to", "ftp://x"}, `--to "ftp://x" is not an http(s) URL`},
		{"unknown check", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--skip", "dup"}, `unknown check "dup"`},
		{"unknown format", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--format", "xml"}, `unknown format "xml"`},
		{"json and junit", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--format", "junit", "--json"}, "disagree"},
		{"unknown event", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--event", "nope"}, `unknown event "nope"`},
		{"no secret", []string{"-p", "clment", "--to", "http://x"}, "none was given"},
		{"no provider", []string{"--to", "http://x"}, "no provider given"},
		{"unknown --check", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--check", "raw"}, `unknown check "raw"`},
		{"--check with --only", []string{"-p", "clment", "--secret", "s", "--to", "http://x", "--check", "raw-body", "--only", "timeout"}, "cannot be combined with --only or --skip"},
		{"--list as JUnit", []string{"--list", "--format", "junit"}, "--list prints a table or JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTest(t, tt.args...)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v (exit %d), want exit 2 with %q", err, cmdutil.ExitCode(err), tt.want)
			}
		})
	}
}

func TestRunTestAgainstTheExample(t *testing.T) {
	h, err := examples.Handler("contract-as-code", examples.Config{Secret: []byte("s")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	o, err := parseTest(t, "-p", "lac", "--to", srv.URL, "--secret", "s")
	if err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	o.IO = ios
	if err := runTest(context.Background(), o); err != nil {
		t.Fatalf("runTest: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out.String(), "CHECK ") || strings.Count(out.String(), "\n") != 15 {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.HasPrefix(errOut.String(), "11 passed, 0 failed, 3 skipped") {
		t.Errorf("stderr: %s", errOut)
	}

	// The wrong secret: a failed check, exit 1, nothing on stderr but the summary.
	o.Keys.Secret = []byte("wrong")
	ios, _, out, errOut = iostreams.Test()
	o.IO = ios
	err = runTest(context.Background(), o)
	if !errors.Is(err, cmdutil.ErrCheckFailed) || cmdutil.ExitCode(err) != 1 {
		t.Errorf("err = %v, want a failed check", err)
	}
	if !strings.Contains(out.String(), "signed-delivery       fail") {
		t.Errorf("stdout:\n%s", out)
	}
	if strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestRunTestInterrupted(t *testing.T) {
	o, err := parseTest(t, "-p", "clment", "--to", "http://127.0.0.1:1/", "--secret", "s")
	if err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	o.IO = ios
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := runTest(ctx, o); cmdutil.ExitCode(err) != 130 {
		t.Errorf("err = %v, want exit 130", err)
	}
}

// An endpoint that is not running is one error line and exit 1, not nine failed rows.
func TestRunTestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	for _, tt := range []struct{ url, want string }{
		{closed, "cannot reach " + closed + ": connection refused"},
		{"http://endpoint.invalid/", "cannot reach http://endpoint.invalid/: DNS failure"},
	} {
		o, err := parseTest(t, "-p", "clment", "--to", tt.url, "--secret", "s")
		if err != nil {
			t.Fatal(err)
		}
		ios, _, out, _ := iostreams.Test()
		o.IO = ios
		err = runTest(context.Background(), o)
		if cmdutil.ExitCode(err) != 1 || err == nil || err.Error() != tt.want {
			t.Errorf("%s: err = %v (exit %d), want %q and exit 1", tt.url, err, cmdutil.ExitCode(err), tt.want)
		}
		if out.Len() != 0 {
			t.Errorf("%s: stdout %q, want nothing", tt.url, out)
		}
	}
}

func TestTestCheckRunsOneCheck(t *testing.T) {
	o, err := parseTest(t, "-p", "clment", "--to", "http://127.0.0.1:9/", "--secret", "s", "--check", "raw-body")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(o.Checks, ","); got != "raw-body" {
		t.Errorf("--check raw-body selects %q", got)
	}
}

// --list needs no provider, endpoint or secret, and names every check with what it
// proves: one line each when piped, one JSON object each with --json.
func TestTestList(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		read func(line string) (id, proves string)
	}{
		{"table", []string{"--list"}, func(line string) (string, string) {
			id, proves, _ := strings.Cut(line, " ")
			return id, strings.TrimSpace(proves)
		}},
		{"json", []string{"--list", "--json"}, func(line string) (string, string) {
			var v struct{ Check, Proves string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Errorf("%q: %v", line, err)
			}
			return v.Check, v.Proves
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, ios := testCmdFactory(t)
			cmd := NewCmdTest(f, nil)
			cmd.Flags().StringP("provider", "p", "", "")
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			got := ios.Out.(*bytes.Buffer).String()
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if tt.name == "table" {
				if lines[0] != "CHECK                 WHAT IT PROVES" {
					t.Errorf("header %q", lines[0])
				}
				lines = lines[1:]
			}
			if len(lines) != len(conformance.Checks) {
				t.Fatalf("%d lines for %d checks:\n%s", len(lines), len(conformance.Checks), got)
			}
			for i, c := range conformance.Checks {
				if id, proves := tt.read(lines[i]); id != c.ID || proves != c.Proves() {
					t.Errorf("line %d = %q, want check %s and what it proves", i, lines[i], c.ID)
				}
			}
		})
	}
}
