package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/cmdutil"
)

func TestParseRoute(t *testing.T) {
	cases := []struct {
		name, spec string
		want       routeSpec
	}{
		{"path and provider", "/clment=clment", routeSpec{Path: "/clment", Provider: "clment"}},
		{"a secret file", "/cm/=cm-sign,secret-file=cm.token", routeSpec{Path: "/cm/", Provider: "cm-sign", SecretFile: "cm.token"}},
		{"both options, any order", "/a=clment,forward-to=localhost:3000/h?x=1,secret-file=s", routeSpec{Path: "/a", Provider: "clment", SecretFile: "s", ForwardTo: "localhost:3000/h?x=1"}},
		{"spaces around parts", " /a = clment , secret-file = s ", routeSpec{Path: "/a", Provider: "clment", SecretFile: "s"}},
		{"a path without its slash", "hooks=oneflow", routeSpec{Path: "hooks", Provider: "oneflow"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseRoute(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			c.want.from = "--route"
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestParseRouteRefusesBadSpecs(t *testing.T) {
	cases := []struct{ name, spec, want string }{
		{"no provider", "/a", "no PROVIDER after PATH="},
		{"an empty provider", "/a=", "no PROVIDER after PATH="},
		{"no path", "=clment", "no PATH before ="},
		{"an unknown option", "/a=clment,secret=hunter2", `unknown option "secret"`},
		{"an option without a value", "/a=clment,secret-file", `option "secret-file" has no value`},
		{"an empty value", "/a=clment,forward-to=", `option "forward-to" has no value`},
		{"an option twice", "/a=clment,secret-file=a,secret-file=b", "secret-file given twice"},
		{"a trailing comma", "/a=clment,", "an empty option"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseRoute(c.spec)
			if err == nil {
				t.Fatal("accepted")
			}
			line := cmdutil.ErrorLine(err)
			if !strings.Contains(line, c.want) || strings.Contains(line, "\n") || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("line %q exit %d, want one line saying %q, exit 2", line, cmdutil.ExitCode(err), c.want)
			}
		})
	}
}

func TestReadListenConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("whk.toml", "[[route]]\npath = \"/a\"\nprovider = \"clment\"\nsecret-file = \"a.secret\"\n\n[[route]]\npath = \"/b\"\nprovider = \"cm-sign\"\nforward-to = \"http://localhost:3000\"\n")
	rs, err := readListenConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].SecretFile != filepath.Join(dir, "a.secret") || rs[1].ForwardTo != "http://localhost:3000" || rs[1].from != good {
		t.Errorf("routes %+v", rs)
	}
	bad := []struct{ name, body, want string }{
		{"not TOML", "[[route]\n", "is not valid TOML at line"},
		{"a bare value is not quoted back", "[[route]]\nsecret = hunter2\n", `is not valid TOML at line 2 (after key "route.secret")`},
		{"an unknown key", "[[route]]\npath = \"/a\"\nprovider = \"clment\"\nsecret = \"hunter2\"\n", `unknown key "route.secret"`},
		{"no routes", "# nothing\n", "has no [[route]]"},
		{"a route without provider", "[[route]]\npath = \"/a\"\n", "route 1 needs a path and a provider"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := readListenConfig(write("bad.toml", c.body))
			line := cmdutil.ErrorLine(err)
			if err == nil || !strings.Contains(line, c.want) || strings.Contains(line, "hunter2") || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("line %q, want one saying %q, exit 2, no secret", line, c.want)
			}
		})
	}
}
