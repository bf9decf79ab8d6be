package scenario

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/whk-cli/whk/internal/jsonpointer"
	"github.com/whk-cli/whk/internal/jsontree"
)

// ref is one ${steps.NAME.body.PATH} (a field of an earlier step's body, as a dot
// path like --set's) or ${steps.NAME.id} (its delivery id) in a set value.
type ref struct {
	text  string // as written, for error lines
	step  string
	field string // "id", or "body"
	path  string // the dot path under body; "" is the whole body
}

var refPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// parseRefs finds the references in a set value.
func parseRefs(val string) ([]ref, error) {
	var refs []ref
	for _, m := range refPattern.FindAllStringSubmatch(val, -1) {
		r := ref{text: m[0]}
		parts := strings.SplitN(m[1], ".", 4)
		if len(parts) < 3 || parts[0] != "steps" || parts[1] == "" {
			return nil, fmt.Errorf("%s: want ${steps.NAME.body.PATH} or ${steps.NAME.id}", m[0])
		}
		r.step, r.field = parts[1], parts[2]
		switch {
		case r.field == "id" && len(parts) == 3:
		case r.field == "body":
			if len(parts) == 4 {
				r.path = parts[3]
			}
			if strings.Contains("."+r.path+".", "..") && r.path != "" {
				return nil, fmt.Errorf("%s: the path has an empty segment", m[0])
			}
		default:
			return nil, fmt.Errorf("%s: want ${steps.%s.body.PATH} or ${steps.%s.id}", m[0], r.step, r.step)
		}
		refs = append(refs, r)
	}
	if rest := refPattern.ReplaceAllString(val, ""); strings.Contains(rest, "${") {
		return nil, errors.New("an unclosed ${")
	}
	return refs, nil
}

// lookup returns the value at a dot path (as --set writes it) in a parsed body.
func lookup(root any, path string) (any, bool) {
	if path == "" {
		return root, true
	}
	segs := strings.Split(path, ".")
	for i, s := range segs {
		if s == jsonpointer.Wildcard {
			return nil, false // one value, not every element
		}
		segs[i] = jsonpointer.Escape(s)
	}
	vs := jsontree.Get(root, "/"+strings.Join(segs, "/"))
	if len(vs) != 1 {
		return nil, false
	}
	return vs[0], true
}

// substitute replaces the references in a set value. A value that is one reference
// and nothing else takes the referenced value as JSON, so numbers, objects and null
// keep their type; inside longer text a string is inserted as it is and anything else
// as its JSON.
func substitute(val string, refs []ref, resolve func(ref) (any, error)) (string, error) {
	if len(refs) == 0 {
		return val, nil
	}
	if len(refs) == 1 && refs[0].text == val {
		v, err := resolve(refs[0])
		if err != nil {
			return "", err
		}
		b, err := jsontree.Marshal(v)
		return string(b), err
	}
	var firstErr error
	out := refPattern.ReplaceAllStringFunc(val, func(m string) string {
		for _, r := range refs {
			if r.text != m {
				continue
			}
			v, err := resolve(r)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return ""
			}
			if s, ok := v.(string); ok {
				return s
			}
			b, _ := jsontree.Marshal(v)
			return string(b)
		}
		return m
	})
	return out, firstErr
}
