package jsonvalue

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var parseSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e3`, `-12.25E-2`, `true`, `false`, `null`,
	`{"a":1,"b":[1,2,{"c":null}],"d":"x\"y\\z\/\b\f\n\r\t"}`,
	`"\u00e9\ud83d\ude00\ud800\u0041\udc00x"`, `"\ud800\ud800"`,
	` { "k" : [ 1 , 2 ] } `, `{"a":1}x`, `{"a":1,}`, `[1,]`, `01`, `1.`, `.5`, `1e`, `-`,
	`"a` + "\x01" + `"`, `"\x"`, `"\u12"`, `{"a" 1}`, `{1:2}`, `[1 2]`, `tru`, `nul`,
	`1e400`, `{"a":{"a":{"a":[]}}}`, `{"dup":1,"dup":2}`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

// FuzzParse holds the fast parser to encoding/json: same value when both accept, and
// never accepting what encoding/json rejects.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // Decode rejects it before parsing
		}
		var want any
		wantErr := json.Unmarshal(data, &want)
		got, ok := Parse(data)
		if ok != (wantErr == nil) {
			t.Fatalf("Parse(%q) ok = %v, encoding/json error = %v", data, ok, wantErr)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json = %#v", data, got, want)
		}
	})
}
