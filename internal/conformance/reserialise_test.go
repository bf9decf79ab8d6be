package conformance

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestRewriteJSON(t *testing.T) {
	tests := []struct {
		name            string
		in              string
		spaced, escaped bool
		want            string
	}{
		{"spaced between tokens only", `{"a":[1,2],"b":"x, y: z"}`, true, false, `{"a": [1, 2], "b": "x, y: z"}`},
		{"slash escaped", `{"url":"https://example.com/a"}`, false, true, `{"url":"https:\/\/example.com\/a"}`},
		{"non-ASCII as lower-case \\u", `{"t":"Standard SaaS — café"}`, false, true, `{"t":"Standard SaaS \u2014 caf\u00e9"}`},
		{"beyond U+FFFF as a surrogate pair", `{"e":"😀"}`, false, true, `{"e":"\ud83d\ude00"}`},
		{"escapes already there kept", `{"q":"a\"/\\","u":"\u00e9"}`, false, true, `{"q":"a\"\/\\","u":"\u00e9"}`},
		{"keys escaped like values", `{"é/":1}`, false, true, `{"\u00e9\/":1}`},
		{"nothing to escape", `{"a":"b"}`, false, true, `{"a":"b"}`},
		{"both", `{"a":"/","b":2}`, true, true, `{"a": "\/", "b": 2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(rewriteJSON([]byte(tt.in), tt.spaced, tt.escaped))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			sameValue(t, []byte(tt.in), []byte(got))
		})
	}
}

// FuzzBodyForms: every body form of a JSON document is JSON with the same value.
func FuzzBodyForms(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.50,{"b":"c/d"}],"e":"é😀\u00e9\"\\"}`, `[]`, `"x"`, `{"k":null,"t":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		var compact bytes.Buffer
		if json.Compact(&compact, b) != nil {
			t.Fatal("json.Compact failed on valid JSON")
		}
		for _, form := range bodyForms {
			sameValue(t, compact.Bytes(), form.rewrite(compact.Bytes()))
		}
	})
}

func sameValue(t *testing.T, a, b []byte) {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("rewritten %s is not JSON: %v", b, err)
	}
	if !reflect.DeepEqual(va, vb) {
		t.Errorf("%s and %s differ in value", a, b)
	}
}
