// Package schema compiles the generated JSON Schemas once and validates many documents
// against them. It is the only package that knows which JSON Schema library whk uses:
// santhosh-tekuri/jsonschema/v5 as the design names (library_v5.go), or its successor
// v6 when built with the jsonschema_v6 tag (library_v6.go), which the validate benchmark
// compares. With the prefilter, v5 meets the speed targets (docs/benchmarks.md).
package schema

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schemagen"
)

// Problem is one reason a document does not match its schema.
type Problem struct {
	// Pointer is a JSON pointer to the offending value ("" is the whole document).
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// Validator validates documents against the catalog's schemas, compiling each schema
// the first time it is needed. It is safe for concurrent use.
type Validator struct {
	opts schemagen.Options

	// compiled maps a schemaKey to its *entry. A sync.Map, not a locked map: every
	// check of every worker looks an entry up, and after the first use of each schema
	// only reads it.
	compiled sync.Map
}

// schemaKey is one provider's schema (e nil) or one event's.
type schemaKey struct {
	p *catalog.Provider
	e *catalog.Event
}

type entry struct {
	once   sync.Once
	schema compiled
	pre    *prefilter // nil when the schema uses keywords the prefilter does not handle
	err    error
}

// New returns a Validator; o.Strict makes fields the catalog does not know failures.
func New(o schemagen.Options) *Validator {
	return &Validator{opts: o}
}

// Validate checks a decoded JSON document (as from encoding/json with UseNumber or
// plain float64 numbers) against the schema of event e of provider p, or against the
// provider's schema when e is nil. It returns no problems when the document is valid.
func (v *Validator) Validate(p *catalog.Provider, e *catalog.Event, doc any) ([]Problem, error) {
	en, err := v.schema(p, e)
	if err != nil {
		return nil, err
	}
	if en.pre != nil && en.pre.valid(doc) {
		return nil, nil
	}
	out, err := validate(en.schema, doc)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return tidy(out), nil
}

func (v *Validator) schema(p *catalog.Provider, e *catalog.Event) (*entry, error) {
	key := schemaKey{p, e}
	got, ok := v.compiled.Load(key)
	if !ok {
		got, _ = v.compiled.LoadOrStore(key, &entry{})
	}
	en := got.(*entry)
	en.once.Do(func() { en.schema, en.pre, en.err = v.compile(p, e) })
	return en, en.err
}

func (v *Validator) compile(p *catalog.Provider, e *catalog.Event) (compiled, *prefilter, error) {
	var (
		data []byte
		err  error
	)
	if e == nil {
		data, err = schemagen.ProviderSchema(p, v.opts)
	} else {
		data, err = schemagen.EventSchema(p, e, v.opts)
	}
	if err != nil {
		return nil, nil, err
	}
	url := schemagen.ID(schemagen.SchemaPath(p, e))
	s, err := compile(url, data)
	if err != nil {
		return nil, nil, fmt.Errorf("schema %s: %w", url, err)
	}
	return s, newPrefilter(data), nil
}

// tidy sorts problems by pointer and drops repeats (if/then branches can report the
// same leaf twice).
func tidy(out []Problem) []Problem {
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	dedup := out[:0]
	for i, p := range out {
		p.Message = strings.TrimSpace(p.Message)
		if i > 0 && p == dedup[len(dedup)-1] {
			continue
		}
		dedup = append(dedup, p)
	}
	return dedup
}

// leaves flattens a schema library's error tree to its leaves, the problems a reader
// can act on; both library versions (build tag jsonschema_v6) share it. An error that
// is not the library's validation error (E) is returned as it is.
func leaves[E any](err error, causes func(E) []E, problem func(E) Problem) ([]Problem, error) {
	if err == nil {
		return nil, nil
	}
	root, ok := any(err).(E)
	if !ok {
		return nil, err
	}
	var out []Problem
	var walk func(e E)
	walk = func(e E) {
		cs := causes(e)
		if len(cs) == 0 {
			out = append(out, problem(e))
			return
		}
		for _, c := range cs {
			walk(c)
		}
	}
	walk(root)
	return out, nil
}
