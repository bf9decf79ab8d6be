package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionInfo(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)

	// What the release build stamps in with -ldflags -X wins.
	version, commit, date = "1.2.3", "abc1234", "2026-06-16T14:32:08Z"
	if v, c, d := VersionInfo(); v != "1.2.3" || c != "abc1234" || d != "2026-06-16T14:32:08Z" {
		t.Errorf("stamped: got %s %s %s", v, c, d)
	}
	if got, want := VersionLine(), "whk 1.2.3 (commit abc1234, built 2026-06-16T14:32:08Z)"; got != want {
		t.Errorf("VersionLine() = %q, want %q", got, want)
	}

	// Unstamped, it falls back to the build info Go recorded, then to dev/unknown.
	version, commit, date = "", "", ""
	v, c, d := VersionInfo()
	wantV, wantC, wantD := "dev", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			wantV = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				wantC = s.Value
			case "vcs.time":
				wantD = s.Value
			}
		}
	}
	if v != wantV || c != wantC || d != wantD {
		t.Errorf("unstamped: got %s %s %s, want %s %s %s", v, c, d, wantV, wantC, wantD)
	}
}
