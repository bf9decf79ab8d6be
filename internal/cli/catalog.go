package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/interop"
)

// NewCmdCatalog builds `whk catalog`, which holds commands on catalog files.
func NewCmdCatalog(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog <command>",
		Short: "Make catalog files for --catalog from other descriptions",
		Long: `Commands on catalog files, the provider and event descriptions --catalog DIR adds to
the built-in catalog. 'whk catalog import' writes one from an OpenAPI description's
webhooks; 'whk schema --format openapi' writes the other direction.`,
		Example: `  whk catalog import acme.openapi.json --provider acme --scheme hmac-sha256 --out catalog/acme.json
  whk --catalog catalog validate -p acme deliveries/`,
		Args: noArgsOrUnknown,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdCatalogImport(f, nil))
	return cmd
}

// CatalogImportOptions are the inputs of `whk catalog import`.
type CatalogImportOptions struct {
	File    string
	Import  interop.ImportOptions
	OutFile string
	Out     io.Writer
	ErrOut  io.Writer
}

// maxImportFile bounds the OpenAPI document read; published descriptions with
// webhooks (GitHub's is the largest known) are under 16 MiB.
const maxImportFile = 32 << 20

// NewCmdCatalogImport builds `whk catalog import`.
func NewCmdCatalogImport(f *cmdutil.Factory, runF func(*CatalogImportOptions) error) *cobra.Command {
	opts := &CatalogImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE --provider ID --scheme NAME",
		Short: "Turn an OpenAPI description's webhooks into a catalog file",
		Long: `Read the "webhooks" of an OpenAPI 3.1 document (or "x-webhooks" of a 3.0 one), in JSON,
and write a catalog file for --catalog: one event per webhook, named after it, with the
operation's description, the request body's schema as given (references to
#/components/schemas resolved; any other reference is an error) and its example as the
fixture. The event type's place in the body is found from the schemas (the property each
one pins to the webhook's name) or given with --type-at.

An id the built-in catalog knows adds or replaces that provider's events; a new id is a
new provider with the scheme named: edit the file for its signature header, prefix and
encoding where the scheme needs them.`,
		Example: `  whk catalog import acme.openapi.json --provider acme --scheme hmac-sha256 --out catalog/acme.json
  whk --catalog catalog events list -p acme`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.Out, opts.ErrOut = args[0], f.IOStreams.Out, f.IOStreams.ErrOut
			if opts.Import.Provider == "" {
				id, _ := cmd.Flags().GetString("provider")
				opts.Import.Provider = id
			}
			if opts.Import.Provider == "" {
				return cmdutil.WithHint(fmt.Errorf("no provider id given"), "name the provider the file describes with --provider ID")
			}
			if opts.Import.Scheme == "" {
				return cmdutil.WithHint(fmt.Errorf("no scheme given"), "choose one of: "+strings.Join(catalog.Schemes, ", "))
			}
			opts.Import.Source = filepath.Base(opts.File)
			if runF != nil {
				return runF(opts)
			}
			return runCatalogImport(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Import.Scheme, "scheme", "", "the provider's signing `scheme`: "+strings.Join(catalog.Schemes, ", "))
	cmd.Flags().StringVar(&opts.Import.TypeAt, "type-at", "", "JSON `pointer` to the event type in a body (default: found from the schemas)")
	cmd.Flags().StringVar(&opts.Import.IDAt, "id-at", "", "JSON `pointer` (or header:Name) to the delivery id (default /id)")
	cmd.Flags().StringVar(&opts.OutFile, "out", "", "write the catalog file to `FILE` (atomically) instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(catalog.Schemes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCatalogImport(o *CatalogImportOptions) error {
	data, err := input.ReadFile(o.File, maxImportFile)
	if err != nil {
		return cmdutil.WithHint(err, "check the path")
	}
	p, err := interop.Import(data, o.Import)
	if err != nil {
		return cmdutil.Usagef("%s: %w", o.File, err)
	}
	b, err := interop.File(p)
	if err != nil {
		return err
	}
	if err := interop.CheckFile(b); err != nil {
		return cmdutil.Usagef("%s: the catalog file would not load: %w", o.File, err)
	}
	if o.OutFile == "" {
		_, err = o.Out.Write(b)
		return err
	}
	if err := atomicfile.Write(o.OutFile, b, 0o644); err != nil {
		return cmdutil.WithHint(err, "check that the directory of --out exists and is writable")
	}
	fmt.Fprintf(o.ErrOut, "wrote %d events of %s to %s\n", len(p.Events), p.ID, o.OutFile)
	return nil
}
