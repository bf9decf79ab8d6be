package catalog

import (
	"reflect"
	"testing"
)

func TestFieldPaths(t *testing.T) {
	p := &Provider{
		PayloadAt: "/data/object",
		Envelope:  []Field{{Name: "id", Type: "string", Required: true}, {Name: "data", Type: "object"}},
	}
	e := &Event{Fields: []Field{
		{Name: "signers", Type: "array", Required: true, Items: &Field{Type: "object", Required: true,
			Fields: []Field{{Name: "email", Type: "string"}}}},
		{Name: "meta", Type: "object", Fields: []Field{{Name: "n", Type: "integer"}}},
	}}
	var got []string
	required := map[string]bool{}
	for _, f := range p.FieldPaths(e) {
		got = append(got, f.Path)
		required[f.Path] = f.Required
	}
	want := []string{"id", "data", "data.object.signers", "data.object.signers[]", "data.object.signers[].email", "data.object.meta", "data.object.meta.n"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paths %q, want %q", got, want)
	}
	if !required["data.object.signers"] || required["data.object.signers[]"] {
		t.Fatalf("an array is required on its own terms, its items never: %v", required)
	}
}
