package validation

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParseJSONDecodesAsEncodingJSON(t *testing.T) {
	for _, in := range []string{`{"a":[1,2.5,"x\u00e9",true,null],"b":{}}`, ` "s" `, `-0`, `{"a":1,"a":2}`} {
		var want any
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		got, ok := ParseJSON([]byte(in))
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseJSON(%q) = %#v, %v; encoding/json %#v", in, got, ok, want)
		}
	}
	// Not JSON, or not UTF-8 (encoding/json would decode that one): the caller asks
	// encoding/json.
	for _, in := range []string{``, `{`, `{"a":1} x`, "\"\xff\"", "{\"a\":\"\xc3\"}"} {
		if v, ok := ParseJSON([]byte(in)); ok {
			t.Errorf("ParseJSON(%q) = %#v, ok", in, v)
		}
	}
}
