package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

func testRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(cmdutil.New(ios))
	root.InitDefaultHelpCmd()
	root.InitDefaultVersionFlag()
	return root
}

// walk visits every command a user can see: not hidden, and not cobra's internal ones.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	if c.Hidden {
		return
	}
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// TestEveryCommandExplainsItself: every visible command has a Short, a Long and 2 to 4
// examples, each a whk invocation that names real commands and
// flags and passes the command's argument checks. Commands that land later are held to
// the same rule the moment they are added to the tree.
func TestEveryCommandExplainsItself(t *testing.T) {
	walk(testRoot(), func(c *cobra.Command) {
		path := c.CommandPath()
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s: no Short", path)
		}
		if strings.TrimSpace(c.Long) == "" {
			t.Errorf("%s: no Long", path)
		}
		if strings.HasSuffix(strings.TrimSpace(c.Short), ".") {
			t.Errorf("%s: Short ends with a full stop (cobra lists it beside other commands)", path)
		}
		examples := exampleLines(c.Example)
		if n := len(examples); n < 2 || n > 4 {
			t.Errorf("%s: %d examples, want 2 to 4:\n%s", path, n, c.Example)
		}
		for _, ex := range examples {
			if !strings.HasPrefix(ex, "  ") {
				t.Errorf("%s: example %q is not indented by two spaces like the others", path, ex)
			}
			calls := whkCalls(ex)
			if len(calls) == 0 {
				t.Errorf("%s: example %q does not run whk", path, ex)
			}
			for _, args := range calls {
				if err := checkInvocation(args); err != nil {
					t.Errorf("%s: example %q: %v", path, ex, err)
				}
			}
		}
	})
}

func hasCommand(name string) bool {
	c, _, err := testRoot().Find([]string{name})
	return err == nil && c.Name() == name
}

// checkInvocation parses args against a fresh command tree as cobra would, without
// running anything: the command exists, its flags exist and parse, its arguments pass.
func checkInvocation(args []string) error {
	root := testRoot()
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return err
	}
	if cmd.Flags().Changed("help") {
		return nil
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return err
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return err
	}
	return cmd.ValidateFlagGroups()
}

// exampleLines splits a cobra Example into logical lines: comments and blank lines
// dropped, backslash continuations joined.
func exampleLines(example string) []string {
	var out []string
	var cur string
	for _, l := range strings.Split(example, "\n") {
		if cur == "" && (strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#")) {
			continue
		}
		if strings.HasSuffix(l, `\`) {
			cur += strings.TrimSuffix(l, `\`) + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// whkCalls returns the argument lists of every `whk …` command in a shell line, with
// quotes removed and redirections, pipes and environment assignments left out.
func whkCalls(line string) [][]string {
	var calls [][]string
	for _, seg := range shellSegments(line) {
		for len(seg) > 0 && strings.Contains(seg[0], "=") && !strings.HasPrefix(seg[0], "-") {
			seg = seg[1:] // VAR=value whk …
		}
		if len(seg) == 0 || seg[0] != "whk" {
			continue
		}
		var args []string
		for i := 1; i < len(seg); i++ {
			w := seg[i]
			switch {
			case w == ">" || w == ">>" || w == "<" || w == "2>" || w == "2>>":
				i++ // the redirection's target
			case strings.HasPrefix(w, ">") || strings.HasPrefix(w, "2>") || strings.HasPrefix(w, "<") && !strings.HasPrefix(w, "<("):
			default:
				args = append(args, w)
			}
		}
		calls = append(calls, args)
	}
	return calls
}

// shellSegments splits a line into words, breaking commands at |, ||, &&, ; and &. It
// knows single and double quotes and keeps $(…) and <(…) as one word; that is all the
// shell an example needs.
func shellSegments(line string) [][]string {
	var segs [][]string
	var words []string
	var w strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	endSeg := func() {
		flush()
		if len(words) > 0 {
			segs = append(segs, words)
		}
		words = nil
	}
	r := []rune(line)
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '\'' || c == '"':
			inWord = true
			j := i + 1
			for j < len(r) && r[j] != c {
				j++
			}
			w.WriteString(string(r[i+1 : min(j, len(r))]))
			i = j
		case (c == '$' || c == '<') && i+1 < len(r) && r[i+1] == '(':
			inWord = true
			depth, j := 0, i+1
			for ; j < len(r); j++ {
				if r[j] == '(' {
					depth++
				} else if r[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			w.WriteString(string(r[i:min(j+1, len(r))]))
			i = j
		case c == '|' || c == ';' || c == '&':
			endSeg()
			if i+1 < len(r) && (r[i+1] == '|' || r[i+1] == '&') {
				i++
			}
		case c == ' ' || c == '\t':
			flush()
		default:
			inWord = true
			w.WriteRune(c)
		}
	}
	endSeg()
	return segs
}

func TestWhkCalls(t *testing.T) {
	tests := []struct {
		name string
		line string
		want [][]string
	}{
		{"plain", "  whk events list -p clment", [][]string{{"events", "list", "-p", "clment"}}},
		{"redirect", "  whk schema -p oneflow > oneflow.schema.json", [][]string{{"schema", "-p", "oneflow"}}},
		{"pipe into jq", `  whk events list --json | jq -r 'select(.documented == false) | .type'`, [][]string{{"events", "list", "--json"}}},
		{"pipe into whk", "  cat body.json | whk validate - -p clment", [][]string{{"validate", "-", "-p", "clment"}}},
		{"env and quotes", `  WHK_SECRET=s whk sign body.json --secret "$(cat s.txt)" -p 'clment'`, [][]string{{"sign", "body.json", "--secret", "$(cat s.txt)", "-p", "clment"}}},
		{"zsh fpath", `  whk completion zsh > "${fpath[1]}/_whk"`, [][]string{{"completion", "zsh"}}},
		{"two commands", "  whk listen --json & whk send -p clment --to http://127.0.0.1:8080/", [][]string{{"listen", "--json"}, {"send", "-p", "clment", "--to", "http://127.0.0.1:8080/"}}},
		{"not whk", "  go install ./cmd/whk", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := whkCalls(tt.line)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if strings.Join(got[i], "\x00") != strings.Join(tt.want[i], "\x00") {
					t.Errorf("call %d: got %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestClosestFlag(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(cmdutil.New(ios))
	cmd, _, _ := root.Find([]string{"schema"})
	_ = cmd.ParseFlags(nil) // merges the root's persistent flags in, as execution does
	for typed, want := range map[string]string{
		"provder":    "provider",
		"PROVIDER":   "provider",
		"stirct":     "strict",
		"ou":         "out",
		"cat":        "catalog",
		"no-colour":  "no-color",
		"frobnicate": "",
		"x":          "",
	} {
		if got := closestFlag(cmd.Flags(), typed); got != want {
			t.Errorf("closestFlag(%q) = %q, want %q", typed, got, want)
		}
	}
}

// Every command of ../shared/CLI.md is in the tree (and so in docs/ and the man pages).
func TestEveryContractCommandExists(t *testing.T) {
	for _, name := range []string{"events", "schema", "validate", "sign", "verify", "send", "replay", "listen", "test", "version", "completion"} {
		if !hasCommand(name) {
			t.Errorf("whk %s is missing from the command tree", name)
		}
	}
}

// TestShortVIsVerboseEverywhere: -v means one thing. Wherever a command has it, it is
// --verbose; on the root, where there is nothing to be verbose about, it is a usage error
// that points to --version.
func TestShortVIsVerboseEverywhere(t *testing.T) {
	walk(testRoot(), func(c *cobra.Command) {
		if fl := c.LocalFlags().ShorthandLookup("v"); fl != nil && fl.Name != "verbose" {
			t.Errorf("%s: -v is --%s, want --verbose", c.CommandPath(), fl.Name)
		}
	})
	ios, _, out, errOut := iostreams.Test()
	code := Run(t.Context(), cmdutil.New(ios), []string{"-v"})
	if code != cmdutil.ExitUsage || out.Len() != 0 || !strings.Contains(errOut.String(), "'whk --version'") {
		t.Errorf("whk -v: exit %d, stdout %q, stderr %q; want exit 2 and a hint to --version", code, out, errOut)
	}
}
