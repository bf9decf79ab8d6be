package jsonpointer

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestEscapeUnescape(t *testing.T) {
	tests := []struct {
		name, token, escaped string
	}{
		{"plain key", "type", "type"},
		{"empty key", "", ""},
		{"slash", "a/b", "a~1b"},
		{"tilde", "m~n", "m~0n"},
		{"tilde then one stays a tilde", "~1", "~01"},
		{"both", "~/", "~0~1"},
		{"unicode", "prénom", "prénom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.token); got != tt.escaped {
				t.Errorf("Escape(%q) = %q, want %q", tt.token, got, tt.escaped)
			}
			got, err := Unescape(tt.escaped)
			if err != nil || got != tt.token {
				t.Errorf("Unescape(%q) = %q, %v; want %q", tt.escaped, got, err, tt.token)
			}
		})
	}
}

func TestUnescapeRejectsBadEscapes(t *testing.T) {
	for _, s := range []string{"~", "a~", "~2", "~a", "x~~0"} {
		if got, err := Unescape(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("Unescape(%q) = %q, %v; want ErrSyntax", s, got, err)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name    string
		pointer string
		want    []string
		err     bool
	}{
		{"whole document", "", nil, false},
		{"root key named empty", "/", []string{""}, false},
		{"two tokens", "/events/0", []string{"events", "0"}, false},
		{"escaped tokens decoded", "/a~1b/m~0n", []string{"a/b", "m~n"}, false},
		{"empty token in the middle kept", "/a//b", []string{"a", "", "b"}, false},
		{"trailing slash is an empty key", "/a/", []string{"a", ""}, false},
		{"no leading slash", "a/b", nil, true},
		{"header reference is not a pointer", "header:webhook-id", nil, true},
		{"bad escape", "/a~2", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.pointer)
			if (err != nil) != tt.err {
				t.Fatalf("Split(%q) error = %v, want error %v", tt.pointer, err, tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q) = %q, want %q", tt.pointer, got, tt.want)
			}
		})
	}
}

func TestJoinAndAppend(t *testing.T) {
	if got := Join(); got != "" {
		t.Errorf("Join() = %q, want the whole document", got)
	}
	if got := Join("a/b", "", "0"); got != "/a~1b//0" {
		t.Errorf("Join = %q", got)
	}
	if got := Append("/data", "m~n"); got != "/data/m~0n" {
		t.Errorf("Append = %q", got)
	}
}

// orderedObject stands in for jsontree.Object, which imports this package.
type orderedObject map[string]any

func (o orderedObject) Field(name string) (any, bool) { v, ok := o[name]; return v, ok }

func TestResolve(t *testing.T) {
	// RFC 6901 section 5's document, plus an array of events.
	var doc any
	if err := json.Unmarshal([]byte(`{
		"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4,
		"i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8, "*": "star",
		"events": [{"type": "a"}, {"type": "b"}, {"kind": "c"}]
	}`), &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pointer string
		want    []any
	}{
		{"whole document", "", []any{doc}},
		{"array", "/foo", []any{[]any{"bar", "baz"}}},
		{"array element", "/foo/0", []any{"bar"}},
		{"empty key", "/", []any{0.0}},
		{"escaped slash", "/a~1b", []any{1.0}},
		{"percent is not special", "/c%d", []any{2.0}},
		{"caret", "/e^f", []any{3.0}},
		{"pipe", "/g|h", []any{4.0}},
		{"backslash", "/i\\j", []any{5.0}},
		{"quote", "/k\"l", []any{6.0}},
		{"space", "/ ", []any{7.0}},
		{"escaped tilde", "/m~0n", []any{8.0}},
		{"wildcard over an array in order", "/events/*/type", []any{"a", "b"}},
		{"wildcard on an object is the key *", "/*", []any{"star"}},
		{"index past the end", "/foo/2", nil},
		{"leading zero is not an index", "/foo/01", nil},
		{"sign is not an index", "/foo/+1", nil},
		{"dash (past the end) resolves nowhere", "/foo/-", nil},
		{"missing key", "/nope", nil},
		{"into a scalar", "/foo/0/x", nil},
		{"invalid pointer", "foo", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resolve(doc, tt.pointer); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Resolve(%q) = %#v, want %#v", tt.pointer, got, tt.want)
			}
		})
	}
}

func TestResolveStepsIntoObjects(t *testing.T) {
	doc := orderedObject{"payload": orderedObject{"event": "signed"}}
	if got := Resolve(doc, "/payload/event"); !reflect.DeepEqual(got, []any{"signed"}) {
		t.Errorf("Resolve through Object = %#v", got)
	}
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", "~", "/", "~1", "~0/~", "a/b~c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		e := Escape(token)
		if strings.Contains(e, "/") {
			t.Fatalf("Escape(%q) = %q still holds a /", token, e)
		}
		got, err := Unescape(e)
		if err != nil || got != token {
			t.Fatalf("Unescape(Escape(%q)) = %q, %v", token, got, err)
		}
	})
}

func FuzzSplitJoin(f *testing.F) {
	for _, s := range []string{"", "/", "//", "/a/b", "/a~1b/m~0n", "/events/*/type", "a", "/~", "/~2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pointer string) {
		tokens, err := Split(pointer)
		if err != nil {
			return
		}
		if got := Join(tokens...); got != pointer {
			t.Fatalf("Join(Split(%q)) = %q", pointer, got)
		}
		again, err := Split(Join(tokens...))
		if err != nil || !reflect.DeepEqual(again, tokens) {
			t.Fatalf("Split(Join(%q)) = %q, %v", tokens, again, err)
		}
	})
}
