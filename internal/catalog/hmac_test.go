package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A declarative HMAC scheme that cannot work is one error line naming the file and
// saying what is wrong, when the catalog loads.
func TestLoadRejectsBadHMACSchemes(t *testing.T) {
	tests := []struct{ name, scheme, says string }{
		{"unknown part", `"header":"X-Sig","signed":"{body}.{nonce}"`, `scheme.signed: unknown part {nonce} (one of {body}, {timestamp}, {id}, {header:Name})`},
		{"unclosed part", `"header":"X-Sig","signed":"{body"`, `scheme.signed: "{body" is not closed`},
		{"stray brace", `"header":"X-Sig","signed":"{body}}"`, `a "}" closes no part`},
		{"header part without a name", `"header":"X-Sig","signed":"{header}.{body}"`, `unknown part {header}`},
		{"header part with a bad name", `"header":"X-Sig","signed":"{header:X Y}.{body}"`, `is not an HTTP header name`},
		{"two parts run together", `"header":"X-Sig","signed":"{timestamp}{body}","timestamp_header":"X-Ts"}`, `nothing between them`},
		{"body not signed", `"header":"X-Sig","signed":"{timestamp}","timestamp_header":"X-Ts"`, `must name {body}`},
		{"unknown algorithm", `"header":"X-Sig","algorithm":"md5"`, `scheme.algorithm: unknown algorithm "md5" (one of sha256, sha1, sha512)`},
		{"unknown key form", `"header":"X-Sig","key":"hex"`, `scheme.key: unknown key "hex" (one of raw, base64, whsec)`},
		{"unknown encoding", `"header":"X-Sig","encoding":"base32"`, `scheme.encoding: unknown encoding "base32" (one of hex, base64)`},
		{"no header", `"signed":"{body}"`, `scheme.header is required`},
		{"value without the signature", `"header":"X-Sig","value":"sha256="`, `scheme.value must name {signature} once`},
		{"value part unknown", `"header":"X-Sig","value":"{sig}"`, `scheme.value: unknown part {sig} (one of {signature}, {timestamp}, {id})`},
		{"value with a body", `"header":"X-Sig","value":"{body}"`, `unknown part {body}`},
		{"timestamp carried nowhere", `"header":"X-Sig","signed":"{timestamp}.{body}"`, `nothing carries it: set scheme.timestamp_header or put {timestamp} in scheme.value`},
		{"id carried twice", `"header":"X-Sig","signed":"{id}.{body}","id_header":"X-Id","value":"{id}:{signature}"`, `keep one`},
		{"prefix and value", `"header":"X-Sig","prefix":"sha256=","value":"v1={signature}"`, `scheme.prefix and scheme.value`},
		{"tolerance without a timestamp", `"header":"X-Sig","tolerance":"1m"`, `names no {timestamp}`},
		{"tolerance too long", `"header":"X-Sig","signed":"{timestamp}.{body}","timestamp_header":"X-Ts","tolerance":"48h"`, `out of range`},
		{"separator inside the value", `"header":"X-Sig","value":"v1 {signature}","separator":" "`, `holds the separator`},
		{"odd separator", `"header":"X-Sig","separator":";"`, `scheme.separator ";"`},
		{"control character in the value", `"header":"X-Sig","value":"v1\r\n{signature}"`, `control character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			body := `{"id":"x","scheme":{"name":"hmac",` + strings.TrimSuffix(tt.scheme, "}") + `},"success":{"rule":"2xx"},"type_at":"/type","events":[]}`
			if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatalf("Load accepted %s", body)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "catalog "+filepath.Join(dir, "x.json")+": provider x: ") || !strings.Contains(msg, tt.says) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q, want one line naming the file and saying %q", msg, tt.says)
			}
		})
	}
}

// The old scheme names are presets of the declarative form, read in one place.
func TestHMACPresets(t *testing.T) {
	c := MustBuiltin()
	tests := []struct {
		provider, signed, value, key, encoding, header string
		tolerance                                      time.Duration
	}{
		{"clment", "{body}", "sha256={signature}", "raw", "hex", "X-Clment-Signature", 0},
		{"contract-as-code", "{body}", "sha256={signature}", "raw", "hex", "X-Lac-Signature", 0},
		{"standard-webhooks", "{id}.{timestamp}.{body}", "v1,{signature}", "whsec", "base64", "webhook-signature", 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			p, err := c.Provider(tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			spec, ok, err := p.Scheme.HMAC()
			if err != nil || !ok {
				t.Fatalf("HMAC() = %v, %v", ok, err)
			}
			if spec.Signed.String() != tt.signed || spec.Value.String() != tt.value || spec.Key != tt.key || spec.Encoding != tt.encoding || spec.Header != tt.header || spec.Algorithm != "sha256" || spec.Tolerance != tt.tolerance {
				t.Fatalf("spec %+v", spec)
			}
		})
	}
	for _, id := range []string{"ironclad", "oneflow", "cm-sign"} {
		p, _ := c.Provider(id)
		if _, ok, err := p.Scheme.HMAC(); ok || err != nil {
			t.Errorf("%s is not an HMAC scheme, yet HMAC() = %v, %v", id, ok, err)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name, in string
		parts    []Part
	}{
		{"body alone", "{body}", []Part{{Name: "body"}}},
		{"Standard Webhooks", "{id}.{timestamp}.{body}", []Part{{Name: "id"}, {Literal: "."}, {Name: "timestamp"}, {Literal: "."}, {Name: "body"}}},
		{"a header value", "v0:{header:X-Slack-Request-Timestamp}:{body}", []Part{{Literal: "v0:"}, {Name: "header", Arg: "X-Slack-Request-Timestamp"}, {Literal: ":"}, {Name: "body"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTemplate(tt.in, PartBody, PartTimestamp, PartID, PartHeader)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.parts) {
				t.Fatalf("got %+v", got)
			}
			for i := range got {
				if got[i] != tt.parts[i] {
					t.Fatalf("part %d: %+v, want %+v", i, got[i], tt.parts[i])
				}
			}
			if got.String() != tt.in {
				t.Fatalf("written back as %q", got.String())
			}
		})
	}
}

// The template parser takes any text without panicking; what it accepts names only
// the allowed parts, never two in a row, and writes back to the same text.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"{body}", "{id}.{timestamp}.{body}", "t={timestamp},v1={signature}", "{header:X-A}{body}", "{", "}", "{{body}}", "{header:}", "a{b:c}d", "v1,{signature}"} {
		f.Add(s)
	}
	allowed := []string{PartBody, PartTimestamp, PartID, PartHeader}
	f.Fuzz(func(t *testing.T, s string) {
		tmpl, err := ParseTemplate(s, allowed...)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		if tmpl.String() != s {
			t.Fatalf("%q written back as %q", s, tmpl.String())
		}
		for i, p := range tmpl {
			switch {
			case p.Name == "" && (p.Literal == "" || strings.ContainsAny(p.Literal, "{}")):
				t.Fatalf("literal %q", p.Literal)
			case p.Name != "" && !contains(allowed, p.Name):
				t.Fatalf("part {%s} is not allowed", p.Name)
			case p.Name == PartHeader && checkHeaderName("", p.Arg) != nil:
				t.Fatalf("{header:%s} accepted", p.Arg)
			case p.Name != "" && i > 0 && tmpl[i-1].Name != "":
				t.Fatalf("two parts in a row: %+v", tmpl)
			}
		}
	})
}

// The scheme descriptions docs/guides/custom-catalog.md shows are the ones whk uses:
// Standard Webhooks' is its preset, the others are those of docs/examples/schemes.
func TestGuideSchemesAreTheRealOnes(t *testing.T) {
	guide, err := os.ReadFile("../../docs/guides/custom-catalog.md")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load("../../docs/examples/schemes")
	if err != nil {
		t.Fatal(err)
	}
	byHeader := map[string]Scheme{}
	for _, p := range c.Providers() {
		byHeader[p.Scheme.Header] = p.Scheme
	}
	std, _ := MustBuiltin().Provider("standard-webhooks")
	byHeader["webhook-signature"] = std.Scheme
	seen := 0
	for _, block := range strings.Split(string(guide), "```json\n")[1:] {
		block = block[:strings.Index(block, "```")]
		if !strings.HasPrefix(block, `"scheme": {`) {
			continue
		}
		var shown struct{ Scheme Scheme }
		dec := json.NewDecoder(strings.NewReader("{" + block + "}"))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&shown); err != nil {
			t.Fatalf("%s: %v", block, err)
		}
		real, ok := byHeader[shown.Scheme.Header]
		if !ok {
			t.Fatalf("the guide shows a scheme for %s, which no example or preset has", shown.Scheme.Header)
		}
		a, _, errA := shown.Scheme.HMAC()
		b, _, errB := real.HMAC()
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("the guide's %s scheme\n%+v (%v)\nis not whk's\n%+v (%v)", shown.Scheme.Header, a, errA, b, errB)
		}
		seen++
	}
	if seen != 4 {
		t.Fatalf("the guide shows %d scheme descriptions, want Standard Webhooks' and the three examples'", seen)
	}
}
