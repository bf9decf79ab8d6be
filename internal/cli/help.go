package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/whk-cli/whk/internal/cmdutil"
)

// newCmdHelp builds `whk help [command]`, which prints the same text as `command --help`
// and, unlike cobra's default, treats an unknown topic as a usage error with a suggestion.
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  `Print the help of any command: 'whk help events show' is 'whk events show --help'.`,
		Example: `  whk help
  whk help events show`,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, sub.Name()+"\t"+sub.Short)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil {
				return cmdutil.WithHint(err, "see 'whk --help'")
			}
			if len(rest) > 0 {
				return noArgsOrUnknown(cmd, rest)
			}
			// As cobra's own help command does: -h and --version only exist once initialised.
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}

// flagError turns pflag's parse errors into usage errors; an unknown long flag gets the
// closest flag of the command as its hint, as git and gh do for commands.
func flagError(cmd *cobra.Command, err error) error {
	hint := "see '" + cmd.CommandPath() + " --help'"
	if strings.HasPrefix(err.Error(), "unknown shorthand flag: 'v'") {
		hint = "-v is --verbose, on send and listen; the version is 'whk --version' or 'whk version'"
	}
	if name, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
		if s := closestFlag(cmd.Flags(), name); s != "" {
			hint = "did you mean --" + s + "?"
		}
	}
	return cmdutil.WithHint(err, hint)
}

// closestFlag returns the visible flag nearest to name (see cmdutil.Closest); "" when
// none is close.
func closestFlag(fs *pflag.FlagSet, name string) string {
	var names []string
	// VisitAll goes in lexical order, so ties go to the first name alphabetically.
	fs.VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && fl.Deprecated == "" {
			names = append(names, fl.Name)
		}
	})
	return cmdutil.Closest(name, names)
}
