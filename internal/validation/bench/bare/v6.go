//go:build bare_v6

package main

import "github.com/santhosh-tekuri/jsonschema/v6"

func compile(path string) (func(any) bool, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	s, err := c.Compile(path)
	if err != nil {
		return nil, err
	}
	return func(v any) bool { return s.Validate(v) == nil }, nil
}
