package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

func TestProviderCompletions(t *testing.T) {
	c := catalog.MustBuiltin()
	tests := []struct {
		name, prefix string
		want         []string
	}{
		{"ids and aliases starting with c", "c", []string{"clment\tClment", "cm-sign\tCM.com Sign", "cm\tCM.com Sign (alias of cm-sign)", "contract-as-code\tContract-as-Code"}},
		{"an alias alone", "la", []string{"lac\tContract-as-Code (alias of contract-as-code)"}},
		{"nothing matches", "docu", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ProviderCompletions(c, tt.prefix)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if n := len(ProviderCompletions(c, "")); n != 9 {
		t.Errorf("%d completions for every provider, want 6 ids + 3 aliases", n)
	}
}

func TestEventTypeCompletions(t *testing.T) {
	c := catalog.MustBuiltin()
	oneflow, _ := c.Provider("oneflow")
	got := EventTypeCompletions(c, oneflow, "contract:sign")
	group := "\tA contract event of the Contract group."
	want := []string{"contract:sign" + group, "contract:signature_reset" + group, "contract:signing_period_expire" + group, "contract:signing_period_revive" + group}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("oneflow contract:sign: got %q, want %q", got, want)
	}
	// Without a provider, a type that several send is offered once.
	all := EventTypeCompletions(c, nil, "")
	seen := map[string]bool{}
	for _, l := range all {
		typ, desc, ok := strings.Cut(l, "\t")
		if !ok || desc == "" || strings.ContainsAny(desc, "\t\n") {
			t.Errorf("malformed completion %q", l)
		}
		if seen[typ] {
			t.Errorf("%s offered twice", typ)
		}
		seen[typ] = true
	}
	if !seen["test.ping"] || !seen["workflow_launched"] || !seen["contract:publish"] {
		t.Errorf("missing types in %d completions", len(all))
	}
}

// BenchmarkCompleteEventTypes is one TAB press: the whole `whk __complete` run, catalog
// load included, as the shell runs it.
func BenchmarkCompleteEventTypes(b *testing.B) {
	for b.Loop() {
		ios, _, out, _ := iostreams.Test()
		f := cmdutil.New(ios)
		f.Getenv = func(string) string { return "" }
		if code := Run(context.Background(), f, []string{"__complete", "events", "show", "-p", "oneflow", "contract:"}); code != 0 || out.Len() == 0 {
			b.Fatalf("exit %d, %d bytes", code, out.Len())
		}
	}
}
