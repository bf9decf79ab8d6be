package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/input"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/signing"
)

// routeSpec is one route as given to --route or in the config file, not yet resolved.
type routeSpec struct {
	Path       string `toml:"path"`
	Provider   string `toml:"provider"`
	SecretFile string `toml:"secret-file"`
	ForwardTo  string `toml:"forward-to"`
	// from names where the route was given, for errors: "--route" or "whk.toml".
	from string
}

// parseRoute reads --route PATH=PROVIDER[,secret-file=F][,forward-to=URL].
func parseRoute(spec string) (routeSpec, error) {
	bad := func(why string) (routeSpec, error) {
		return routeSpec{}, cmdutil.WithHint(fmt.Errorf("--route %q: %s", spec, why), "use PATH=PROVIDER[,secret-file=FILE][,forward-to=URL]")
	}
	head, opts, _ := strings.Cut(spec, ",")
	path, prov, ok := strings.Cut(head, "=")
	switch {
	case !ok:
		return bad("no PROVIDER after PATH=")
	case strings.TrimSpace(path) == "":
		return bad("no PATH before =")
	case strings.TrimSpace(prov) == "":
		return bad("no PROVIDER after PATH=")
	}
	rs := routeSpec{Path: strings.TrimSpace(path), Provider: strings.TrimSpace(prov), from: "--route"}
	if opts == "" && strings.HasSuffix(spec, ",") {
		return bad("an empty option after ','")
	}
	for _, opt := range strings.Split(opts, ",") {
		if opts == "" {
			break
		}
		k, v, ok := strings.Cut(opt, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return bad(fmt.Sprintf("option %q has no value", k))
		}
		var dst *string
		switch k {
		case "secret-file":
			dst = &rs.SecretFile
		case "forward-to":
			dst = &rs.ForwardTo
		default:
			return bad(fmt.Sprintf("unknown option %q", k))
		}
		if *dst != "" {
			return bad(fmt.Sprintf("%s given twice", k))
		}
		*dst = v
	}
	return rs, nil
}

// listenConfig is the config file of `whk listen --config`.
type listenConfig struct {
	Route []routeSpec `toml:"route"`
}

// maxConfigFile bounds the config file: a few routes take a few hundred bytes.
const maxConfigFile = 1 << 20

// readListenConfig reads the routes of a config file. Secret files it names are taken
// relative to the file's directory; secrets themselves have no place in it.
func readListenConfig(path string) ([]routeSpec, error) {
	b, err := input.ReadFile(path, maxConfigFile)
	if err != nil {
		return nil, cmdutil.WithHint(fmt.Errorf("cannot read --config %s: %w", path, err), "pass the path of a TOML file with [[route]] tables")
	}
	var c listenConfig
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		// The parser's message quotes the text it stumbled on, which may be a secret
		// written where its file's path belongs: say where, not what.
		where := ""
		var pe toml.ParseError
		if errors.As(err, &pe) {
			where = fmt.Sprintf(" at line %d", pe.Position.Line)
			if pe.LastKey != "" {
				where += fmt.Sprintf(" (after key %q)", pe.LastKey)
			}
		}
		return nil, cmdutil.WithHint(fmt.Errorf("--config %s is not valid TOML%s", path, where), "see 'whk listen --help' for the file's form")
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, cmdutil.WithHint(fmt.Errorf("--config %s: unknown key %q", path, un[0].String()), "a [[route]] takes path, provider, secret-file and forward-to")
	}
	if len(c.Route) == 0 {
		return nil, cmdutil.WithHint(fmt.Errorf("--config %s has no [[route]]", path), "add a [[route]] with a path and a provider")
	}
	dir := filepath.Dir(path)
	for i := range c.Route {
		r := &c.Route[i]
		r.from = path
		if r.Path == "" || r.Provider == "" {
			return nil, cmdutil.WithHint(fmt.Errorf("--config %s: route %d needs a path and a provider", path, i+1), "a [[route]] takes path, provider, secret-file and forward-to")
		}
		if r.SecretFile != "" && !filepath.IsAbs(r.SecretFile) {
			r.SecretFile = filepath.Join(dir, r.SecretFile)
		}
	}
	return c.Route, nil
}

// listenRoutes resolves the route specs: providers, secrets (read from their files,
// bounded, never shown), forward targets. Routes without a secret file verify with
// the keys listen has otherwise; Ironclad's always with its public key.
func listenRoutes(c *catalog.Catalog, specs []routeSpec, keys func(*catalog.Provider) *signing.Keys, getenv func(string) string) ([]listener.Route, []string, error) {
	var routes []listener.Route
	var notes []string
	for _, rs := range specs {
		if err := listener.CheckPath(rs.Path); err != nil {
			msg := strings.Replace(err.Error(), "--path ", "route path ", 1)
			return nil, nil, cmdutil.WithHint(fmt.Errorf("%s: %s", rs.from, msg), "use a path like /hooks, or /hooks/ for every path under it")
		}
		p, err := c.Provider(rs.Provider)
		if err != nil {
			return nil, nil, cmdutil.WithHint(fmt.Errorf("%s: route %s: unknown provider %q", rs.from, rs.Path, rs.Provider), "choose one of: "+strings.Join(c.IDs(), ", "))
		}
		rt := listener.Route{Path: rs.Path, Provider: p, Keys: keys}
		if rs.SecretFile != "" {
			if signing.FactsFor(p).KeyPair {
				return nil, nil, cmdutil.WithHint(fmt.Errorf("%s: route %s: %s signs with a key pair, not a secret", rs.from, rs.Path, p.ID), "drop secret-file; pass --public-key for "+p.Name)
			}
			s, err := (&cmdutil.SecretFlags{File: rs.SecretFile}).Resolve(getenv)
			if err != nil {
				return nil, nil, fmt.Errorf("route %s: %w", rs.Path, err)
			}
			k := &signing.Keys{Secret: s.Bytes}
			rt.Keys = func(*catalog.Provider) *signing.Keys { return k }
		}
		if rs.ForwardTo != "" {
			if rt.ForwardTo, err = cmdutil.HTTPURL("forward-to of route "+rs.Path, rs.ForwardTo); err != nil {
				return nil, nil, err
			}
		}
		note := "route " + rs.Path + ": " + p.ID
		if rs.SecretFile != "" {
			note += ", verified with the secret from " + rs.SecretFile
		}
		if rt.ForwardTo != "" {
			note += ", forwarded to " + rt.ForwardTo
		}
		notes = append(notes, note)
		routes = append(routes, rt)
	}
	for i, a := range routes {
		for _, b := range routes[:i] {
			if strings.TrimPrefix(a.Path, "/") == strings.TrimPrefix(b.Path, "/") {
				return nil, nil, cmdutil.WithHint(errors.New("two routes serve "+a.Path), "give each route its own path")
			}
		}
	}
	return routes, notes, nil
}
