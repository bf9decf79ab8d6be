package schema

import (
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"time"
)

// A prefilter answers, much faster than the library, whether a document is certainly
// valid against a generated schema. It is compiled from the schema itself, and only when
// every keyword in it is one of a few whose meaning is plain (type, required,
// properties, const and enum of strings, booleans and null, pattern, items, contains,
// allOf, if/then, not, and the date-time and email formats); otherwise there is none.
//
// It never decides that a document is invalid: "yes" skips the library, anything else
// goes to the library, which reports the errors. Formats are checked against a strict
// subset of what the library accepts (a date-time must look like
// 2026-06-16T14:32:07.120Z or carry a ±hh:mm offset, no leap second), and a string
// outside the subset is "unknown", not "no", so the answer stays sound inside not and
// if. TestPrefilterAgreesWithLibrary holds it to the library on mutated examples.
//
// Validating a valid delivery is most of what `whk validate` does, and the library
// allocates for every value it visits: the prefilter makes that part several times
// cheaper and changes no result.
type prefilter struct{ root *pnode }

// verdict is three-valued so that not and if stay sound with partial format checks.
type verdict uint8

const (
	no verdict = iota
	unknown
	yes
)

func and(a, b verdict) verdict { return min(a, b) }

type pnode struct {
	never    bool
	types    uint8 // bit set of jsonTypes; 0 = any
	required []string
	props    map[string]*pnode
	consts   []any // const (one value) or enum: strings, bools and nil only
	hasEnum  bool
	format   string
	pattern  *regexp.Regexp
	items    *pnode
	contains *pnode
	allOf    []*pnode
	ifN      *pnode
	thenN    *pnode
	not      *pnode
}

const (
	tObject uint8 = 1 << iota
	tArray
	tString
	tNumber
	tInteger
	tBoolean
	tNull
)

var typeBits = map[string]uint8{
	"object": tObject, "array": tArray, "string": tString, "number": tNumber,
	"integer": tInteger, "boolean": tBoolean, "null": tNull,
}

// annotations are keywords that do not affect validity.
var annotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true}

// newPrefilter compiles a schema document, or returns nil when it uses anything the
// prefilter does not handle.
func newPrefilter(data []byte) *prefilter {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil
	}
	root, ok := compileNode(doc)
	if !ok {
		return nil
	}
	return &prefilter{root}
}

func compileNode(v any) (*pnode, bool) {
	switch v := v.(type) {
	case bool:
		return &pnode{never: !v}, true
	case map[string]any:
		n := &pnode{}
		for k, val := range v {
			if annotations[k] {
				continue
			}
			if !n.set(k, val) {
				return nil, false
			}
		}
		if n.thenN != nil && n.ifN == nil {
			n.thenN = nil // then without if is ignored
		}
		return n, true
	}
	return nil, false
}

// set compiles one keyword into n; false means the keyword or its value is not handled.
func (n *pnode) set(k string, val any) bool {
	var ok bool
	switch k {
	case "type":
		switch t := val.(type) {
		case string:
			n.types, ok = typeBits[t], typeBits[t] != 0
		case []any:
			ok = len(t) > 0
			for _, x := range t {
				s, _ := x.(string)
				if typeBits[s] == 0 {
					return false
				}
				n.types |= typeBits[s]
			}
		}
		return ok
	case "required":
		list, isList := val.([]any)
		for _, x := range list {
			s, isStr := x.(string)
			if !isStr {
				return false
			}
			n.required = append(n.required, s)
		}
		return isList
	case "properties":
		m, isMap := val.(map[string]any)
		n.props = map[string]*pnode{}
		for name, sub := range m {
			if n.props[name], ok = compileNode(sub); !ok {
				return false
			}
		}
		return isMap
	case "const":
		n.consts = []any{val}
		return simpleValue(val)
	case "enum":
		list, isList := val.([]any)
		for _, x := range list {
			if !simpleValue(x) {
				return false
			}
		}
		n.consts, n.hasEnum = list, true
		return isList
	case "format":
		s, _ := val.(string)
		n.format = s
		return s == "date-time" || s == "email"
	case "pattern":
		s, isStr := val.(string)
		if !isStr {
			return false
		}
		re, err := regexp.Compile(s) // the library compiles patterns with regexp too
		n.pattern = re
		return err == nil
	case "items", "contains", "if", "then", "not":
		sub := map[string]**pnode{"items": &n.items, "contains": &n.contains, "if": &n.ifN, "then": &n.thenN, "not": &n.not}[k]
		*sub, ok = compileNode(val)
		return ok
	case "allOf":
		list, isList := val.([]any)
		for _, x := range list {
			sub, ok := compileNode(x)
			if !ok {
				return false
			}
			n.allOf = append(n.allOf, sub)
		}
		return isList && len(list) > 0
	}
	return false
}

// simpleValue: const and enum values the prefilter compares exactly. Numbers are left
// to the library, which compares them as decimals.
func simpleValue(v any) bool {
	switch v.(type) {
	case string, bool, nil:
		return true
	}
	return false
}

// valid reports whether doc is certainly valid.
func (p *prefilter) valid(doc any) bool { return p.root.check(doc) == yes }

func (n *pnode) check(v any) verdict {
	switch v.(type) {
	case map[string]any, []any, string, float64, bool, nil:
	default:
		return unknown // json.Number and the like: the library knows them
	}
	if n.never {
		return no
	}
	if n.types != 0 && !n.typeOK(v) {
		return no
	}
	if n.consts != nil && !n.inConsts(v) {
		return no
	}
	out := yes
	switch x := v.(type) {
	case string:
		if n.pattern != nil && !n.pattern.MatchString(x) {
			return no
		}
		if n.format != "" && !formatOK(n.format, x) {
			out = unknown
		}
	case map[string]any:
		for _, k := range n.required {
			if _, ok := x[k]; !ok {
				return no
			}
		}
		for k, sub := range n.props {
			if val, ok := x[k]; ok {
				if out = and(out, sub.check(val)); out == no {
					return no
				}
			}
		}
	case []any:
		if n.items != nil {
			for _, el := range x {
				if out = and(out, n.items.check(el)); out == no {
					return no
				}
			}
		}
		if n.contains != nil {
			best := no
			for _, el := range x {
				if best = max(best, n.contains.check(el)); best == yes {
					break
				}
			}
			if out = and(out, best); out == no {
				return no
			}
		}
	}
	for _, sub := range n.allOf {
		if out = and(out, sub.check(v)); out == no {
			return no
		}
	}
	if n.ifN != nil && n.thenN != nil {
		switch n.ifN.check(v) {
		case yes:
			out = and(out, n.thenN.check(v))
		case unknown:
			if n.thenN.check(v) != yes {
				out = and(out, unknown)
			}
		}
	}
	if n.not != nil {
		switch n.not.check(v) {
		case yes:
			return no
		case unknown:
			out = and(out, unknown)
		}
	}
	return out
}

func (n *pnode) typeOK(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return n.types&tObject != 0
	case []any:
		return n.types&tArray != 0
	case string:
		return n.types&tString != 0
	case bool:
		return n.types&tBoolean != 0
	case nil:
		return n.types&tNull != 0
	case float64:
		if n.types&tNumber != 0 {
			return true
		}
		return n.types&tInteger != 0 && !math.IsInf(x, 0) && x == math.Trunc(x)
	}
	return false
}

func (n *pnode) inConsts(v any) bool {
	switch v.(type) {
	case string, bool, nil:
	default:
		return false
	}
	for _, c := range n.consts {
		if c == v {
			return true
		}
	}
	return false
}

// formatOK accepts a strict subset of what the library accepts for the format.
func formatOK(format, s string) bool {
	switch format {
	case "date-time":
		return dateTimeOK(s)
	case "email":
		return emailOK(s)
	}
	return false
}

// dateTimeOK: YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm), a real calendar date, seconds
// below 60.
func dateTimeOK(s string) bool {
	if len(s) < 20 || s[10] != 'T' {
		return false
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return false
	}
	t := s[11:]
	if !twoDigits(t, 0, 23) || t[2] != ':' || !twoDigits(t, 3, 59) || t[5] != ':' || !twoDigits(t, 6, 59) {
		return false
	}
	t = t[8:]
	if strings.HasPrefix(t, ".") {
		i := 1
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		t = t[i:]
	}
	if t == "Z" {
		return true
	}
	return len(t) == 6 && (t[0] == '+' || t[0] == '-') && twoDigits(t, 1, 23) && t[3] == ':' && twoDigits(t, 4, 59)
}

func twoDigits(s string, at, maxVal int) bool {
	if at+2 > len(s) {
		return false
	}
	a, b := s[at], s[at+1]
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return false
	}
	return int(a-'0')*10+int(b-'0') <= maxVal
}

// emailOK: local@domain with a plain dot-atom local part of letters, digits and ._+-,
// and a hostname of two or more labels.
func emailOK(s string) bool {
	if len(s) > 254 || strings.Count(s, "@") != 1 {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) == 0 || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, c := range local {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '+' || c == '-') {
			return false
		}
	}
	if len(domain) > 253 {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
