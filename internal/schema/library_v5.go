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
	return leaves(s.Validate(doc),
		func(e *jsonschema.ValidationError) []*jsonschema.ValidationError { return e.Causes },
		func(e *jsonschema.ValidationError) Problem {
			return Problem{Pointer: e.InstanceLocation, Message: e.Message}
		})
}
