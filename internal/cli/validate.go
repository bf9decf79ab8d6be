package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/validation"
)

// ValidateOptions are the inputs of `whk validate`.
type ValidateOptions struct {
	Catalog           *catalog.Catalog
	Provider          *catalog.Provider // nil: detect per item
	Type              string
	AllowUnknownTypes bool
	Strict            bool
	Format            string
	Paths             []string

	Ctx    context.Context
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	Colour bool
	Now    func() time.Time
}

// NewCmdValidate builds `whk validate [PATH|-]...`.
func NewCmdValidate(f *cmdutil.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{}
	var format *cmdutil.FormatFlags
	cmd := &cobra.Command{
		Use:   "validate [PATH|-]...",
		Short: "Check webhook payloads against the catalog's schemas",
		Long: `Check deliveries against the JSON Schema of their event: JSON files, directories
(recursively: *.json, *.ndjson, *.jsonl; hidden directories and files that are not
regular files are skipped), NDJSON streams with one delivery per line, - for stdin, and
the delivery records of 'whk listen --record' or '--json' (the body inside is checked;
the record's provider is used, else its headers help detection). A file, document or
line over 10 MiB is an invalid item.

The provider and event type are detected for each item from the body's shape (and a
record's headers); -p and --type force them. Oneflow deliveries carry several events:
each events[].type must be known. An event type the catalog does not know fails unless
--allow-unknown-types. Fields the catalog does not know are warnings, or failures with
--strict: both help to spot schema drift early.

Formats: text (one line per problem, PATH[:LINE]: PROVIDER TYPE: /json/pointer: message),
json (one object per item), junit (JUnit XML for CI) and github (workflow annotations).
A summary goes to stderr. Exit status: 0 all valid, 1 any invalid or unparsable item,
2 usage error or unreadable path.`,
		Example: `  whk validate fixtures/
  whk validate --strict --format github payloads/
  whk listen --json | whk validate -
  whk validate -p clment --type review.completed --json capture.ndjson`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.WithHint(errors.New("nothing to validate"), "name files or directories, or - for stdin")
			}
			var err error
			if opts.Format, err = format.Resolve(cmd); err != nil {
				return err
			}
			c, p, err := f.CatalogAndProvider(cmd)
			if err != nil {
				return err
			}
			opts.Provider = p
			if opts.Provider != nil && opts.Type != "" {
				if _, err := cmdutil.Event(opts.Provider, opts.Type); err != nil {
					return err
				}
			}
			opts.Catalog, opts.Paths = c, args
			opts.Ctx = cmd.Context()
			opts.In, opts.Out, opts.ErrOut = f.Stdin(cmd.Context()), f.IOStreams.Out, f.IOStreams.ErrOut
			opts.Colour = f.IOStreams.ColourEnabled() && opts.Format == cmdutil.TextFormat
			opts.Now = f.Now
			if runF != nil {
				return runF(opts)
			}
			return runValidate(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Type, "type", "", "check every item as this event `TYPE` instead of detecting it")
	fl.BoolVar(&opts.AllowUnknownTypes, "allow-unknown-types", false, "accept event types the catalog does not know (checked against the envelope only)")
	fl.BoolVar(&opts.Strict, "strict", false, "fail on fields the catalog does not know (default: warn)")
	format = cmdutil.AddFormatFlags(cmd, render.ValidateFormats, "text, json, junit or github")
	return cmd
}

// validateMemoryLimit is the soft memory limit during a run (see runValidate).
const validateMemoryLimit = 40 << 20

func runValidate(o *ValidateOptions) error {
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	out, err := render.NewValidateRenderer(o.Format, o.Out, o.Colour)
	if err != nil {
		return cmdutil.WithHint(err, "see 'whk validate --help'")
	}
	checker := validation.NewChecker(validation.Options{
		Catalog:           o.Catalog,
		Provider:          o.Provider,
		Type:              o.Type,
		AllowUnknownTypes: o.AllowUnknownTypes,
		Strict:            o.Strict,
	})
	// Checking allocates many small, short-lived values while the live heap stays a few
	// megabytes (bounded by the pipeline): collecting less often saves a tenth of the CPU.
	// The soft memory limit makes the runtime collect and return memory sooner on long
	// streams, so peak memory stays small whatever the input size.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(validateMemoryLimit))
	start := now()
	st, err := validation.Run(ctx, checker, validation.Config{Paths: o.Paths, Stdin: o.In, Idle: out.Flush}, out.Result)
	var pe *validation.PathError
	if errors.As(err, &pe) {
		return cmdutil.WithHint(pe, "check the path")
	}
	elapsed := now().Sub(start)
	if endErr := out.End(st, elapsed); err == nil {
		err = endErr
	}
	fmt.Fprintln(o.ErrOut, render.ValidateSummary(st, elapsed))
	switch {
	case err != nil && ctx.Err() != nil:
		return cmdutil.ErrInterrupted
	case err != nil:
		return err
	case st.Unreadable > 0:
		return cmdutil.WithHint(fmt.Errorf("%d of the paths could not be read", st.Unreadable), "see the errors above")
	case st.Checked == 0 && !slices.Contains(o.Paths, "-"):
		return cmdutil.WithHint(errors.New("nothing to validate: no *.json, *.ndjson or *.jsonl files found"), "name files, or directories that hold them")
	case st.Invalid > 0:
		return cmdutil.ErrCheckFailed
	}
	return nil
}
