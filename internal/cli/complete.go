package cli

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
)

// CompleteProviders completes provider ids and aliases, from the built-in catalog plus the
// --catalog directories given on the command line so far. Register it on a flag:
//
//	cmd.RegisterFlagCompletionFunc("provider", cli.CompleteProviders(f))
//
// The root command does this for the persistent -p/--provider already.
func CompleteProviders(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return ProviderCompletions(c, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// ProviderCompletions lists "id\tName" for every provider and "alias\tName (alias of id)"
// for every alias that starts with prefix.
func ProviderCompletions(c *catalog.Catalog, prefix string) []string {
	var out []string
	for _, p := range c.Providers() {
		if strings.HasPrefix(p.ID, prefix) {
			out = append(out, p.ID+"\t"+p.Name)
		}
		for _, a := range p.Aliases {
			if strings.HasPrefix(a, prefix) {
				out = append(out, a+"\t"+p.Name+" (alias of "+p.ID+")")
			}
		}
	}
	return out
}

// CompleteEventTypes completes the event types of the provider chosen by -p or
// $WHK_PROVIDER; with no provider (or an unknown one), the types of every provider. Use it
// for flags such as --type and --event:
//
//	cmd.RegisterFlagCompletionFunc("type", cli.CompleteEventTypes(f))
func CompleteEventTypes(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var p *catalog.Provider
		if name := f.ProviderName(cmd); name != "" {
			p, _ = c.Provider(name)
		}
		return EventTypeCompletions(c, p, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteEventTypeArg is CompleteEventTypes for a command whose first positional
// argument is an event type (events show, schema, send); later arguments get no
// completion. Set it as the command's ValidArgsFunction.
func CompleteEventTypeArg(f *cmdutil.Factory) cobra.CompletionFunc {
	types := CompleteEventTypes(f)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return types(cmd, args, toComplete)
	}
}

// EventTypeCompletions lists "type\tsummary" for p's events that start with prefix. With
// p nil it lists every provider's types once each, described by the providers that send them.
func EventTypeCompletions(c *catalog.Catalog, p *catalog.Provider, prefix string) []string {
	var out []string
	if p != nil {
		for _, e := range p.Events {
			if strings.HasPrefix(e.Type, prefix) {
				out = append(out, e.Type+"\t"+oneLineSummary(e))
			}
		}
		return out
	}
	senders := map[string][]string{}
	for _, p := range c.Providers() {
		for _, e := range p.Events {
			if strings.HasPrefix(e.Type, prefix) {
				senders[e.Type] = append(senders[e.Type], p.ID)
			}
		}
	}
	for t, ps := range senders {
		out = append(out, t+"\t"+strings.Join(ps, ", "))
	}
	sort.Strings(out)
	return out
}

// oneLineSummary keeps a completion description on one line: a tab or newline would
// break the shell scripts' "value<TAB>description" protocol.
func oneLineSummary(e *catalog.Event) string {
	return strings.Join(strings.Fields(e.Summary()), " ")
}

// WireCompletions gives every command under root the completions whk knows how to make,
// where the command has not registered its own: -p/--provider completes providers,
// --type and --event complete event types, and a first positional argument named EVENT
// or TYPE in the command's Use line ("send [EVENT] -p P", "show TYPE") completes event
// types. NewCmdRoot calls it once the tree is built, so commands added later get it too.
func WireCompletions(root *cobra.Command, f *cmdutil.Factory) {
	byFlag := map[string]cobra.CompletionFunc{
		"provider": CompleteProviders(f),
		"type":     CompleteEventTypes(f),
		"event":    CompleteEventTypes(f),
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range byFlag {
			if c.Flags().Lookup(name) == nil && c.PersistentFlags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		if c.ValidArgsFunction == nil && len(c.ValidArgs) == 0 && firstArgIsEventType(c.Use) {
			c.ValidArgsFunction = CompleteEventTypeArg(f)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// firstArgIsEventType reads a Use line: is its first positional argument (not a flag, not
// a flag's value) EVENT or TYPE?
func firstArgIsEventType(use string) bool {
	words := strings.Fields(use)
	for i := 1; i < len(words); i++ {
		w := strings.Trim(words[i], "[]<>.")
		switch {
		case strings.HasPrefix(w, "-"):
			if !strings.Contains(w, "=") {
				i++ // skip the flag's value, as in "-p PROVIDER"
			}
		case w == "|":
		default:
			return w == "EVENT" || w == "TYPE"
		}
	}
	return false
}
