// Package cli is whk's cobra command tree: one file per verb, each a constructor that
// fills an options struct and a run function that holds the logic.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

// Main runs whk with the process's arguments and streams and returns the exit status.
func Main() int {
	ios := iostreams.System()
	f := cmdutil.New(ios)
	// The signals stay caught until the process exits (main calls os.Exit next): the
	// first one cancels the context and the command winds down (listen drains and
	// flushes its records). A copy of it arriving at once, such as the one `timeout`
	// sends to the process group, is ignored; a second Ctrl-C a moment later is a
	// user who does not want to wait, and exits at once.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go forceQuit(sigs, cancel, ios.ErrOut)
	return Run(ctx, f, os.Args[1:])
}

// forceQuitAfter is how long after the first signal a second one means "stop now".
const forceQuitAfter = time.Second

func forceQuit(sigs <-chan os.Signal, cancel context.CancelFunc, errOut io.Writer) {
	<-sigs
	first := time.Now()
	cancel()
	for range sigs {
		if time.Since(first) >= forceQuitAfter {
			fmt.Fprintln(errOut, "whk: interrupted again: exiting without waiting")
			os.Exit(cmdutil.ExitCode(cmdutil.ErrInterrupted))
		}
	}
}

// Run executes the command tree with args and returns the exit status; errors are
// printed as one `whk: error:` line.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	err := root.ExecuteContext(ctx)
	var loss *cmdutil.LossError
	if err != nil && ctx.Err() != nil && !errors.Is(err, cmdutil.ErrInterrupted) && !errors.As(err, &loss) {
		// A command cut short by Ctrl-C or SIGTERM exits 130 whatever it failed with,
		// unless it lost data on the way out (listen's records), which is exit 1.
		err = fmt.Errorf("%w: %w", cmdutil.ErrInterrupted, err)
	}
	if line := cmdutil.ErrorLine(err); line != "" {
		fmt.Fprintln(f.IOStreams.ErrOut, oneLine(line))
	}
	return cmdutil.ExitCode(err)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// NewCmdRoot builds the whk command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	var noColor bool
	root := &cobra.Command{
		Use:   "whk <command>",
		Short: "Test, sign, verify and validate contract and e-signature webhooks",
		Long: `whk works with the webhooks of Clment, Contract-as-Code, Ironclad, CM.com Sign and
Oneflow (and any Standard Webhooks sender): it knows every event each one sends, signs
and verifies deliveries exactly as the provider does, validates payloads against JSON
Schemas generated from its catalog, and sends, replays, receives and tests deliveries.`,
		Example: `  whk events list -p clment
  whk validate fixtures/
  whk schema -p ironclad workflow_launched`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if noColor {
				f.IOStreams.DisableColour()
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringP("provider", "p", "", "provider `id` (clment, contract-as-code, ironclad, cm-sign, oneflow, standard-webhooks); default $WHK_PROVIDER")
	pf.StringSliceVar(&f.CatalogDirs, "catalog", nil, "add providers or events from the catalog files in `DIR` (repeatable)")
	pf.BoolVar(&noColor, "no-color", false, "never colour the output")
	// No -v here: -v is --verbose wherever a command has one (send, listen), as in curl.
	root.Flags().Bool("version", false, "print whk's version, commit and build date")

	_ = root.RegisterFlagCompletionFunc("catalog", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})

	root.Version = VersionLine()
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(newCmdHelp())
	root.SuggestionsMinimumDistance = 2

	root.AddCommand(
		NewCmdEvents(f),
		NewCmdSchema(f, nil),
		NewCmdSign(f, nil),
		NewCmdVerify(f, nil),
		NewCmdValidate(f, nil),
		NewCmdTest(f, nil),
		NewCmdVersion(f),
		NewCmdCompletion(f, nil),
		NewCmdSend(f, nil), NewCmdReplay(f, nil),
		NewCmdListen(f, nil), NewCmdInspect(f, nil),
		NewCmdScenario(f), NewCmdCatalog(f),
	)
	WireCompletions(root, f)
	// Unknown subcommands are usage errors with a suggestion, as gh does.
	root.Args = noArgsOrUnknown
	root.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
	return root
}
