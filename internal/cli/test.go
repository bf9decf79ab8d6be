package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/netaddr"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// TestOptions are the inputs of `whk test`.
type TestOptions struct {
	IO         *iostreams.IOStreams
	HTTPClient *http.Client
	Now        func() time.Time

	Provider *catalog.Provider
	URL      string
	Only     []string
	Skip     []string
	// Checks are the ids Only and Skip select (conformance.Select); nil means all.
	Checks []string
	// List prints the checks and what each proves instead of running them.
	List    bool
	Events  []*catalog.Event
	Format  string
	Timeout time.Duration
	Scheme  signing.Scheme
	Keys    *cmdutil.Keys
}

// NewCmdTest builds `whk test --to URL -p P`.
func NewCmdTest(f *cmdutil.Factory, runF func(context.Context, *TestOptions) error) *cobra.Command {
	opts := &TestOptions{}
	var (
		keyFlags   cmdutil.KeyFlags
		eventTypes []string
		format     *cmdutil.FormatFlags
		check      string
	)
	cmd := &cobra.Command{
		Use:   "test --to URL -p PROVIDER | --list",
		Short: "Run a conformance suite against your own webhook endpoint",
		Long: `Test your webhook endpoint the way the provider will treat it, before go-live.

Each check sends what the provider sends, or what a careful endpoint must refuse, and
holds the answer to the provider's rules; one row per check. Checks that depend on what
a provider documents (a timestamp, a signature list, at-most-once processing, a maximum
body, a timeout) are skipped with the reason where it documents none.
--list names every check and what a pass proves; --check, --only and --skip take the
ids.

Ironclad deliveries are signed with whk's local test key pair unless --private-key is
given; whk prints where its public key is, to load into your endpoint.

Exit status: 0 when no check failed, 1 when any check failed, 2 on a usage error.`,
		Example: `  whk test --to http://127.0.0.1:8080/webhooks/clment -p clment --secret-file clment.secret
  whk test --list
  whk test --to http://127.0.0.1:8080/ -p ironclad --event workflow_launched --only signed-delivery,duplicate --format junit > whk-test.xml
  WHK_SECRET=s3cret whk test --to http://127.0.0.1:8080/ -p cm --auth-header X-Sign-Token --check bad-signature --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Resolve(cmd); err != nil {
				return err
			}
			if opts.List {
				if opts.Format == "junit" {
					return cmdutil.WithHint(errors.New("--list prints a table or JSON, not JUnit"), "use --list alone or with --json")
				}
				opts.IO = f.IOStreams
				if runF != nil {
					return runF(cmd.Context(), opts)
				}
				return listChecks(opts)
			}
			if check != "" {
				if len(opts.Only) > 0 || len(opts.Skip) > 0 {
					return cmdutil.WithHint(errors.New("--check runs one check and cannot be combined with --only or --skip"), "use --only ID,ID for several")
				}
				opts.Only = []string{check}
			}
			p, err := f.RequireProvider(cmd)
			if err != nil {
				return err
			}
			opts.Provider = p
			if opts.URL == "" {
				return cmdutil.WithHint(errors.New("no endpoint given"), "pass --to URL, e.g. --to http://127.0.0.1:8080/webhooks")
			}
			if opts.URL, err = cmdutil.HTTPURL("--to", opts.URL); err != nil {
				return err
			}
			if opts.Checks, err = conformance.Select(opts.Only, opts.Skip); err != nil {
				return cmdutil.WithHint(err, "checks: "+strings.Join(conformance.CheckIDs(), ", "))
			}
			for _, t := range eventTypes {
				e, err := cmdutil.Event(p, t)
				if err != nil {
					return err
				}
				opts.Events = append(opts.Events, e)
			}
			if opts.Timeout < 0 {
				return cmdutil.Usagef("--timeout must be positive")
			}
			if opts.Scheme, err = signing.For(p, keyFlags.AuthHeader); err != nil {
				return cmdutil.WithHint(err, "fix the provider's catalog file")
			}
			if opts.Keys, err = keyFlags.SigningKeys(f, p); err != nil {
				return err
			}
			client := *f.HTTPClient()
			client.CheckRedirect = noRedirects
			opts.IO, opts.HTTPClient, opts.Now = f.IOStreams, &client, f.Now
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTest(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.URL, "to", "", "the `URL` of your webhook endpoint (required; no scheme means http://)")
	cmd.Flags().StringVar(&check, "check", "", "run only the check with this `id`")
	cmd.Flags().StringSliceVar(&opts.Only, "only", nil, "run only these checks (comma-separated `ids`)")
	cmd.Flags().StringSliceVar(&opts.Skip, "skip", nil, "skip these checks (comma-separated `ids`)")
	cmd.Flags().StringSliceVar(&eventTypes, "event", nil, "send signed deliveries of these event `types` only (default: every event)")
	// The human format was called "table" before every command called it "text".
	format = cmdutil.AddFormatFlags(cmd, []string{cmdutil.TextFormat, "json", "junit"}, "text (a table), json (NDJSON, one object per check) or junit").Alias("table", cmdutil.TextFormat)
	cmd.Flags().BoolVar(&opts.List, "list", false, "list the checks and what each proves, and run none")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "how long to wait for each answer (default: the provider's documented timeout, else 30s)")
	cmdutil.AddSigningKeyFlags(cmd, &keyFlags)
	completeChecks := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return conformance.CheckIDs(), cobra.ShellCompDirectiveNoFileComp
	}
	_ = cmd.RegisterFlagCompletionFunc("check", completeChecks)
	_ = cmd.RegisterFlagCompletionFunc("only", completeChecks)
	_ = cmd.RegisterFlagCompletionFunc("skip", completeChecks)
	return cmd
}

// listChecks prints every check and what it proves (--list).
func listChecks(o *TestOptions) error {
	if o.Format == "json" {
		return render.ConformanceChecksJSON(o.IO.Out, conformance.Checks)
	}
	return render.ConformanceChecks(o.IO.Out, o.IO.IsStdoutTTY(), o.IO.TerminalWidth(), conformance.Checks)
}

func runTest(ctx context.Context, o *TestOptions) error {
	errOut := o.IO.ErrOut
	if o.Keys.Note != "" {
		fmt.Fprintln(errOut, o.Keys.Note)
	}
	if u, err := url.Parse(o.URL); err == nil && o.Provider.HTTPSOnly && u.Scheme == "http" && !netaddr.IsLoopback(u.Host) {
		fmt.Fprintln(errOut, "warning: "+o.Provider.Name+" delivers only to HTTPS endpoints")
	}
	if err := conformance.Reachable(ctx, o.URL); err != nil {
		var u *conformance.UnreachableError
		if errors.As(err, &u) {
			return &cmdutil.FailedError{Err: err, Hint: u.Hint}
		}
		return err
	}
	out := o.IO.Out
	copts := conformance.Options{
		Provider: o.Provider, URL: o.URL, Scheme: o.Scheme, Keys: o.Keys.Keys,
		Events: o.Events, Checks: o.Checks, Client: o.HTTPClient, Timeout: o.Timeout, Now: o.Now,
	}
	var jsonErr error
	if o.Format == "json" {
		copts.OnResult = func(r conformance.Result) {
			if jsonErr == nil {
				jsonErr = render.ConformanceJSON(out, r)
			}
		}
	}
	start := time.Now()
	results, err := conformance.Run(ctx, copts)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %v", cmdutil.ErrInterrupted, err)
		}
		return err
	}
	suite := render.ConformanceSuite{Provider: o.Provider.ID, URL: o.URL, Results: results, Duration: time.Since(start)}
	switch o.Format {
	case "json":
		err = jsonErr
	case "junit":
		err = render.ConformanceJUnit(out, suite)
	default:
		err = render.ConformanceTable(out, render.NewStyles(out, o.IO.ColourEnabled()), o.IO.IsStdoutTTY(), o.IO.TerminalWidth(), results)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(errOut, render.ConformanceSummary(suite))
	if _, failed, _ := suite.Counts(); failed > 0 {
		return cmdutil.ErrCheckFailed
	}
	return nil
}
