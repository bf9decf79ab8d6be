package scenario

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/whk-cli/whk/internal/catalog"
)

// builtinFS holds the built-in scenarios, one JSON file each, in the format of a
// scenario file: data, so a lifecycle is changed without changing code.
//
//go:embed builtin/*.json
var builtinFS embed.FS

// Builtins parses the built-in scenarios against c, sorted by provider then name.
// Scenarios of providers c does not have are left out.
func Builtins(c *catalog.Catalog) ([]*Scenario, error) {
	names, err := fs.Glob(builtinFS, "builtin/*.json")
	if err != nil {
		return nil, err
	}
	var out []*Scenario
	for _, n := range names {
		b, err := builtinFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var head struct {
			Provider string `json:"provider"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return nil, fmt.Errorf("built-in scenario %s: %w", n, err)
		}
		if _, err := c.Provider(head.Provider); err != nil {
			continue
		}
		sc, err := Parse(c, "built-in "+path.Base(n), b, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Provider.ID != out[j].Provider.ID {
			return out[i].Provider.ID < out[j].Provider.ID
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Builtin returns the built-in scenario named name, or nil.
func Builtin(c *catalog.Catalog, name string) (*Scenario, error) {
	all, err := Builtins(c)
	if err != nil {
		return nil, err
	}
	for _, sc := range all {
		if sc.Name == name {
			return sc, nil
		}
	}
	return nil, nil
}

// Lifecycle returns the built-in lifecycle of provider p (the scenario named
// "<id>-lifecycle"), or nil when whk has none for it.
func Lifecycle(c *catalog.Catalog, p *catalog.Provider) (*Scenario, error) {
	return Builtin(c, p.ID+"-lifecycle")
}
