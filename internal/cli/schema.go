package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/interop"
	"github.com/whk-cli/whk/internal/schemagen"
)

// SchemaOptions are the inputs of `whk schema`.
type SchemaOptions struct {
	Catalog  *catalog.Catalog
	Provider *catalog.Provider
	Event    *catalog.Event
	OutDir   string
	Strict   bool
	// Format is json-schema (the default), openapi or asyncapi.
	Format string
	Out    io.Writer
	ErrOut io.Writer
}

// NewCmdSchema builds `whk schema`.
func NewCmdSchema(f *cmdutil.Factory, runF func(*SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{}
	cmd := &cobra.Command{
		Use:   "schema -p PROVIDER [TYPE] | --out DIR | -p PROVIDER --format openapi|asyncapi",
		Short: "Print or write the JSON Schemas generated from the catalog",
		Long: `Print the JSON Schema (draft 2020-12) of one event, or of the provider's envelope with
every known event when TYPE is omitted. With --out, write every schema (of -p P, or of
every provider) laid out as in the repository's schemas/ folder.

Schemas allow fields the catalog does not know; --strict forbids them.

--format openapi writes the provider's events as an OpenAPI 3.1 document (one entry of
"webhooks" per event: the headers the provider sends, the body schema, the example, the
statuses that acknowledge it); --format asyncapi writes an AsyncAPI 3.0 document (a
channel and a receive operation per event). 'whk catalog import' reads the OpenAPI form
back. There is no --json: every format is already JSON.`,
		Example: `  whk schema -p clment review.completed
  whk schema -p oneflow > oneflow.schema.json
  whk schema --out ./schemas
  whk schema -p clment --format openapi > clment.openapi.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Catalog()
			if err != nil {
				return err
			}
			opts.Catalog, opts.Out, opts.ErrOut = c, f.IOStreams.Out, f.IOStreams.ErrOut
			if !slices.Contains(schemaFormats, opts.Format) {
				return cmdutil.WithHint(fmt.Errorf("unknown format %q", opts.Format), "choose one of: "+strings.Join(schemaFormats, ", "))
			}
			if opts.Format != schemaFormats[0] {
				if opts.OutDir != "" || len(args) > 0 || opts.Strict {
					return cmdutil.WithHint(fmt.Errorf("--format %s describes every event of one provider and takes no TYPE, --out or --strict", opts.Format), "drop them, or drop --format")
				}
				if opts.Provider, err = f.RequireProvider(cmd); err != nil {
					return err
				}
			} else if opts.OutDir != "" {
				if len(args) > 0 {
					return cmdutil.WithHint(fmt.Errorf("--out writes every schema and takes no TYPE"), "drop TYPE, or drop --out to print one schema")
				}
				if opts.Provider, err = f.Provider(cmd); err != nil {
					return err
				}
			} else {
				if opts.Provider, err = f.RequireProvider(cmd); err != nil {
					return err
				}
				if len(args) == 1 {
					if opts.Event, err = cmdutil.Event(opts.Provider, args[0]); err != nil {
						return err
					}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runSchema(opts)
		},
	}
	cmd.Flags().StringVar(&opts.OutDir, "out", "", "write every schema under `DIR`")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "forbid fields the catalog does not know")
	// --format without --json (cmdutil.AddFormatFlags adds both): --json means NDJSON
	// items elsewhere, and a schema is one JSON document in every format. Same wording
	// and the same check as the shared helper.
	cmd.Flags().StringVar(&opts.Format, "format", schemaFormats[0], "output `format`: json-schema (draft 2020-12), openapi (OpenAPI 3.1 webhooks) or asyncapi (AsyncAPI 3.0)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(schemaFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// schemaFormats are what `whk schema` writes; the first is the default.
var schemaFormats = []string{"json-schema", "openapi", "asyncapi"}

func runSchema(o *SchemaOptions) error {
	switch o.Format {
	case "openapi", "asyncapi":
		export := interop.OpenAPI
		if o.Format == "asyncapi" {
			export = interop.AsyncAPI
		}
		v, _, _ := VersionInfo()
		b, err := export(o.Provider, orDevel(v))
		if err != nil {
			return err
		}
		_, err = o.Out.Write(b)
		return err
	}
	gen := schemagen.Options{Strict: o.Strict}
	if o.OutDir == "" {
		var (
			b   []byte
			err error
		)
		if o.Event == nil {
			b, err = schemagen.ProviderSchema(o.Provider, gen)
		} else {
			b, err = schemagen.EventSchema(o.Provider, o.Event, gen)
		}
		if err != nil {
			return err
		}
		_, err = o.Out.Write(b)
		return err
	}
	providers := o.Catalog.Providers()
	if o.Provider != nil {
		providers = []*catalog.Provider{o.Provider}
	}
	files, err := schemagen.Schemas(providers, gen)
	if err != nil {
		return err
	}
	for _, fl := range files {
		// The catalog refuses ids and types that name other places; check the joined
		// path anyway, since the path is made from a catalog's text.
		dst, err := atomicfile.JoinInside(o.OutDir, strings.TrimPrefix(fl.Path, "schemas/"))
		if err != nil {
			return err
		}
		if err := atomicfile.Write(dst, fl.Data, 0o644); err != nil {
			return cmdutil.WithHint(err, "check that --out is writable")
		}
	}
	fmt.Fprintf(o.ErrOut, "wrote %d schemas to %s\n", len(files), o.OutDir)
	return nil
}

// orDevel is the version a document names: whk's, or "devel" for an unstamped build.
func orDevel(v string) string {
	if v == "" {
		return "devel"
	}
	return v
}
