package listener

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// Route is one path listen serves with a provider, keys and forward target of its own
// (--route, or a route of the config file).
type Route struct {
	// Path is where the route's deliveries arrive (ending in "/" takes every path
	// under it). It names the route in records.
	Path string
	// Provider is the route's provider; nil detects it per request.
	Provider *catalog.Provider
	// Keys returns what verifies the route's signatures; nil takes Config.Keys.
	Keys func(p *catalog.Provider) *signing.Keys
	// ForwardTo relays the route's deliveries to this URL; "" takes Config.ForwardTo.
	ForwardTo string
}

// route is a Route as the listener serves it.
type route struct {
	name      string // "" for the one path of Config.Path: records then carry no route
	path      string
	provider  *catalog.Provider
	keys      func(p *catalog.Provider) *signing.Keys
	forwardTo string
	check     *validation.Checker
}

// routesOf builds the routes cfg serves, in the order given: Config.Routes, or the one
// path Config.Path with Config's provider, keys and forward target.
func routesOf(cfg Config) ([]*route, error) {
	if len(cfg.Routes) == 0 {
		return []*route{{path: cfg.Path, provider: cfg.Provider, keys: cfg.Keys, forwardTo: cfg.ForwardTo,
			check: validation.NewChecker(validation.Options{Catalog: cfg.Catalog, Provider: cfg.Provider})}}, nil
	}
	out := make([]*route, 0, len(cfg.Routes))
	for _, r := range cfg.Routes {
		p := r.Path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		for _, o := range out {
			if o.path == p {
				return nil, fmt.Errorf("two routes serve %s", p)
			}
		}
		rt := &route{name: p, path: p, provider: r.Provider, keys: r.Keys, forwardTo: r.ForwardTo,
			check: validation.NewChecker(validation.Options{Catalog: cfg.Catalog, Provider: r.Provider})}
		if rt.keys == nil {
			rt.keys = cfg.Keys
		}
		if rt.forwardTo == "" {
			rt.forwardTo = cfg.ForwardTo
		}
		out = append(out, rt)
	}
	return out, nil
}

// takes reports whether a request path is the route's.
func (rt *route) takes(p string) bool {
	if strings.HasSuffix(rt.path, "/") {
		return strings.HasPrefix(p, rt.path)
	}
	return p == rt.path
}

// match is the route a request path arrives at, the most specific when several take
// it ("/hooks/cm" before "/hooks/"), or nil.
func (l *Listener) match(p string) *route {
	var best *route
	for _, rt := range l.routes {
		if rt.takes(p) && (best == nil || len(rt.path) > len(best.path)) {
			best = rt
		}
	}
	return best
}

// paths lists the routes' paths for the 404 answer.
func (l *Listener) paths() string {
	ps := make([]string, len(l.routes))
	for i, rt := range l.routes {
		ps[i] = rt.path
	}
	return strings.Join(ps, ", ")
}

// URLs are the routes' URLs, in the order given.
func (l *Listener) URLs() []string {
	out := make([]string, len(l.routes))
	for i, rt := range l.routes {
		out[i] = l.base + rt.path
	}
	return out
}

// secretsOf are the distinct secrets the routes verify with: a header whose value is one
// of them is redacted whatever its name (CM.com Sign's token sent in another header
// than --auth-header says).
func secretsOf(c *catalog.Catalog, routes []*route) [][]byte {
	var out [][]byte
	for _, rt := range routes {
		ps := c.Providers()
		if rt.provider != nil {
			ps = []*catalog.Provider{rt.provider}
		}
		for _, p := range ps {
			k := rt.keys(p)
			if k == nil || len(k.Secret) == 0 {
				continue
			}
			if !slices.ContainsFunc(out, func(s []byte) bool { return string(s) == string(k.Secret) }) {
				out = append(out, k.Secret)
			}
		}
	}
	return out
}

// redacted copies the headers with the value of every token header, and every value
// equal to a secret, replaced.
func (l *Listener) redacted(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range l.redact {
		if vs, ok := out[name]; ok {
			for i := range vs {
				vs[i] = record.Redacted
			}
		}
	}
	if len(l.secrets) == 0 {
		return out
	}
	for _, vs := range out {
		for i, v := range vs {
			if l.isSecret(v) {
				vs[i] = record.Redacted
			}
		}
	}
	return out
}

// isSecret compares v with every secret in constant time (for equal lengths; a
// length alone says little about a token).
func (l *Listener) isSecret(v string) bool {
	found := 0
	for _, s := range l.secrets {
		found |= subtle.ConstantTimeCompare([]byte(v), s)
	}
	return found == 1
}

// tokenHeaders are the canonical names of headers that carry a shared token in clear
// (CM.com Sign's, and --auth-header).
func tokenHeaders(c *catalog.Catalog, authHeader string) []string {
	var out []string
	add := func(n string) {
		if n == "" {
			return
		}
		n = http.CanonicalHeaderKey(n)
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	add(authHeader)
	for _, p := range c.Providers() {
		if s, err := signing.For(p, ""); err == nil {
			add(signing.TokenHeader(s))
		}
	}
	return out
}
