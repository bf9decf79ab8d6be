package schema

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schemagen"
)

// Every event schema gets a prefilter, and it passes every example; schemas with
// keywords it does not handle (the strict ones, the provider ones with $ref) get none.
func TestPrefilterCoversEventSchemas(t *testing.T) {
	for _, p := range catalog.MustBuiltin().Providers() {
		for _, e := range p.Events {
			data, err := schemagen.EventSchema(p, e, schemagen.Options{})
			if err != nil {
				t.Fatal(err)
			}
			pf := newPrefilter(data)
			if pf == nil {
				t.Errorf("%s %s: no prefilter", p.ID, e.Type)
				continue
			}
			if !pf.valid(decode(t, e.Example)) {
				t.Errorf("%s %s: the prefilter does not pass the example", p.ID, e.Type)
			}
			strict, _ := schemagen.EventSchema(p, e, schemagen.Options{Strict: true})
			if e.Documented && len(e.Fields) > 0 && newPrefilter(strict) != nil {
				t.Errorf("%s %s: a prefilter for a strict schema", p.ID, e.Type)
			}
		}
		if len(p.Events) > 0 && p.ID != "oneflow" {
			data, _ := schemagen.ProviderSchema(p, schemagen.Options{})
			if newPrefilter(data) != nil {
				t.Errorf("%s: a prefilter for the provider schema", p.ID)
			}
		}
	}
}

// The prefilter's "certainly valid" must never disagree with the library: thousands of
// randomly mutated examples of every event, each either passed by both or sent to the
// library.
func TestPrefilterAgreesWithLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	cat := catalog.MustBuiltin()
	var types []any
	for _, p := range cat.Providers() {
		for _, e := range p.Events {
			types = append(types, e.Type)
		}
	}
	pool := append([]any{nil, true, false, 0.0, 1.5, 42.0, -1.0, 1e21, "", "x", "42",
		"2026-06-16T14:32:07.120Z", "2026-02-30T10:00:00Z", "2026-06-16T24:00:00Z", "2026-06-16t14:32:07Z",
		"2026-06-16T23:59:60Z", "2026-06-16T14:32:07+02:00", "2026-06-16T14:32:07+0200", "2020-07-06T15:14:14+0000",
		"a@b.co", "a@b", "@b.co", "a..b@c.de", "a@-b.co", `"q"@b.co`, "a@[127.0.0.1]",
		"finding", "review", "draft", "counterparty", "approved", map[string]any{}, []any{}, map[string]any{"zz": 1.0}}, types...)
	stats := map[string]int{}
	for _, p := range cat.Providers() {
		for _, e := range p.Events {
			data, _ := schemagen.EventSchema(p, e, schemagen.Options{})
			pf := newPrefilter(data)
			lib, err := compile(schemagen.ID(schemagen.SchemaPath(p, e)), data)
			if err != nil || pf == nil {
				t.Fatalf("%s %s: %v", p.ID, e.Type, err)
			}
			for i := 0; i < 300; i++ {
				doc := decode(t, e.Example)
				for n := 1 + rng.IntN(3); n > 0; n-- {
					doc = mutate(rng, doc, pool)
				}
				probs, err := validate(lib, doc)
				if err != nil {
					t.Fatal(err)
				}
				switch pass := pf.valid(doc); {
				case pass && len(probs) > 0:
					b, _ := json.Marshal(doc)
					t.Fatalf("%s %s: the prefilter passes what the library rejects (%v):\n%s", p.ID, e.Type, probs, b)
				case pass:
					stats["both pass"]++
				case len(probs) == 0:
					stats["library only"]++
				default:
					stats["both reject"]++
				}
			}
		}
	}
	t.Logf("%v", stats)
	if stats["both reject"] < 1000 || stats["both pass"] < 1000 {
		t.Fatalf("the mutations do not exercise both sides: %v", stats)
	}
}

// mutate changes one random value of doc: deletes it, replaces it from the pool, or adds
// a key next to it.
func mutate(rng *rand.Rand, doc any, pool []any) any {
	var paths [][]any // parent container, key or index
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				paths = append(paths, []any{v, k})
				walk(v[k])
			}
		case []any:
			for i := range v {
				paths = append(paths, []any{v, i})
				walk(v[i])
			}
		}
	}
	walk(doc)
	if len(paths) == 0 {
		return pool[rng.IntN(len(pool))]
	}
	pick := paths[rng.IntN(len(paths))]
	val := pool[rng.IntN(len(pool))]
	if m, ok := val.(map[string]any); ok { // fresh containers, never shared
		c := map[string]any{}
		for k, x := range m {
			c[k] = x
		}
		val = c
	} else if _, ok := val.([]any); ok {
		val = []any{}
	}
	switch c := pick[0].(type) {
	case map[string]any:
		k := pick[1].(string)
		switch rng.IntN(4) {
		case 0:
			delete(c, k)
		case 1:
			c[fmt.Sprintf("new%d", rng.IntN(3))] = val
		default:
			c[k] = val
		}
	case []any:
		c[pick[1].(int)] = val
	}
	return doc
}

// The format subsets accept nothing the library rejects.
func TestPrefilterFormatsAreSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	tests := []struct {
		format string
		ok     func(string) bool
		seeds  []string
		chars  string
	}{
		{"date-time", dateTimeOK, []string{"2026-06-16T14:32:07.120Z", "2024-02-29T23:59:59+14:00", "2026-06-16T00:00:00-00:30"}, "0123456789-:TtZz+. x"},
		{"email", emailOK, []string{"dana.lee@example.com", "a+b@x-y.co.uk", "x@y.z"}, "ab.@-_+\"[]1 "},
	}
	for _, tt := range tests {
		lib, err := compile("https://whk.dev/test/"+tt.format, []byte(`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"string","format":"`+tt.format+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		accepted := 0
		for i := 0; i < 20000; i++ {
			s := []byte(tt.seeds[rng.IntN(len(tt.seeds))])
			for n := rng.IntN(3); n >= 0; n-- {
				j := rng.IntN(len(s))
				switch rng.IntN(3) {
				case 0:
					s[j] = tt.chars[rng.IntN(len(tt.chars))]
				case 1:
					s = append(s[:j], s[j+1:]...)
				default:
					s = append(s[:j], append([]byte{tt.chars[rng.IntN(len(tt.chars))]}, s[j:]...)...)
				}
				if len(s) == 0 {
					s = []byte("x")
				}
			}
			if !tt.ok(string(s)) {
				continue
			}
			accepted++
			if probs, _ := validate(lib, string(s)); len(probs) > 0 {
				t.Fatalf("%s: the prefilter accepts %q, the library says %v", tt.format, s, probs)
			}
		}
		if accepted < 500 {
			t.Errorf("%s: only %d strings accepted", tt.format, accepted)
		}
	}
}

// FuzzPrefilter: for any JSON document and any event schema, the prefilter's "certainly
// valid" holds for the library too.
func FuzzPrefilter(f *testing.F) {
	type target struct {
		name string
		pf   *prefilter
		lib  compiled
	}
	var targets []target
	for _, p := range catalog.MustBuiltin().Providers() {
		for i, e := range p.Events {
			f.Add(uint8(len(targets)), []byte(e.Example))
			if i > 3 {
				continue
			}
			data, _ := schemagen.EventSchema(p, e, schemagen.Options{})
			lib, err := compile(schemagen.ID(schemagen.SchemaPath(p, e)), data)
			if err != nil {
				f.Fatal(err)
			}
			targets = append(targets, target{p.ID + " " + e.Type, newPrefilter(data), lib})
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		var doc any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		tg := targets[int(which)%len(targets)]
		if tg.pf.valid(doc) {
			if probs, _ := validate(tg.lib, doc); len(probs) > 0 {
				t.Fatalf("%s: the prefilter passes %s, the library says %v", tg.name, data, probs)
			}
		}
	})
}
