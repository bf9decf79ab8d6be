package cli

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/render"
)

// ReplayOptions are the inputs of `whk replay`.
type ReplayOptions struct {
	Ctx      context.Context
	Factory  *cmdutil.Factory
	Provider *catalog.Provider // nil: detect per item
	Paths    []string
	// The flags fill the engine's own options; the run adds items, poster and signers.
	delivery.ReplayOptions
	cmdutil.SendFlags
}

// NewCmdReplay builds `whk replay [PATH...] --to URL`.
func NewCmdReplay(f *cmdutil.Factory, runF func(*ReplayOptions) error) *cobra.Command {
	opts := &ReplayOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "replay [PATH...] --to URL",
		Short: "Send many deliveries: fixtures, files, NDJSON or recordings",
		Long: `Replay sends many deliveries to --to: with no PATH, the built-in example of every event
of -p P; otherwise JSON files, directories (recursively: *.json, *.ndjson, *.jsonl;
hidden directories and files that are not regular files are skipped, as validate
does), NDJSON, "-" for stdin, and the delivery records written by 'whk listen
--record'. The provider is -p's, else the one a record names, else detected.

An item that cannot be sent (unreadable, not JSON, provider unknown) is reported as
"not sent" and counted failed; the rest are sent. When none can be sent, that is a
usage error (exit 2).

Each delivery is re-signed with fresh ids and timestamps (--keep-ids keeps the ids and
timestamps it has). --keep-signature sends recorded requests byte for byte, headers
and body; the CM.com Sign token, redacted in records, is re-added from --secret.

--concurrency N sends over N reused keep-alive connections; --rate R caps deliveries
per second; --count N repeats the set N times. One line per delivery goes to stdout
(NDJSON with --json), then a summary on stderr: counts by status, latency
p50/p95/p99 and throughput. Ctrl-C stops sending, waits for requests in flight and
prints the summary so far (exit 130). Exit 1 if any delivery failed.`,
		Example: `  whk replay -p clment --to http://127.0.0.1:8080/ --secret-file clment.secret
  whk replay recordings/ --to http://127.0.0.1:3000/hooks --keep-signature
  whk replay -p lac --to http://127.0.0.1:8080/ --count 1000 --concurrency 32 --json > results.ndjson
  whk replay events.ndjson -p oneflow --to http://127.0.0.1:8080/ --rate 5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.Provider(cmd)
			if err != nil {
				return err
			}
			opts.Provider, opts.Paths, opts.Ctx = p, args, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runReplay(opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Concurrency, "concurrency", 1, "deliveries in flight at once, over `N` reused connections")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most `R` deliveries started per second (0: no limit)")
	fl.IntVar(&opts.Count, "count", 1, "send the whole set `N` times")
	fl.BoolVar(&opts.KeepIDs, "keep-ids", false, "keep each delivery's ids and timestamps (still re-signed)")
	fl.BoolVar(&opts.KeepSignature, "keep-signature", false, "send recorded headers and bodies byte for byte")
	cmdutil.AddSendFlags(cmd, &opts.SendFlags)
	cmdutil.AddSetFlag(cmd, &opts.Sets)
	return cmd
}

func runReplay(o *ReplayOptions) error {
	f := o.Factory
	ios := f.IOStreams
	if err := o.ResolveTo("pass --to URL"); err != nil {
		return err
	}
	switch {
	case o.Concurrency < 1:
		return cmdutil.Usagef("--concurrency must be at least 1, got %d", o.Concurrency)
	case o.Count < 1:
		return cmdutil.Usagef("--count must be at least 1, got %d", o.Count)
	case o.Rate < 0:
		return cmdutil.Usagef("--rate must not be negative, got %v", o.Rate)
	case o.KeepSignature && len(o.Sets) > 0:
		return cmdutil.WithHint(errors.New("--keep-signature sends recordings byte for byte; --set would change them"), "drop one of them")
	}
	items, err := replayItems(o)
	if err != nil {
		return err
	}
	signers, err := replaySigners(o, items)
	if err != nil {
		return err
	}

	if f.Getenv("GOGC") == "" {
		// Replay allocates a little per delivery at tens of thousands a second; halving
		// GC work is worth ~4 MiB more (still flat as --count grows). GOGC overrides.
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	poster := &delivery.Poster{Transport: delivery.NewTransport(o.Concurrency), URL: o.To, Timeout: o.Timeout, Now: f.Now}
	out := iostreams.NewFlushingWriter(ios.Out, 100*time.Millisecond)
	st := render.NewStyles(ios.Out, ios.ColourEnabled())
	lines := &render.ReplayLines{W: out, St: st, Colour: ios.ColourEnabled()}
	emit := lines.Line
	if o.JSON {
		emit = func(r delivery.Result) { render.ReplayJSON(out, r) }
	}
	o.Items, o.Poster, o.Signers, o.Now = items, poster, signers, f.Now
	sum, err := delivery.Replay(o.Ctx, o.ReplayOptions, emit)
	out.Close()
	if err != nil {
		return replayInputError(err)
	}
	est := render.NewStyles(ios.ErrOut, ios.StderrColourEnabled())
	render.ReplaySummary(ios.ErrOut, est, sum, o.Count*len(items))
	return cmdutil.BatchError(sum.Interrupted, sum.Failed)
}

// replayItems reads the set: the paths, or the provider's built-in examples.
func replayItems(o *ReplayOptions) ([]delivery.Item, error) {
	f := o.Factory
	if len(o.Paths) == 0 {
		if o.Provider == nil {
			c, err := f.Catalog()
			if err != nil {
				return nil, err
			}
			return nil, cmdutil.WithHint(errors.New("nothing to replay"), "pass PATHs, or -p with one of: "+strings.Join(c.IDs(), ", "))
		}
		items := delivery.BuiltinItems(o.Provider)
		if len(items) == 0 {
			return nil, cmdutil.WithHint(fmt.Errorf("%s has no built-in events", o.Provider.Name), "pass PATHs of deliveries to replay")
		}
		if o.KeepSignature {
			return nil, cmdutil.WithHint(errors.New("--keep-signature needs recordings"), "pass the directory written by 'whk listen --record'")
		}
		return items, nil
	}
	c, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	items, err := delivery.LoadItems(c, o.Provider, o.Paths, f.Stdin(o.Ctx), cmdutil.DefaultMaxInput)
	if err != nil {
		return nil, replayInputError(err)
	}
	if len(items) == 0 {
		return nil, cmdutil.WithHint(errors.New("no deliveries found in "+strings.Join(o.Paths, " ")), "directories are searched for *.json, *.ndjson and *.jsonl")
	}
	return items, nil
}

func replayInputError(err error) error {
	var se *delivery.SourceError
	if errors.As(err, &se) {
		return cmdutil.WithHint(err, "")
	}
	return err
}

// replaySigners resolves the keys of every provider in the set before anything is sent.
func replaySigners(o *ReplayOptions, items []delivery.Item) (map[string]delivery.Signer, error) {
	f := o.Factory
	signers := map[string]delivery.Signer{}
	for _, it := range items {
		if it.Err != nil {
			continue // reported as not sent
		}
		p := it.Provider
		if _, done := signers[p.ID]; done {
			continue
		}
		sg, note, err := replaySigner(f, &o.Keys, p, o.KeepSignature)
		if err != nil {
			return nil, err
		}
		if note != "" {
			fmt.Fprintln(f.IOStreams.ErrOut, "whk: "+note)
		}
		if note != "" {
			fmt.Fprintln(f.IOStreams.ErrOut, "whk: "+note)
		}
		signers[p.ID] = sg
	}
	return signers, nil
}

// replaySigner is how replay signs p's deliveries, and the note to say about it; with
// keep nothing is re-signed and only CM.com Sign's redacted token needs the secret.
func replaySigner(f *cmdutil.Factory, k *cmdutil.KeyFlags, p *catalog.Provider, keep bool) (delivery.Signer, string, error) {
	if keep {
		sg, err := k.RecordedSigner(f, p)
		return sg, "", err
	}
	return k.SignerNote(f, p)
}
