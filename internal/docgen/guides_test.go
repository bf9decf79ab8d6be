package docgen_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/cli"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

// TestGuideTranscripts runs every ```console block of the hand-written docs: each
// "$ whk …" line is run from the repository root and what it prints (stdout, then
// stderr) must be the lines that follow it. Pasted output cannot go stale unnoticed.
// Output that changes from run to run (fresh ids, timings) belongs in a ```text block.
func TestGuideTranscripts(t *testing.T) {
	t.Chdir(repoRoot)
	docs, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	guides, _ := filepath.Glob("docs/guides/*.md")
	docs = append(docs, guides...)
	checked := 0
	for _, doc := range docs {
		for _, step := range transcripts(t, doc) {
			checked++
			t.Run(filepath.Base(doc)+"/"+step.line, func(t *testing.T) {
				got := runWhk(t, step.args)
				if strings.TrimRight(got, "\n") != strings.TrimRight(step.want, "\n") {
					t.Errorf("%s:%d: $ %s\n--- printed\n%s\n--- the guide says\n%s", doc, step.at, step.line, got, step.want)
				}
			})
		}
	}
	if checked == 0 {
		t.Error("no ```console transcripts found under docs/")
	}
}

type transcript struct {
	at   int
	line string
	args []string
	want string
}

func transcripts(t *testing.T, doc string) []transcript {
	f, err := os.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []transcript
	in := false
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case !in && strings.TrimSpace(l) == "```console":
			in = true
		case in && strings.TrimSpace(l) == "```":
			in = false
		case in && strings.HasPrefix(l, "$ "):
			cmd := strings.TrimPrefix(l, "$ ")
			args := splitWords(cmd)
			if len(args) == 0 || args[0] != "whk" {
				t.Errorf("%s:%d: a console block runs whk only: %q", doc, n, cmd)
				continue
			}
			out = append(out, transcript{at: n, line: cmd, args: args[1:]})
		case in && len(out) > 0:
			out[len(out)-1].want += l + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// splitWords splits a command line at spaces, honouring single and double quotes.
func splitWords(s string) []string {
	var words []string
	var w strings.Builder
	var quote rune
	inWord := false
	for _, c := range s {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func runWhk(t *testing.T, args []string) string {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := cmdutil.New(ios)
	f.Getenv = func(string) string { return "" }
	cli.Run(context.Background(), f, args)
	return out.String() + errOut.String()
}

// The CI guide shows the workflow inline; it must be the file users are told to copy
// (without its leading comment), which actionlint checks.
func TestCIRecipeIsTheWorkflowFile(t *testing.T) {
	file, err := os.ReadFile(filepath.Join(repoRoot, "docs/guides/validate-workflow.yml"))
	if err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile(filepath.Join(repoRoot, "docs/guides/ci-validate.md"))
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, l := range strings.Split(string(file), "\n") {
		if len(body) == 0 && strings.HasPrefix(l, "#") {
			continue
		}
		body = append(body, l)
	}
	want := "```yaml\n" + strings.TrimRight(strings.Join(body, "\n"), "\n") + "\n```"
	if !strings.Contains(string(guide), want) {
		t.Errorf("docs/guides/ci-validate.md does not show docs/guides/validate-workflow.yml as it is (after its leading comment)")
	}
}
