package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/inspector"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/netaddr"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// ListenOptions are the inputs of `whk listen`.
type ListenOptions struct {
	IO       *iostreams.IOStreams
	Catalog  *catalog.Catalog
	Provider *catalog.Provider // nil: detect per request
	// Keys returns what to verify p's signatures with; nil means unchecked.
	Keys func(p *catalog.Provider) *signing.Keys
	// Notes are said on stderr once listening (which key verifies what).
	Notes []string

	Addr       string
	Path       string
	Status     int
	ForwardTo  string
	RecordDir  string
	MaxBody    int64
	JSON       bool
	Verbose    bool
	AuthHeader string
	Tolerance  time.Duration

	// RecordFormat is dir, ndjson or har; "" goes by the --record path.
	RecordFormat string
	// Routes, when given, are the paths served, each with its provider, keys and
	// forward target (--route, --config).
	Routes []listener.Route
	// Filter holds back the deliveries whose type --events does not match.
	Filter     listener.Filter
	Now        func() time.Time
	HTTPClient *http.Client

	// View is --output: how much of each delivery is printed (text output only).
	View render.ListenView
	// UI is --ui: the inspector over the deliveries, on a terminal (listen_ui.go);
	// replayer sends them again from it.
	UI       bool
	replayer *inspector.Replayer

	// RejectInvalid answers 401 to bad, missing or uncheckable signatures and 400 to
	// bodies that are not JSON (--reject-invalid).
	RejectInvalid bool

	// configure adjusts the listener's configuration (tests shorten timeouts).
	configure func(*listener.Config)
}

// NewCmdListen builds `whk listen`.
func NewCmdListen(f *cmdutil.Factory, runF func(context.Context, *ListenOptions) error) *cobra.Command {
	opts := &ListenOptions{}
	var kf cmdutil.KeyFlags
	var maxBody, output, configFile string
	var events, routeFlags []string
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive deliveries locally: verify, validate, print and record each one",
		Long: `Listen runs a local HTTP receiver for webhook deliveries. For each request it detects the
provider and event type (or uses -p), verifies the signature when a secret or key is
given, validates the body against the event's JSON Schema, flags a duplicate delivery
id, prints the delivery and answers.

On a terminal each delivery is a coloured block, wrapped to the terminal's width; piped,
the same fields as plain text. --output compact prints one line per delivery (time,
provider, type, id, signature and schema marks, duplicate, answer, the app's answer
when forwarding, a record not written); --output quiet prints none: only the ready
line, warnings and the summary. A warning that holds for every delivery of a provider
(Oneflow's signature does not cover the body) is said once per run. With --json,
a first {"kind":"ready","url":...} line and then one delivery record per line (the raw
body base64-encoded); --json and --output together are a usage error. When stdout is
not a terminal, "Listening on URL" is said on stderr too, so that
'whk listen --json | whk validate -' shows where to send.

When stdout and stderr are both a terminal, a status line at the bottom counts the
deliveries by verdict and their rate. On exit a summary on stderr breaks the
deliveries down by signature and schema verdict, duplicates, forwards that failed and
records not written. --record DIR writes each delivery record to its
own file, atomically, named so that names sort by arrival
(20260616T143208.123456Z-<run>-000001-clment-review.completed.json). --record with a
path ending in .ndjson or .jsonl appends one record per line to that log instead, in
arrival order (an existing log grows, it is never cut), readable by replay and
validate while listen runs (verify --request takes one of its lines). A path ending
in .har (or --record-format har) writes one HAR 1.2 document, an entry per delivery
with whk's answer and timings, a whole document after every delivery, for HAR viewers
and for replay, validate and verify --request. Any other path is a directory. Either way
every answered request is on disk when listen exits. The CM.com Sign token header shows as
[redacted] in output and records; secrets are never written.

The answer is 200, or --status CODE to test a sender's retries, or with --forward-to
the answer of your app, to which the request is relayed unchanged; the app's answer,
a redirect too, goes back to the sender as it is (the record keeps its first
--max-body bytes). A record that cannot be written is said on stderr at once, marked
on its line ("record":{"status":"failed"}) and makes listen exit 1.

--events review.*,!review.assigned shows only the deliveries whose event type matches
(path.Match globs; a Oneflow callback shows when any of its types matches); the others
are still answered and counted in the summary, but neither printed nor recorded.

One listen can serve several providers, each at its own path with its own secret and
app: --route /clment=clment,secret-file=clment.secret,forward-to=localhost:3000/hooks
(repeatable), or the same as a TOML file given to --config:

  [[route]]
  path = "/clment"
  provider = "clment"
  secret-file = "clment.secret"   # relative to the file; secrets never go in it
  forward-to = "http://localhost:3000/hooks"

The most specific path takes a request, a path no route serves gets 404, and each record
names its route ("route"). A route without secret-file verifies with --secret-file,
--secret or $WHK_SECRET; one without forward-to with --forward-to, if given. Every header
whose value is a configured secret (CM.com Sign's token sent in another header than
--auth-header) shows as [redacted].

A --path ending in "/" receives every path under it. Bodies over --max-body get 413;
slow or idle clients are cut off. Ctrl-C or SIGTERM stops accepting, finishes the
requests in flight, flushes output and records, and exits 0. Ironclad signatures are
checked with whk's local test key unless --public-key is given, so that
'whk send -p ironclad' to 'whk listen' verifies out of the box.`,
		Example: `  whk listen -p clment --secret-file clment.secret --events 'review.*,!review.assigned' --record deliveries.ndjson
  whk listen --addr 127.0.0.1:0 --json --record deliveries/
  whk listen --forward-to http://localhost:3000/webhooks --secret-file s.txt
  whk listen --route /clment=clment,secret-file=clment.secret --route /cm=cm-sign,secret-file=cm.token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Catalog()
			if err != nil {
				return err
			}
			if opts.Provider, err = f.Provider(cmd); err != nil {
				return err
			}
			if opts.MaxBody, err = cmdutil.ParseSize(maxBody); err != nil || opts.MaxBody == 0 {
				return cmdutil.WithHint(fmt.Errorf("--max-body: invalid size %q", maxBody), "use bytes or a unit: 1024, 64KiB, 10MiB")
			}
			if opts.View, err = listenView(cmd, output); err != nil {
				return err
			}
			if opts.Filter, err = listener.ParseFilter(events); err != nil {
				return cmdutil.WithHint(err, "use globs such as review.* and !review.assigned, comma-separated")
			}
			var specs []routeSpec
			for _, r := range routeFlags {
				rs, err := parseRoute(r)
				if err != nil {
					return err
				}
				specs = append(specs, rs)
			}
			if configFile != "" {
				rs, err := readListenConfig(configFile)
				if err != nil {
					return err
				}
				specs = append(specs, rs...)
			}
			if len(specs) > 0 {
				switch {
				case cmd.Flags().Changed("path"):
					return cmdutil.WithHint(errors.New("--path cannot be used with routes"), "each route names its path")
				case opts.Provider != nil:
					return cmdutil.WithHint(errors.New("--provider cannot be used with routes"), "each route names its provider")
				}
			}
			if err := listenKeys(f, c, opts, &kf); err != nil {
				return err
			}
			if len(specs) > 0 {
				routes, notes, err := listenRoutes(c, specs, opts.Keys, f.Getenv)
				if err != nil {
					return err
				}
				opts.Routes, opts.Notes = routes, append(opts.Notes, notes...)
			}
			opts.IO, opts.Catalog, opts.AuthHeader = f.IOStreams, c, kf.AuthHeader
			opts.Now, opts.HTTPClient = f.Now, f.HTTPClient()
			if !cmd.Flags().Changed("tolerance") {
				opts.Tolerance = 0 // the scheme's own: its catalog tolerance, else the default
			}
			opts.replayer = inspectorReplayer(f, &kf, c)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runListen(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", listener.DefaultAddr, "listen on `host:port`, or a port alone on 127.0.0.1 (port 0 picks a free one)")
	fl.StringVar(&opts.Path, "path", "/", "receive deliveries at this `path` (ending in / takes every path under it)")
	fl.IntVar(&opts.Status, "status", 0, "answer every delivery with this HTTP status `code` (default 200)")
	fl.BoolVar(&opts.RejectInvalid, "reject-invalid", false, "answer as a careful endpoint: 401 to a bad, missing or uncheckable signature (give --secret or --public-key), 400 to a body that is not JSON")
	fl.StringVar(&opts.ForwardTo, "forward-to", "", "relay each delivery to `URL` (no scheme means http://) and answer with its status and body")
	fl.StringVar(&opts.RecordDir, "record", "", "write each delivery record to a file in `DIR`, or append it to a log when the path ends in .ndjson or .jsonl, or to a HAR when it ends in .har")
	fl.StringVar(&opts.RecordFormat, "record-format", "", "how --record writes: `dir`, ndjson or har (default: by the path: .ndjson or .jsonl a log, .har a HAR, else a directory)")
	_ = cmd.RegisterFlagCompletionFunc("record-format", cobra.FixedCompletions(listener.RecordFormats, cobra.ShellCompDirectiveNoFileComp))
	fl.StringVar(&maxBody, "max-body", "10MiB", "answer 413 to bodies larger than `size`")
	fl.BoolVar(&opts.JSON, "json", false, "print a ready line, then one delivery record per line")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "show the request headers, and keep the --forward-to app's response headers in the record")
	fl.StringArrayVar(&events, "events", nil, "show only deliveries whose event type matches a `GLOB` (comma-separated, !GLOB excludes; a Oneflow callback shows when any of its types matches); the others are answered and counted, not printed or recorded")
	fl.StringArrayVar(&routeFlags, "route", nil, "serve `PATH=PROVIDER[,secret-file=F][,forward-to=URL]` as a route of its own (repeatable)")
	fl.StringVar(&configFile, "config", "", "read routes from a TOML `FILE` of [[route]] tables (path, provider, secret-file, forward-to)")
	fl.StringVarP(&output, "output", "o", render.ListenViews[0], "what to print of each delivery: `full` (a block), compact (a line) or quiet (nothing)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(render.ListenViews, cobra.ShellCompDirectiveNoFileComp))
	fl.DurationVar(&opts.Tolerance, "tolerance", signing.DefaultTolerance, "Standard Webhooks: accepted timestamp age")
	fl.BoolVar(&opts.UI, "ui", false, "browse the deliveries live in the inspector of 'whk inspect' (r sends one again to --forward-to); prints as usual when stdout is not a terminal")
	cmdutil.AddVerifyingKeyFlags(cmd, &kf)
	return cmd
}

// listenView reads --output; with --json, which prints every record whole, it is a
// usage error rather than a flag silently ignored.
func listenView(cmd *cobra.Command, output string) (render.ListenView, error) {
	i := slices.Index(render.ListenViews, output)
	if i < 0 {
		return 0, cmdutil.WithHint(fmt.Errorf("unknown --output %q", output), "choose one of: "+strings.Join(render.ListenViews, ", "))
	}
	if cmd.Flags().Changed("output") && cmd.Flags().Changed("json") {
		return 0, cmdutil.WithHint(errors.New("--json and --output cannot be used together"), "--json prints every delivery record; drop one of them")
	}
	return render.ListenView(i), nil
}

// listenKeys resolves the secret (optional: without one signatures are unchecked) and,
// when Ironclad deliveries may arrive, Ironclad's public key.
func listenKeys(f *cmdutil.Factory, c *catalog.Catalog, opts *ListenOptions, kf *cmdutil.KeyFlags) error {
	var secret *signing.Keys
	var secretSource string
	s, err := kf.Resolve(f.Getenv)
	switch {
	case err == nil:
		secret, secretSource = &signing.Keys{Secret: s.Bytes}, s.Source
	case !errors.Is(err, cmdutil.ErrNoSecret):
		return err
	}
	var rsaKeys *signing.Keys
	var rsaProvider *catalog.Provider
	if opts.Provider != nil && signing.FactsFor(opts.Provider).KeyPair {
		rsaProvider = opts.Provider
	} else if opts.Provider == nil {
		for _, p := range c.Providers() {
			if signing.FactsFor(p).KeyPair {
				rsaProvider = p
				break
			}
		}
	}
	if rsaProvider != nil {
		k, err := kf.VerifyingKeys(f, rsaProvider, false)
		switch {
		case err != nil && opts.Provider != nil:
			return err
		case err != nil:
			opts.Notes = append(opts.Notes, rsaProvider.Name+" signatures are unchecked: "+cmdutil.ErrorLine(err))
		case k != nil:
			rsaKeys = &k.Keys
			if opts.Provider != nil && k.Note != "" {
				opts.Notes = append(opts.Notes, k.Note)
			}
		}
	}
	switch {
	case opts.Provider != nil && signing.FactsFor(opts.Provider).KeyPair:
	case secret != nil && opts.Provider != nil && signing.FactsFor(opts.Provider).Token:
		// CM.com Sign sends the secret itself in a header: a token, not a signature.
		opts.Notes = append(opts.Notes, "checking the token header against the secret from "+secretSource)
	case secret != nil:
		opts.Notes = append(opts.Notes, "verifying signatures (and tokens) with the secret from "+secretSource)
	default:
		note := "no secret given: signatures are unchecked"
		if rsaKeys != nil {
			note += ", except " + rsaProvider.Name + "'s, checked with whk's test key"
		}
		if opts.RejectInvalid {
			note += "; --reject-invalid answers the unchecked ones 401"
		}
		opts.Notes = append(opts.Notes, note+" (pass --secret-file PATH, --secret S or set WHK_SECRET)")
	}
	// Which providers verify with a key pair, worked out once: Keys runs per delivery.
	keyPair := map[*catalog.Provider]bool{}
	for _, p := range c.Providers() {
		keyPair[p] = signing.FactsFor(p).KeyPair
	}
	opts.Keys = func(p *catalog.Provider) *signing.Keys {
		if keyPair[p] {
			return rsaKeys
		}
		return secret
	}
	return nil
}

func runListen(ctx context.Context, o *ListenOptions) error {
	if o.Status != 0 && (o.Status < 200 || o.Status > 599) {
		return cmdutil.WithHint(fmt.Errorf("--status %d is not an HTTP status whk can answer with", o.Status), "use 200–599")
	}
	if err := listener.CheckPath(o.Path); err != nil {
		return cmdutil.WithHint(err, "use a path like /hooks, or /hooks/ for every path under it")
	}
	if o.Status != 0 && o.ForwardTo != "" {
		return cmdutil.WithHint(errors.New("--status and --forward-to cannot be used together"), "the app behind --forward-to decides the status")
	}
	if o.ForwardTo != "" {
		var err error
		if o.ForwardTo, err = cmdutil.HTTPURL("--forward-to", o.ForwardTo); err != nil {
			return err
		}
	}
	o.Addr = cmdutil.ListenAddr(o.Addr, "127.0.0.1")
	switch {
	case o.RecordFormat != "" && !slices.Contains(listener.RecordFormats, o.RecordFormat):
		return cmdutil.WithHint(fmt.Errorf("--record-format %q is not a record format", o.RecordFormat), "use "+strings.Join(listener.RecordFormats, ", "))
	case o.RecordFormat != "" && o.RecordDir == "":
		return cmdutil.WithHint(errors.New("--record-format without --record"), "name where to record with --record PATH")
	}
	var rec listener.Recorder
	// runningUI is the inspector once it runs (--ui): notices go to it, not stderr.
	var runningUI atomic.Pointer[listenUI]
	if o.RecordDir != "" {
		var err error
		// The first record that cannot be written is said at once, on stderr, which
		// does not wait for stdout (or, under --ui, on the inspector's status line, which
		// stderr would draw over); the rest are counted for the exit.
		firstFailure := func(err error) {
			msg := fmt.Sprintf("a record could not be written (%v); listen goes on, exits 1 and counts the records lost", err)
			if u := runningUI.Load(); u != nil {
				u.prog.Send(inspector.Notice("error: " + msg))
				return
			}
			fmt.Fprintf(o.IO.ErrOut, "whk: error: %s\n", msg)
		}
		v, _, _ := VersionInfo()
		if rec, err = listener.NewRecorderAs(o.RecordDir, o.RecordFormat, v, firstFailure); err != nil {
			hint := "pass a writable directory to --record"
			if f := cmp.Or(o.RecordFormat, listener.RecordFormatOf(o.RecordDir)); f != listener.RecordDir {
				hint = "pass a writable file to --record"
			}
			return cmdutil.WithHint(fmt.Errorf("cannot record into %s: %w", o.RecordDir, err), hint)
		}
	}

	if os.Getenv("GOGC") == "" {
		// A receiver allocates a few short-lived kilobytes per delivery: collecting
		// less often buys throughput for a little memory (measured: about 1.2-2x req/s
		// on the listen benchmark).
		debug.SetGCPercent(400)
		if os.Getenv("GOMEMLIMIT") == "" {
			// ... but not with large bodies, where a heap five times the live bytes
			// is hundreds of MB: past this soft limit the collector runs as often as
			// it must (measured: 30 bodies of 10 MiB at once peaked at 485 MB
			// without it).
			debug.SetMemoryLimit(listenMemoryLimit)
		}
	}
	events := make(chan listener.Event, 1024)
	cfg := listener.Config{
		Addr: o.Addr, Path: o.Path, Catalog: o.Catalog, Provider: o.Provider, Keys: o.Keys,
		AuthHeader: o.AuthHeader, Tolerance: o.Tolerance, Status: o.Status, ForwardTo: o.ForwardTo,
		Client: o.HTTPClient, MaxBody: o.MaxBody, Now: o.Now, Events: events, Recorder: rec,
		Routes: o.Routes, Filter: o.Filter, ResponseHeaders: o.Verbose,
	}
	cfg.RejectInvalid = o.RejectInvalid
	if o.configure != nil {
		o.configure(&cfg)
	}
	l, err := listener.Listen(cfg)
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return cmdutil.WithHint(fmt.Errorf("cannot listen on %s: %w", o.Addr, unwrapOp(err)), "pick another address with --addr, or port 0 for a free one")
	}
	errOut := o.IO.ErrOut
	if !netaddr.IsLoopback(o.Addr) {
		host, _, _ := net.SplitHostPort(o.Addr)
		_, port, _ := net.SplitHostPort(l.Addr().String())
		fmt.Fprintf(errOut, "whk: warning: listening on %s, which other machines can reach; whk listen is a development receiver\n", net.JoinHostPort(host, port))
	}

	mode := render.ListenPlain
	switch {
	case o.JSON:
		mode = render.ListenJSON
	case o.IO.IsStdoutTTY() || o.IO.ColourEnabled():
		mode = render.ListenTTY
	}
	// A reader that goes away (`whk listen --json | head -3`) must not kill whk with
	// SIGPIPE before the records are written: writes then fail with EPIPE instead, and
	// listen stops as if interrupted.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	stdoutGone := false
	out := bufio.NewWriterSize(o.IO.Out, 64<<10)
	flush := func() {
		if err := out.Flush(); err != nil && !stdoutGone {
			stdoutGone = true
			fmt.Fprintf(errOut, "whk: cannot write to stdout (%v): stopping\n", err)
			stopListening()
		}
	}
	pr := render.NewListenPrinter(o.IO.Out, render.ListenOptions{Mode: mode, View: o.View, Colour: o.IO.ColourEnabled(), Verbose: o.Verbose,
		Width: o.IO.TerminalWidth(), ProviderWarnings: providerWarnings(o.Catalog)})
	// The status line needs a terminal it shares with the blocks: one it can clear
	// before each block, and whose stdout no other program writes to.
	width := o.IO.TerminalWidth()
	ui := startListenUI(o, stopListening)
	if ui != nil {
		runningUI.Store(ui)
	}
	status := newStatusLine(errOut, ui == nil && o.IO.IsStdoutTTY() && o.IO.IsStderrTTY(), width)
	var printed atomic.Int64
	var tally render.ListenTally
	done := make(chan struct{})
	// One goroutine owns stdout: lines and blocks never interleave.
	go func() {
		defer close(done)
		if ui != nil {
			ui.run(o, events, &tally, &printed)
			return
		}
		for {
			var ev listener.Event
			select {
			case e, ok := <-events:
				if !ok {
					flush()
					status.stop()
					return
				}
				ev = e
			case now := <-status.tick():
				flush()
				status.draw(tally, now)
				continue
			}
			status.clear()
			switch ev := ev.(type) {
			case listener.Ready:
				if o.JSON {
					out.Write(render.ReadyJSON(ev))
					out.WriteByte('\n')
				}
				if !o.JSON || !o.IO.IsStdoutTTY() {
					// Piped, the ready line on stdout is read by a program: say it to the user too.
					flush()
					fmt.Fprintln(errOut, render.Wrap(render.ReadyText(ev), width, 2))
				}
				for _, n := range o.Notes {
					fmt.Fprintln(errOut, render.Wrap("whk: "+n, width, 5))
				}
			case *listener.Delivery:
				tally.Add(ev)
				if w := pr.Warnings(ev); w != "" {
					flush()
					fmt.Fprint(errOut, w)
				}
				out.Write(pr.Delivery(ev))
				printed.Add(1)
			case listener.Rejected:
				flush()
				fmt.Fprint(errOut, render.Rejected(ev))
			case listener.Error:
				flush()
				fmt.Fprintln(errOut, "whk: warning: "+ev.Err.Error())
			}
			// Batch writes under load, but never hold a line back while idle.
			if len(events) == 0 {
				flush()
			}
		}
	}()

	// The drain has one deadline, counted from the stop: Serve keeps the requests in
	// flight until then, and stdout, if nobody reads it, gets what is left of it (at
	// least printGrace) before listen gives up on the lines still waiting.
	var stoppedAt atomic.Pointer[time.Time]
	stopWatch := context.AfterFunc(ctx, func() { now := time.Now(); stoppedAt.Store(&now) })
	defer stopWatch()
	serveErr := l.Serve(ctx)
	close(events)
	deadline := time.Now()
	if at := stoppedAt.Load(); at != nil {
		drain := cfg.DrainTimeout
		if drain <= 0 {
			drain = listener.DefaultDrainTimeout
		}
		deadline = at.Add(drain)
	}
	wait := time.NewTimer(max(time.Until(deadline), printGrace))
	stdoutStuck := false
	select {
	case <-done:
		wait.Stop()
	case <-wait.C:
		stdoutStuck = true
	}
	received, filtered := l.Received(), l.Filtered()
	summary := fmt.Sprintf("whk: received %d %s", received, plural(received, "delivery", "deliveries"))
	if filtered > 0 {
		summary += fmt.Sprintf(" (%d filtered out by --events: answered, not printed or recorded)", filtered)
	}
	var recErr error
	if rec != nil {
		written, err := rec.Close()
		recErr = err
		summary += fmt.Sprintf(", recorded %d in %s", written, rec.Path())
		var lost *listener.RecordsLostError
		if errors.As(err, &lost) {
			summary += fmt.Sprintf(", %d could not be written", lost.Failed)
		}
	}
	if stdoutStuck {
		// The printer still owns the tally: say only the first line.
		fmt.Fprintln(errOut, summary)
	} else {
		fmt.Fprint(errOut, render.ListenSummary(summary, tally))
	}
	var lost *listener.RecordsLostError
	switch {
	case errors.As(recErr, &lost):
		return &cmdutil.LossError{Err: lost, Hint: "first: " + lost.First.Error() + "; check that " + o.RecordDir + " exists, is writable and has free space"}
	case stdoutStuck:
		n := received - filtered - int(printed.Load())
		return &cmdutil.LossError{Err: fmt.Errorf("%d %s not printed: stdout was not read during the drain", n, plural(n, "delivery was", "deliveries were")), Hint: "read listen's output, or use --record DIR to keep every delivery"}
	case serveErr != nil:
		return &cmdutil.FailedError{Err: fmt.Errorf("listener stopped: %w", serveErr)}
	case recErr != nil:
		return &cmdutil.FailedError{Err: recErr, Hint: "check free space and permissions of " + o.RecordDir}
	}
	return nil
}

// providerWarnings are the warnings a scheme says on every verification: listen says
// them once per run.
func providerWarnings(c *catalog.Catalog) []string {
	var out []string
	for _, p := range c.Providers() {
		if w := signing.FactsFor(p).Warning; w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// statusLine is listen's live status line on a terminal's stderr: redrawn at most
// statusEvery, cleared before anything else is written so that blocks stay whole.
type statusLine struct {
	w       io.Writer
	width   int
	ticker  *time.Ticker
	shown   bool
	last    string
	history []statusSample // the last second or two of counts, for the rate
}

type statusSample struct {
	at time.Time
	n  int
}

// statusEvery is how often the status line may be redrawn: 4 times a second is live
// to the eye and costs nothing next to the deliveries.
const statusEvery = 250 * time.Millisecond

func newStatusLine(w io.Writer, on bool, width int) *statusLine {
	s := &statusLine{w: w, width: width}
	if on {
		s.ticker = time.NewTicker(statusEvery)
	}
	return s
}

// tick fires when the line may be redrawn; never when it is off.
func (s *statusLine) tick() <-chan time.Time {
	if s.ticker == nil {
		return nil
	}
	return s.ticker.C
}

func (s *statusLine) draw(t render.ListenTally, now time.Time) {
	s.history = append(s.history, statusSample{now, t.Deliveries})
	if len(s.history) > 9 {
		s.history = s.history[1:]
	}
	rate := 0.0
	if first := s.history[0]; len(s.history) > 1 {
		rate = float64(t.Deliveries-first.n) / now.Sub(first.at).Seconds()
	}
	line := render.ListenStatus(t, rate, s.width)
	if s.shown && line == s.last {
		return
	}
	fmt.Fprint(s.w, "\r\x1b[K"+line)
	s.shown, s.last = true, line
}

// stop clears the line for good.
func (s *statusLine) stop() {
	if s.ticker != nil {
		s.ticker.Stop()
	}
	s.clear()
}

// clear erases the line, if shown, leaving the cursor at the start of its row.
func (s *statusLine) clear() {
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// listenMemoryLimit is the heap size past which listen's collector stops trading
// memory for throughput: well above what small deliveries need, about four times the
// body bytes the listener holds at once by default (listener.DefaultMaxInFlight).
const listenMemoryLimit = 128 << 20

// printGrace is the least time listen gives stdout to take the last lines once the
// listener has stopped, even when the drain used all its time.
const printGrace = time.Second

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// unwrapOp drops Go's "listen tcp" prefix, keeping the reason.
func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}
