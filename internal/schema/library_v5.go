//go:build !jsonschema_v6

package schema

import (
	"bytes"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// compiled is one compiled schema.
type compiled = *jsonschema.Schema

func compile(url string, data []byte) (compiled, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// validate returns the leaves of the library's error tree.
func validate(s compiled, doc any) ([]Problem, error) {
	err := s.Validate(doc)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err
	}
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
	return out, nil
}
