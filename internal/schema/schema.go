// Package schema compiles the generated JSON Schemas once and validates many documents
// against them. It is the only package that knows which JSON Schema library whk uses.
package schema

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

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

	mu       sync.Mutex
	compiled map[string]*entry
}

type entry struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// New returns a Validator; o.Strict makes fields the catalog does not know failures.
func New(o schemagen.Options) *Validator {
	return &Validator{opts: o, compiled: map[string]*entry{}}
}

// Validate checks a decoded JSON document (as from encoding/json with UseNumber or
// plain float64 numbers) against the schema of event e of provider p, or against the
// provider's schema when e is nil. It returns no problems when the document is valid.
func (v *Validator) Validate(p *catalog.Provider, e *catalog.Event, doc any) ([]Problem, error) {
	s, err := v.schema(p, e)
	if err != nil {
		return nil, err
	}
	err = s.Validate(doc)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err
	}
	return problems(ve), nil
}

func (v *Validator) schema(p *catalog.Provider, e *catalog.Event) (*jsonschema.Schema, error) {
	key := p.ID
	if e != nil {
		key += "\x00" + e.Type
	}
	v.mu.Lock()
	en, ok := v.compiled[key]
	if !ok {
		en = &entry{}
		v.compiled[key] = en
	}
	v.mu.Unlock()
	en.once.Do(func() { en.schema, en.err = v.compile(p, e) })
	return en.schema, en.err
}

func (v *Validator) compile(p *catalog.Provider, e *catalog.Event) (*jsonschema.Schema, error) {
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
		return nil, err
	}
	url := schemagen.ID(schemagen.SchemaPath(p, e))
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	return s, nil
}

// problems flattens the library's error tree into its leaves, sorted by pointer.
func problems(ve *jsonschema.ValidationError) []Problem {
	var out []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Problem{Pointer: e.InstanceLocation, Message: e.Message})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	// if/then branches can report the same leaf twice.
	dedup := out[:0]
	for i, p := range out {
		if i > 0 && p == out[i-1] {
			continue
		}
		p.Message = strings.TrimSpace(p.Message)
		dedup = append(dedup, p)
	}
	return dedup
}
