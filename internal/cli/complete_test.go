package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

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

func TestFirstArgIsEventType(t *testing.T) {
	for use, want := range map[string]bool{
		"show TYPE -p PROVIDER":                 true,
		"schema -p PROVIDER [TYPE] | --out DIR": true,
		"send [EVENT] -p P --to URL":            true,
		"send --to=URL [EVENT]":                 true,
		"validate [PATH|-]...":                  false,
		"replay [PATH...] --to URL":             false,
		"list":                                  false,
		"sign [FILE|-] -p P":                    false,
	} {
		if got := firstArgIsEventType(use); got != want {
			t.Errorf("firstArgIsEventType(%q) = %v, want %v", use, got, want)
		}
	}
}

// A command added to the tree later gets completion for its EVENT argument and its --type
// and --event flags without registering anything; one that registered its own keeps it.
func TestWireCompletionsReachesLaterCommands(t *testing.T) {
	complete := func(own bool, args ...string) string {
		ios, _, out, _ := iostreams.Test()
		f := cmdutil.New(ios)
		f.Getenv = func(string) string { return "" }
		root := NewCmdRoot(f)
		later := &cobra.Command{Use: "later [EVENT] -p P", RunE: func(*cobra.Command, []string) error { return nil }}
		later.Flags().String("type", "", "")
		later.Flags().StringSlice("event", nil, "")
		later.Flags().String("format", "", "")
		if own {
			_ = later.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"mine"}, cobra.ShellCompDirectiveNoFileComp))
		}
		root.AddCommand(later)
		WireCompletions(root, f)
		root.SetArgs(append([]string{"__complete"}, args...))
		root.SetOut(out)
		root.SetErr(out)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	for _, tt := range []struct {
		name string
		own  bool
		args []string
		want string
	}{
		{"positional EVENT", false, []string{"later", "-p", "clment", "review.comp"}, "review.completed\t"},
		{"--type", false, []string{"later", "-p", "ironclad", "--type", "workflow_lau"}, "workflow_launched\t"},
		{"--event", false, []string{"later", "--provider", "oneflow", "--event", "contract:pub"}, "contract:publish\t"},
		{"-p", false, []string{"later", "-p", "one"}, "oneflow\tOneflow"},
		{"its own --type wins", true, []string{"later", "--type", ""}, "mine\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := complete(tt.own, tt.args...); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
