package cmdutil

import (
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/iostreams"
)

func TestSigner(t *testing.T) {
	c := catalog.MustBuiltin()
	tests := []struct {
		name     string
		provider string
		secret   string
		recorded bool
		unsigned bool   // the Unsigned scheme, not the provider's
		note     string // on stderr, "" = nothing
		wantErr  bool
	}{
		{"a secret signs", "clment", "s3cret", false, false, "", false},
		{"no secret is a usage error", "clment", "", false, false, "", true},
		{"Oneflow without a key sends unsigned and says so", "oneflow", "", false, true, "sending unsigned", false},
		{"Oneflow with a key signs", "oneflow", "s3cret", false, false, "", false},
		{"a recording needs no secret", "cm-sign", "", true, false, "", false},
		{"a recording takes the token when given", "cm-sign", "tok", true, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, errOut := iostreams.Test()
			f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
			p, err := c.Provider(tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			k := &KeyFlags{SecretFlags: SecretFlags{Value: tt.secret}}
			signer := k.Signer
			if tt.recorded {
				signer = k.RecordedSigner
			}
			sg, err := signer(f, p)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, want %v", tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, isUnsigned := sg.Scheme.(delivery.Unsigned); isUnsigned != tt.unsigned {
				t.Fatalf("scheme %T, unsigned want %v", sg.Scheme, tt.unsigned)
			}
			if !tt.unsigned && string(sg.Keys.Secret) != tt.secret {
				t.Fatalf("secret %q, want %q", sg.Keys.Secret, tt.secret)
			}
			if got := errOut.String(); (tt.note == "") != (got == "") || !strings.Contains(got, tt.note) {
				t.Fatalf("stderr %q, want %q", got, tt.note)
			}
		})
	}
}
