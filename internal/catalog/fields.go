package catalog

import "strings"

// FieldPath is one field of a delivery named by its dotted path: "payload.reviewId",
// "signers[]" for an array's items, "signers[].email" for their fields.
type FieldPath struct {
	Path string
	Field
}

// FieldPaths flattens the envelope and e's own fields (under PayloadAt) into dotted
// paths, parents before children. An array's items are never required on their own.
func (p *Provider) FieldPaths(e *Event) []FieldPath {
	var out []FieldPath
	var walk func(prefix string, fs []Field)
	walk = func(prefix string, fs []Field) {
		for _, f := range fs {
			name := prefix + f.Name
			out = append(out, FieldPath{name, f})
			walk(name+".", f.Fields)
			if f.Items != nil {
				it := *f.Items
				it.Required = false
				out = append(out, FieldPath{name + "[]", it})
				walk(name+"[].", it.Fields)
			}
		}
	}
	walk("", p.Envelope)
	prefix := strings.ReplaceAll(strings.Trim(p.PayloadAt, "/"), "/", ".")
	if prefix != "" {
		prefix += "."
	}
	walk(prefix, e.Fields)
	return out
}
