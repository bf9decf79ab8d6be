package cmdutil

import (
	"testing"

	"github.com/spf13/cobra"
)

func TestCatalogAndProvider(t *testing.T) {
	tests := []struct {
		name     string
		flag     string // -p's value, "" = not given
		env      string // $WHK_PROVIDER
		provider string // the id resolved, "" = none
		wantErr  bool
	}{
		{"no provider named", "", "", "", false},
		{"-p by alias", "stdwh", "", "standard-webhooks", false},
		{"$WHK_PROVIDER", "", "clment", "clment", false},
		{"unknown provider", "nosuch", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Factory{Getenv: func(k string) string {
				if k == "WHK_PROVIDER" {
					return tt.env
				}
				return ""
			}}
			cmd := &cobra.Command{Use: "x"}
			cmd.Flags().StringP("provider", "p", "", "")
			if tt.flag != "" {
				if err := cmd.Flags().Set("provider", tt.flag); err != nil {
					t.Fatal(err)
				}
			}
			c, p, err := f.CatalogAndProvider(cmd)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if c == nil {
				t.Fatal("no catalog")
			}
			got := ""
			if p != nil {
				got = p.ID
			}
			if got != tt.provider {
				t.Fatalf("provider %q, want %q", got, tt.provider)
			}
		})
	}
}
