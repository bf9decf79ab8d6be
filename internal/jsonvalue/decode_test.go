package jsonvalue

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeGivesEncodingJSONValues(t *testing.T) {
	for _, in := range []string{`{"a":[1,2.5,"x\u00e9",true,null],"b":{}}`, ` "s" `, `-0`, `{"a":1,"a":2}`} {
		var want any
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		got, err := Decode([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Decode(%q) = %#v, %v; encoding/json %#v", in, got, err, want)
		}
	}
}

func TestDecodeSaysWhatIsWrongAndWhere(t *testing.T) {
	tests := []struct {
		name, in string
		msg      string
		offset   int64
	}{
		{"empty", ``, "empty: no JSON value", -1},
		{"whitespace only", " \n\t", "empty: no JSON value", -1},
		{"a NUL byte", `{"a":"` + "\x00" + `"}`, "binary data, not JSON: a NUL byte", 6},
		{"invalid UTF-8 in a string", "{\"a\":\"\xff\"}", "invalid UTF-8", 6},
		{"cut short", `{"a":`, "malformed JSON: unexpected end of input", 5},
		{"a stray character", `{"a":1} x`, "malformed JSON: invalid character 'x' after top-level value", 8},
		{"a number out of range", `{"n":1e400}`, "number 1e400 is out of range", 10},
		{"nested too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), "malformed JSON: nested more than 10000 levels deep", MaxDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%.40q) error %v, want an *Error", tt.in, err)
			}
			if e.Msg != tt.msg || e.Offset != tt.offset {
				t.Errorf("Decode(%.40q) = %q at %d, want %q at %d", tt.in, e.Msg, e.Offset, tt.msg, tt.offset)
			}
		})
	}
}

// FuzzDecode holds Decode to encoding/json: the same value when it accepts, an *Error
// at an offset inside the input when it refuses, and never accepting invalid UTF-8.
func FuzzDecode(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Add([]byte("{\"a\":\"\xc3\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%q) error %T %v", data, err, err)
			}
			if e.Offset > int64(len(data)) {
				t.Fatalf("Decode(%q) offset %d past the end", data, e.Offset)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("Decode(%q) accepted invalid UTF-8", data)
		}
		var want any
		if jerr := json.Unmarshal(data, &want); jerr != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %#v, encoding/json = %#v, %v", data, got, want, jerr)
		}
	})
}
