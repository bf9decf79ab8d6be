package main

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWaitReady waits until FILE holds listen's ready line ({"kind":"ready"} with --json,
// "Listening on URL" on stderr without), then sets URLVAR to the URL and, if given,
// ADDRVAR to its host:port.
//
//	waitready FILE URLVAR [ADDRVAR]
func cmdWaitReady(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitready FILE URLVAR [ADDRVAR]")
	}
	path := ts.MkAbs(args[0])
	// The deadline only keeps a listener that never starts from hanging the run.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		for _, line := range strings.Split(string(b), "\n") {
			u := readyURL(line)
			if u == "" {
				continue
			}
			ts.Setenv(args[1], u)
			if len(args) == 3 {
				pu, err := url.Parse(u)
				ts.Check(err)
				ts.Setenv(args[2], pu.Host)
			}
			return
		}
	}
	ts.Fatalf("no ready line in %s", args[0])
}

func readyURL(line string) string {
	var ready struct{ Kind, URL string }
	if json.Unmarshal([]byte(line), &ready) == nil && ready.Kind == "ready" {
		return ready.URL
	}
	if rest, ok := strings.CutPrefix(line, "Listening on "); ok {
		return strings.Fields(rest)[0]
	}
	return ""
}
