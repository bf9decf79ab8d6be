package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/cmdutil"
)

// Shells are the shells `whk completion` writes scripts for.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// CompletionOptions are the inputs of `whk completion`.
type CompletionOptions struct {
	Shell string
	Root  *cobra.Command
	Out   io.Writer
}

// NewCmdCompletion builds `whk completion SHELL`. It replaces cobra's hidden default so the
// command shows in help and docs, with install steps for each shell.
func NewCmdCompletion(f *cmdutil.Factory, runF func(*CompletionOptions) error) *cobra.Command {
	opts := &CompletionOptions{}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes your shell complete whk's commands, flags, provider ids
(-p, including providers added with --catalog DIR) and event types (of the provider
given with -p, or of every provider).

Bash (needs the bash-completion package), for every new shell:

    whk completion bash > ~/.local/share/bash-completion/completions/whk

or for the current shell only:

    source <(whk completion bash)

Zsh (~/.zshrc must run compinit: autoload -U compinit && compinit):

    whk completion zsh > "${fpath[1]}/_whk"

Fish:

    whk completion fish > ~/.config/fish/completions/whk.fish

PowerShell, for every new session:

    whk completion powershell >> $PROFILE

Open a new shell afterwards. Release archives carry the four scripts in completions/.`,
		Example: `  whk completion bash > ~/.local/share/bash-completion/completions/whk
  whk completion zsh > "${fpath[1]}/_whk"
  whk completion fish > ~/.config/fish/completions/whk.fish
  whk completion powershell >> $PROFILE`,
		ValidArgs: Shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.WithHint(fmt.Errorf("%s takes one shell, got %d arguments", cmd.CommandPath(), len(args)), "name one of: bash, zsh, fish, powershell")
			}
			return nil
		},
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell, opts.Root, opts.Out = args[0], cmd.Root(), f.IOStreams.Out
			if runF != nil {
				return runF(opts)
			}
			return runCompletion(opts)
		},
	}
	return cmd
}

func runCompletion(o *CompletionOptions) error {
	switch o.Shell {
	case "bash":
		return o.Root.GenBashCompletionV2(o.Out, true)
	case "zsh":
		return o.Root.GenZshCompletion(o.Out)
	case "fish":
		return o.Root.GenFishCompletion(o.Out, true)
	case "powershell":
		return o.Root.GenPowerShellCompletionWithDesc(o.Out)
	}
	return cmdutil.WithHint(fmt.Errorf("unknown shell %q", o.Shell), "name one of: bash, zsh, fish, powershell")
}
