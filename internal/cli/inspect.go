package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/inspector"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/record"
)

// InspectOptions are the inputs of `whk inspect`.
type InspectOptions struct {
	IO      *iostreams.IOStreams
	Ctx     context.Context
	Factory *cmdutil.Factory
	Paths   []string
	SaveDir string
	Target  string
	// Keys sign what r and e send, as replay's do.
	Keys cmdutil.KeyFlags
}

// NewCmdInspect builds `whk inspect [PATH...]`.
func NewCmdInspect(f *cmdutil.Factory, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "inspect [PATH|-]...",
		Short: "Browse recorded deliveries in a terminal UI",
		Long: `Open recorded deliveries in a full-screen terminal UI: the directory written by
'whk listen --record' (searched recursively for *.json, *.ndjson, *.jsonl and *.har), the
NDJSON of 'whk listen --json' (a file, or - for stdin), single record files, or HAR
captures (listen --record FILE.har keeps its verdicts; a browser's capture shows each
entry that has a body).

The list shows one row per delivery, newest last: time, provider, type, delivery id, the
signature and schema verdicts, a duplicate mark and the answer's status. Enter opens the
detail (headers, the body as indented JSON with schema errors marked, the verdicts, the
answer; b shows the raw bytes), / filters as you type (a type glob, a provider or a
verdict word), d diffs two deliveries, c shows one as a curl command or a 'whk send'
line, s saves one as a record file in --save-dir, ? lists every key.

r sends the selected delivery again to --to, re-signed by the engine of 'whk replay'
with --secret-file, --secret, $WHK_SECRET or --private-key (ids and timestamps kept, as
a provider's retry keeps them); R sends it byte for byte, headers and body as
recorded. e opens its body in $VISUAL or $EDITOR, then re-signs and sends what the
editor left (nothing when it is unchanged or empty). The answer's status and time show
in the status line and the delivery's detail. 'whk listen --ui' opens the same UI over
the deliveries it receives, and sends again to --forward-to.

When stdout is not a terminal the list is printed instead, one line per delivery.`,
		Example: `  whk inspect rec/
  whk inspect deliveries.ndjson --save-dir fixtures/
  whk inspect rec/ --to localhost:3000/webhooks --secret-file clment.secret
  whk inspect rec/ | grep schema=invalid`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Paths = args
			if len(args) == 0 {
				return cmdutil.WithHint(errors.New("no recordings given"), "pass the directory of 'whk listen --record', an NDJSON file, or - for stdin")
			}
			if runF != nil {
				return runF(opts)
			}
			return runInspect(opts)
		},
	}
	cmd.Flags().StringVar(&opts.SaveDir, "save-dir", ".", "directory `s` saves record files into")
	cmd.Flags().StringVar(&opts.Target, "to", "", "send r, R and e to `URL` (no scheme means http://), which c's commands post to too (default: listen's address and the recorded path)")
	cmdutil.AddSigningKeyFlags(cmd, &opts.Keys)
	return cmd
}

func runInspect(o *InspectOptions) error {
	recs, err := readRecordings(o.Paths, o.IO.In, cmdutil.DefaultMaxInput)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return cmdutil.WithHint(errors.New("no delivery records in "+strings.Join(o.Paths, " ")), "record some with 'whk listen --record DIR' or 'whk listen --json'")
	}
	if !o.IO.IsStdoutTTY() {
		return inspector.WriteList(o.IO.Out, recs)
	}
	if st, err := os.Stat(o.SaveDir); err != nil || !st.IsDir() {
		return cmdutil.Usagef("--save-dir %s is not a directory", o.SaveDir)
	}
	if o.Target != "" {
		if o.Target, err = cmdutil.HTTPURL("--to", o.Target); err != nil {
			return err
		}
	}
	c, err := o.Factory.Catalog()
	if err != nil {
		return err
	}
	m := inspector.New(recs, inspector.Options{Colour: o.IO.ColourEnabled(), SaveDir: o.SaveDir, Target: o.Target,
		Replayer: inspectorReplayer(o.Factory, &o.Keys, c)})
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithOutput(o.IO.Out), tea.WithContext(o.Ctx)}
	// Keys come from the terminal even when stdin carried the recordings.
	opts = append(opts, tea.WithInputTTY())
	final, err := tea.NewProgram(m, opts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && o.Ctx.Err() != nil {
		return cmdutil.ErrInterrupted
	}
	if fm, ok := final.(*inspector.Model); ok && err == nil && fm.Copied() != "" {
		// The pane wraps long commands; printed after the UI the command is whole.
		fmt.Fprintln(o.IO.Out, fm.Copied())
	}
	return err
}

// inspectorReplayer sends the inspector's deliveries again as whk replay sends them,
// each provider's signer resolved once per mode, on first use.
func inspectorReplayer(f *cmdutil.Factory, k *cmdutil.KeyFlags, c *catalog.Catalog) *inspector.Replayer {
	type mode struct {
		provider string
		keep     bool
	}
	type signer struct {
		sg   delivery.Signer
		note string
		err  error
	}
	var mu sync.Mutex
	signers := map[mode]signer{}
	return &inspector.Replayer{Catalog: c, Now: f.Now, Signer: func(p *catalog.Provider, keep bool) (delivery.Signer, string, error) {
		mu.Lock()
		defer mu.Unlock()
		s, ok := signers[mode{p.ID, keep}]
		if !ok {
			s.sg, s.note, s.err = replaySigner(f, k, p, keep)
			signers[mode{p.ID, keep}] = s
		}
		return s.sg, s.note, s.err
	}}
}

// readRecordings reads the delivery records in paths through internal/input, as
// validate and replay find and read deliveries: files holding one record or NDJSON of
// them, directories walked for *.json, *.ndjson and *.jsonl (hidden directories and
// non-regular files skipped), HAR captures (each entry that is a delivery; listen's
// own HAR keeps the verdicts), and - for stdin. Lines that are not delivery records
// (listen's ready line, plain bodies) are skipped.
func readRecordings(paths []string, stdin io.Reader, maxSize int64) ([]*record.Record, error) {
	var recs []*record.Record
	parse := func(source string, b []byte) error {
		switch input.Sniff(b) {
		case input.HAR:
			entries, err := record.ParseHAR(b)
			if err != nil {
				return fmt.Errorf("%s: %w", source, err)
			}
			for _, e := range entries {
				if e.Err == nil { // an entry that is not a delivery (a page's GET) is skipped
					recs = append(recs, e.Record)
				}
			}
			return nil
		case input.Lines:
		default:
			if one, err := record.Parse(bytes.TrimSpace(b)); err == nil {
				recs = append(recs, one)
			}
			return nil
		}
		for _, l := range input.SplitLines(b) {
			r, err := record.Parse(l.Data)
			switch {
			case errors.Is(err, record.ErrNotRecord):
			case err != nil:
				return fmt.Errorf("%s:%d: %w", source, l.N, err)
			default:
				recs = append(recs, r)
			}
		}
		return nil
	}
	readFile := func(p string) error {
		b, err := input.ReadFile(p, maxSize)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return parse(p, b)
	}
	for _, p := range paths {
		var err error
		switch st, serr := os.Stat(p); {
		case p == "-":
			var b []byte
			if b, err = input.ReadAll(stdin, maxSize); err == nil {
				err = parse("stdin", b)
			} else {
				err = fmt.Errorf("stdin: %w", err)
			}
		case serr != nil:
			err = serr
		case !st.IsDir():
			err = readFile(p)
		default:
			input.Walk(p, func(path string) bool {
				err = readFile(path)
				return err == nil
			}, func(path string, werr error) bool {
				err = werr
				return false
			})
		}
		if err != nil {
			return nil, cmdutil.WithHint(err, "")
		}
	}
	return recs, nil
}
