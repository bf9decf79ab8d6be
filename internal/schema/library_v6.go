//go:build jsonschema_v6

package schema

import (
	"bytes"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/whk-cli/whk/internal/jsonpointer"
)

// compiled is one compiled schema.
type compiled = *jsonschema.Schema

// printer renders the library's messages; it is safe for concurrent use.
var printer = message.NewPrinter(language.English)

func compile(url string, data []byte) (compiled, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// validate returns the leaves of the library's error tree.
func validate(s compiled, doc any) ([]Problem, error) {
	return leaves(s.Validate(doc),
		func(e *jsonschema.ValidationError) []*jsonschema.ValidationError { return e.Causes },
		func(e *jsonschema.ValidationError) Problem {
			return Problem{Pointer: jsonpointer.Join(e.InstanceLocation...), Message: e.ErrorKind.LocalizedString(printer)}
		})
}
