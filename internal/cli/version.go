package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

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
			// "v1.2.3" from go install; releases stamp "1.2.3": print both the same way.
			v = strings.TrimPrefix(bi.Main.Version, "v")
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

// VersionLine is what `whk version` and `whk --version` print.
func VersionLine() string {
	v, c, d := VersionInfo()
	return fmt.Sprintf("whk %s (commit %s, built %s)", v, c, d)
}

// NewCmdVersion builds `whk version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print whk's version, commit and build date",
		Long: `Print whk's version, the commit it was built from and the build date. Release builds
have them stamped in; a build from source (go install, go build) takes them from the
module and version-control information Go records, and says "unknown" where there is none.`,
		Example: `  whk version
  whk --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(f.IOStreams.Out, VersionLine())
			return err
		},
	}
}
