package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/render"
)

// NewCmdEvents builds `whk events` and its list and show subcommands.
func NewCmdEvents(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events <command>",
		Short: "List and describe the events each provider sends",
		Long: `List the event types each provider sends, and describe one: its fields (type, required,
nullable, enum, format) and an example payload from the provider's documents. Events
whose payload a provider does not document are listed as such. --catalog DIR adds your
own providers and events.`,
		Example: `  whk events list -p clment
  whk events show review.completed -p clment`,
		Args: noArgsOrUnknown,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdEventsList(f, nil), NewCmdEventsShow(f, nil))
	return cmd
}

// noArgsOrUnknown rejects a mistyped subcommand as a usage error.
func noArgsOrUnknown(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := "see '" + cmd.CommandPath() + " --help'"
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = "did you mean '" + s[0] + "'?"
	}
	return cmdutil.WithHint(fmt.Errorf("unknown command %q for %s", args[0], cmd.CommandPath()), hint)
}

// EventsListOptions are the inputs of `whk events list`.
type EventsListOptions struct {
	Catalog  *catalog.Catalog
	Provider *catalog.Provider // nil: every provider
	JSON     bool
	Out      io.Writer
	// Width is the terminal's width: descriptions are cut to fit (0: no limit).
	Width int
}

// NewCmdEventsList builds `whk events list`.
func NewCmdEventsList(f *cmdutil.Factory, runF func(*EventsListOptions) error) *cobra.Command {
	opts := &EventsListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every event of every provider (or of -p P)",
		Long: `List every event of every provider, or of the provider given with -p: provider, type,
whether its payload is documented, and a one-line description. With --json, one
{"provider","type","description","documented"} object per line.`,
		Example: `  whk events list
  whk events list -p oneflow
  whk events list --json | jq -r 'select(.documented == false) | .type'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, err := f.CatalogAndProvider(cmd)
			if err != nil {
				return err
			}
			opts.Provider = p
			opts.Catalog, opts.Out, opts.Width = c, f.IOStreams.Out, f.IOStreams.TerminalWidth()
			if runF != nil {
				return runF(opts)
			}
			return runEventsList(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object per event")
	return cmd
}

func runEventsList(o *EventsListOptions) error {
	providers := o.Catalog.Providers()
	if o.Provider != nil {
		providers = []*catalog.Provider{o.Provider}
	}
	var rows []render.EventRow
	for _, p := range providers {
		for _, e := range p.Events {
			rows = append(rows, render.EventRow{Provider: p.ID, Type: e.Type, Documented: e.Documented, Description: e.Summary()})
		}
	}
	if o.JSON {
		return render.EventsJSON(o.Out, rows)
	}
	return render.EventsTable(o.Out, rows, o.Width)
}

// EventsShowOptions are the inputs of `whk events show`.
type EventsShowOptions struct {
	Provider *catalog.Provider
	Event    *catalog.Event
	JSON     bool
	Out      io.Writer
}

// NewCmdEventsShow builds `whk events show TYPE -p P`.
func NewCmdEventsShow(f *cmdutil.Factory, runF func(*EventsShowOptions) error) *cobra.Command {
	opts := &EventsShowOptions{}
	cmd := &cobra.Command{
		Use:   "show TYPE -p PROVIDER",
		Short: "Describe one event: its fields and an example payload",
		Long: `Describe one event of the provider given with -p (without -p, of the one provider that
sends that type): its description, every field of the
envelope and the payload as a dotted path (type, required, nullable, enum, format), the
rules that tie fields together, and the example payload. With --json, all of it as one
JSON object.`,
		Example: `  whk events show review.completed -p clment
  whk events show contract:publish -p oneflow --json`,
		Args: exactArgs(1, "name one event type"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.ProviderForEvent(cmd, args[0])
			if err != nil {
				return err
			}
			if opts.Event, err = cmdutil.Event(p, args[0]); err != nil {
				return err
			}
			opts.Provider, opts.Out = p, f.IOStreams.Out
			if runF != nil {
				return runF(opts)
			}
			return runEventsShow(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the description, fields and example as one JSON object")
	return cmd
}

// exactArgs is cobra.ExactArgs with whk's usage error and a hint.
func exactArgs(n int, hint string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return cmdutil.WithHint(fmt.Errorf("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args)), hint)
		}
		return nil
	}
}

func runEventsShow(o *EventsShowOptions) error {
	if o.JSON {
		return render.EventShowJSON(o.Out, o.Provider, o.Event)
	}
	return render.EventShow(o.Out, o.Provider, o.Event)
}
