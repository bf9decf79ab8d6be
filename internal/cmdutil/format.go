package cmdutil

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// TextFormat is the name of the human format in every command that has several:
// lines or a table for a person, the default.
const TextFormat = "text"

// FormatFlags are --format and --json for a command with several output formats, so
// every such command words them, checks them and completes them the same way.
type FormatFlags struct {
	formats []string
	aliases map[string]string
	value   string
	json    bool
}

// AddFormatFlags adds --format (one of formats; the first is the default) and --json
// (the same as --format json) to cmd. describe says what each format is, for --help.
func AddFormatFlags(cmd *cobra.Command, formats []string, describe string) *FormatFlags {
	f := &FormatFlags{formats: formats}
	cmd.Flags().StringVar(&f.value, "format", formats[0], "output `format`: "+describe)
	cmd.Flags().BoolVar(&f.json, "json", false, "same as --format json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return f
}

// Alias accepts old as another name for format (kept so that scripts written before a
// rename go on working); it is not offered in help or completion.
func (f *FormatFlags) Alias(old, format string) *FormatFlags {
	if f.aliases == nil {
		f.aliases = map[string]string{}
	}
	f.aliases[old] = format
	return f
}

// Resolve returns the chosen format, or a usage error when --json and --format
// disagree or the format is not one of the command's.
func (f *FormatFlags) Resolve(cmd *cobra.Command) (string, error) {
	value := f.value
	if to, ok := f.aliases[value]; ok {
		value = to
	}
	if f.json {
		if cmd.Flags().Changed("format") && value != "json" {
			return "", WithHint(fmt.Errorf("--json and --format %s disagree", f.value), "drop one of them")
		}
		return "json", nil
	}
	if !slices.Contains(f.formats, value) {
		return "", WithHint(fmt.Errorf("unknown format %q", f.value), "choose one of: "+strings.Join(f.formats, ", "))
	}
	return value, nil
}
