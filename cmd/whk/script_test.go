package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/whk-cli/whk/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script from the actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"whk": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs the real whk binary the way a user does; see testdata/script/*.txtar.
// Exact exit codes are asserted with `exec sh -c 'whk …; echo exit=$?'`, since `!` only
// says "non-zero".
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"receiver": cmdReceiver, "received": cmdReceived, "example-receiver": cmdExampleReceiver,
			"waitready": cmdWaitReady, "awaitreceived": cmdAwaitReceived,
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", root)
			e.Setenv("WHK_CONFIG_DIR", filepath.Join(e.WorkDir, ".whk-config"))
			e.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
