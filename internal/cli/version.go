package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/cmdutil"
)

// Set by the release build with -ldflags "-X github.com/whk-cli/whk/internal/cli.version=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// VersionInfo returns version, commit and date, falling back to the module build info.
func VersionInfo() (v, c, d string) {
	v, c, d = version, commit, date
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return v, c, d
}

// NewCmdVersion builds `whk version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print whk's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v, c, d := VersionInfo()
			_, err := fmt.Fprintf(f.IOStreams.Out, "whk %s (commit %s, built %s)\n", v, c, d)
			return err
		},
	}
}
