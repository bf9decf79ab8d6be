package jsontree

import (
	"encoding/json"
	"testing"
)

func TestRoundTripKeepsOrderAndNumbers(t *testing.T) {
	in := `{"z":1,"a":{"y":12450.00,"b":[1,{"k":"<&>"}]},"n":null,"t":true}`
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("got %s", out)
	}
}

func TestSetPath(t *testing.T) {
	tests := []struct {
		name, in, path, value, want string
		ok                          bool
	}{
		{"nested number", `{"payload":{"overallRisk":"medium"}}`, "payload.overallRisk", "42", `{"payload":{"overallRisk":42}}`, true},
		{"quoted stays a string", `{"a":1}`, "a", `"42"`, `{"a":"42"}`, true},
		{"bare text is a string", `{"a":1}`, "a", `high`, `{"a":"high"}`, true},
		{"null", `{"a":1}`, "a", `null`, `{"a":null}`, true},
		{"array index", `{"events":[{"type":"x"}]}`, "events.0.type", "contract:sign", `{"events":[{"type":"contract:sign"}]}`, true},
		{"new key appended", `{"a":1}`, "b.c", "true", `{"a":1,"b":{"c":true}}`, true},
		{"index out of range", `{"events":[]}`, "events.3.type", "x", ``, false},
		{"inside a string", `{"a":"s"}`, "a.b", "1", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, _ := Parse([]byte(tt.in))
			got, err := SetPath(root, tt.path, ParseSetValue(tt.value))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok {
				return
			}
			b, _ := Marshal(got)
			if string(b) != tt.want {
				t.Fatalf("got %s, want %s", b, tt.want)
			}
		})
	}
}

func TestSetPointerWildcard(t *testing.T) {
	root, _ := Parse([]byte(`{"events":[{"t":1},{"t":2}],"x":{"t":3}}`))
	n := SetPointer(root, "/events/*/t", func(any) any { return "new" })
	b, _ := Marshal(root)
	if n != 2 || string(b) != `{"events":[{"t":"new"},{"t":"new"}],"x":{"t":3}}` {
		t.Fatalf("%d %s", n, b)
	}
	if got := Get(root, "/x/t"); len(got) != 1 {
		t.Fatalf("Get: %v", got)
	}
}

// Pointers into ordered trees decode ~0 and ~1 the way catalog's lookups do; before
// jsonpointer, Get and SetPointer read "/a~1b" as the key "a~1b".
func TestPointersUnescape(t *testing.T) {
	root, _ := Parse([]byte(`{"a/b":{"m~n":1},"a~1b":{"m~0n":2}}`))
	got := Get(root, "/a~1b/m~0n")
	if len(got) != 1 || got[0] != json.Number("1") {
		t.Fatalf("Get = %v, want [1]", got)
	}
	if n := SetPointer(root, "/a~1b/m~0n", func(any) any { return "x" }); n != 1 {
		t.Fatalf("SetPointer replaced %d values", n)
	}
	b, _ := Marshal(root)
	if string(b) != `{"a/b":{"m~n":"x"},"a~1b":{"m~0n":2}}` {
		t.Fatalf("after SetPointer: %s", b)
	}
	if n := SetPointer(root, "a/b", func(any) any { return "x" }); n != 0 {
		t.Fatalf("SetPointer on an invalid pointer replaced %d values", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,{"b":null}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if err != nil {
			return
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("marshal after parse: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
	})
}
