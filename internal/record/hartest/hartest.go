// Package hartest checks HAR documents against the HAR 1.2 JSON Schema of the npm
// package har-schema (vendored in schema/, see its README). Only tests import it.
package hartest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed schema/*.json
var files embed.FS

// base is where the schema files are put: their $ids ("log.json#") are relative.
const base = "https://har-schema.invalid/"

// Schema compiles har.json, the schema of a whole HAR document.
func Schema() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft6
	c.AssertFormat = true
	names, err := fs.Glob(files, "schema/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(base+path.Base(name), bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return c.Compile(base + "har.json")
}

// Check validates a HAR document against the schema.
func Check(doc []byte) error {
	s, err := Schema()
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return s.Validate(v)
}
