package listener

import (
	"fmt"
	"path"
	"strings"
)

// Filter decides from a delivery's event types whether listen shows it (--events).
// The zero Filter shows everything.
type Filter struct {
	include, exclude []string
}

// ParseFilter reads --events values: comma-separated globs in path.Match syntax
// (`review.*`, `*.completed`), a leading "!" excluding what it matches. A type passes
// when no include glob is given or one matches, and no exclude glob matches.
func ParseFilter(specs []string) (Filter, error) {
	var f Filter
	for _, spec := range specs {
		for _, g := range strings.Split(spec, ",") {
			g = strings.TrimSpace(g)
			list := &f.include
			if rest, ok := strings.CutPrefix(g, "!"); ok {
				g, list = rest, &f.exclude
			}
			if g == "" {
				return Filter{}, fmt.Errorf("--events %q has an empty glob", spec)
			}
			if _, err := path.Match(g, ""); err != nil {
				return Filter{}, fmt.Errorf("--events %q: %q is not a glob (%v)", spec, g, err)
			}
			*list = append(*list, g)
		}
	}
	return f, nil
}

// IsZero reports whether the filter lets everything through.
func (f Filter) IsZero() bool { return len(f.include) == 0 && len(f.exclude) == 0 }

// Match reports whether a delivery with these event types is shown: a Oneflow callback
// that names several types is shown when any of them passes. A delivery whose type is
// unknown has the type "", which no include glob but "*" matches.
func (f Filter) Match(types []string) bool {
	if f.IsZero() {
		return true
	}
	if len(types) == 0 {
		return f.matchOne("")
	}
	for _, t := range types {
		if f.matchOne(t) {
			return true
		}
	}
	return false
}

func (f Filter) matchOne(t string) bool {
	for _, g := range f.exclude {
		if ok, _ := path.Match(g, t); ok {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, g := range f.include {
		if ok, _ := path.Match(g, t); ok {
			return true
		}
	}
	return false
}
