package cmdutil

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/iostreams"
)

// Factory hands commands what they need from the outside world, so tests can swap it.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	HTTPClient func() *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	// ConfigDir is whk's per-user configuration directory (test keys live there).
	ConfigDir func() (string, error)

	// CatalogDirs are the --catalog directories, set by the root command's flags.
	CatalogDirs []string

	catOnce sync.Once
	cat     *catalog.Catalog
	catErr  error
}

// New returns a Factory wired to the real process environment.
func New(ios *iostreams.IOStreams) *Factory {
	return &Factory{
		IOStreams:  ios,
		HTTPClient: func() *http.Client { return &http.Client{} },
		Now:        time.Now,
		Getenv:     os.Getenv,
		ConfigDir:  DefaultConfigDir,
	}
}

// DefaultConfigDir is $WHK_CONFIG_DIR, else <user config dir>/whk.
func DefaultConfigDir() (string, error) {
	if d := os.Getenv("WHK_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return d + string(os.PathSeparator) + "whk", nil
}

// Catalog loads the built-in catalog plus the --catalog directories, once.
func (f *Factory) Catalog() (*catalog.Catalog, error) {
	f.catOnce.Do(func() {
		f.cat, f.catErr = catalog.Load(f.CatalogDirs...)
		if f.catErr != nil {
			f.catErr = WithHint(f.catErr, "fix the catalog file or drop --catalog")
		}
	})
	return f.cat, f.catErr
}

// ProviderName is the --provider flag's value, else $WHK_PROVIDER, else "".
func (f *Factory) ProviderName(cmd *cobra.Command) string {
	name, _ := f.providerName(cmd)
	return name
}

// providerName is ProviderName and where the name came from, for error messages.
func (f *Factory) providerName(cmd *cobra.Command) (name, from string) {
	if fl := cmd.Flags().Lookup("provider"); fl != nil && fl.Changed {
		return fl.Value.String(), ""
	}
	if fl := cmd.InheritedFlags().Lookup("provider"); fl != nil && fl.Changed {
		return fl.Value.String(), ""
	}
	return f.Getenv("WHK_PROVIDER"), "$WHK_PROVIDER"
}

// Provider resolves the provider named by --provider or $WHK_PROVIDER. It returns nil
// and no error when neither is set, so callers can detect it from the input instead.
func (f *Factory) Provider(cmd *cobra.Command) (*catalog.Provider, error) {
	name, from := f.providerName(cmd)
	if name == "" {
		return nil, nil
	}
	c, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	p, err := c.Provider(name)
	if err != nil {
		return nil, unknownProvider(c, name, from)
	}
	return p, nil
}

// CatalogAndProvider is Catalog and then Provider, for commands that need the catalog
// whether or not a provider is named.
func (f *Factory) CatalogAndProvider(cmd *cobra.Command) (*catalog.Catalog, *catalog.Provider, error) {
	c, err := f.Catalog()
	if err != nil {
		return nil, nil, err
	}
	p, err := f.Provider(cmd)
	return c, p, err
}

// unknownProvider is the usage error for a provider name the catalog lacks: it names
// where the name came from when that was the environment, and the id the user most
// likely meant, else every id.
func unknownProvider(c *catalog.Catalog, name, from string) error {
	msg := "unknown provider " + quote(name)
	if from != "" {
		msg += " in " + from
	}
	var aliases []string
	for _, p := range c.Providers() {
		aliases = append(append(aliases, p.ID), p.Aliases...)
	}
	if s := Closest(name, aliases); s != "" {
		p, _ := c.Provider(s)
		return WithHint(errors.New(msg), "did you mean "+p.ID+"?")
	}
	return WithHint(errors.New(msg), "choose one of: "+strings.Join(c.IDs(), ", "))
}

// RequireProvider is Provider for commands that cannot work without one.
func (f *Factory) RequireProvider(cmd *cobra.Command) (*catalog.Provider, error) {
	return f.ProviderForEvent(cmd, "")
}

// ProviderForEvent is RequireProvider for a command given an event type: with no
// provider named, the one provider that has that type is meant; several are a usage
// error naming them. An empty type names no provider.
func (f *Factory) ProviderForEvent(cmd *cobra.Command, typ string) (*catalog.Provider, error) {
	p, err := f.Provider(cmd)
	if err != nil || p != nil {
		return p, err
	}
	c, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	var have []*catalog.Provider
	var ids []string
	for _, p := range c.Providers() {
		if _, err := p.Event(typ); typ != "" && err == nil {
			have, ids = append(have, p), append(ids, p.ID)
		}
	}
	switch len(have) {
	case 0:
		return nil, WithHint(errors.New("no provider given"), "pass -p with one of: "+strings.Join(c.IDs(), ", ")+", or set WHK_PROVIDER")
	case 1:
		return have[0], nil
	}
	return nil, WithHint(errors.New("event "+quote(typ)+" is sent by several providers: "+strings.Join(ids, ", ")), "pass -p with one of them")
}

// Event resolves an event type of p as a usage error when unknown.
func Event(p *catalog.Provider, typ string) (*catalog.Event, error) {
	e, err := p.Event(typ)
	if err != nil {
		hint := "run 'whk events list -p " + p.ID + "' to see its events"
		if s := Closest(typ, p.EventTypes()); s != "" {
			hint = "did you mean " + s + "?"
		}
		return nil, WithHint(errors.New("unknown event "+quote(typ)+" for provider "+p.ID), hint)
	}
	return e, nil
}

func quote(s string) string { return `"` + s + `"` }
