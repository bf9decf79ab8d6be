package cmdutil

import (
	"testing"

	"github.com/spf13/cobra"
)

func TestFormatFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{"default is the first format", nil, "text", ""},
		{"--format picks one", []string{"--format", "junit"}, "junit", ""},
		{"--json is --format json", []string{"--json"}, "json", ""},
		{"--json with --format json agree", []string{"--json", "--format", "json"}, "json", ""},
		{"--json with another --format disagree", []string{"--json", "--format", "junit"}, "", "whk: error: --json and --format junit disagree (drop one of them)"},
		{"unknown format names the choices", []string{"--format", "xml"}, "", `whk: error: unknown format "xml" (choose one of: text, json, junit)`},
		{"an old name still works", []string{"--format", "table"}, "text", ""},
		{"an old name that disagrees with --json is named as typed", []string{"--format", "table", "--json"}, "", "whk: error: --json and --format table disagree (drop one of them)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := &cobra.Command{Use: "x"}
			ff := AddFormatFlags(cmd, []string{"text", "json", "junit"}, "text, json or junit").Alias("table", "text")
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			got, err := ff.Resolve(cmd)
			if line := ErrorLine(err); line != tt.wantErr {
				t.Fatalf("error line %q, want %q", line, tt.wantErr)
			}
			if err == nil && ExitCode(err) != 0 || err != nil && ExitCode(err) != ExitUsage {
				t.Errorf("exit code %d for %v", ExitCode(err), err)
			}
			if got != tt.want {
				t.Errorf("format %q, want %q", got, tt.want)
			}
		})
	}
}
