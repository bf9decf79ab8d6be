package signing

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// Every scheme the catalog can name is registered, and only those.
func TestRegistryMatchesCatalogSchemes(t *testing.T) {
	var registered []string
	for name := range registry {
		registered = append(registered, name)
	}
	want := append([]string{}, catalog.Schemes...)
	sort.Strings(registered)
	sort.Strings(want)
	if strings.Join(registered, ",") != strings.Join(want, ",") {
		t.Fatalf("registered schemes %v, catalog.Schemes %v", registered, want)
	}
}

// A new scheme that forgets a fact, or states one its Sign and Verify contradict,
// fails here: each fact is checked against what the scheme actually does.
func TestEverySchemeStatesItsFacts(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("whsec_" + base64.StdEncoding.EncodeToString([]byte("a test secret of some length")))
	now := time.Unix(1781000000, 0)
	for _, name := range catalog.Schemes {
		t.Run(name, func(t *testing.T) {
			p := providerUsing(t, name)
			s, err := For(p, "")
			if err != nil {
				t.Fatal(err)
			}
			d, ok := s.(Described)
			if !ok {
				t.Fatalf("%T does not implement Described", s)
			}
			f := d.Facts()
			if (f.Header == "") == (f.Field == "") {
				t.Fatalf("want exactly one of Header %q and Field %q", f.Header, f.Field)
			}
			if f.Forged == "" || f.Rejected == "" {
				t.Fatalf("Forged %q and Rejected %q must both be said", f.Forged, f.Rejected)
			}
			if !f.CoversBody && strings.Count(f.Uncovered, "%s") != 1 {
				t.Fatalf("the body is not covered, so Uncovered must say why with one %%s for the provider: %q", f.Uncovered)
			}
			if f.CoversBody && f.Uncovered != "" {
				t.Fatalf("the body is covered, yet Uncovered says %q", f.Uncovered)
			}
			sign, verify := Keys{Secret: secret}, Keys{Secret: secret}
			if f.KeyPair {
				sign, verify = Keys{PrivateKey: rsaKey}, Keys{PublicKey: &rsaKey.PublicKey}
			}
			body := []byte(`{"type":"whk.test","timestamp":"2026-06-16T14:32:07Z","data":{}}`)
			if len(p.Events) > 0 {
				body = p.Events[0].Example
			}
			params := Params{Timestamp: now}
			opts := VerifyOptions{Now: now}
			signed, err := s.Sign(body, sign, params)
			if err != nil {
				t.Fatal(err)
			}
			h := headerOf(signed)
			status := func(body []byte, h http.Header, o VerifyOptions) string {
				t.Helper()
				r, err := s.Verify(body, h, verify, o)
				if err != nil {
					t.Fatal(err)
				}
				return r.Status
			}
			if got := status(signed.Body, h, opts); got != StatusValid {
				t.Fatalf("signed then verified: %s", got)
			}

			// Where the signature travels: without it the request is unsigned, and
			// Present puts it back where Verify reads it.
			stripped, h2, value := strip(t, f, signed.Body, h)
			if got := status(stripped, h2, opts); got != StatusUnsigned {
				t.Fatalf("without its %s%s: %s, want %s", f.Header, f.Field, got, StatusUnsigned)
			}
			back, err := Present(s, stripped, h2, value)
			if err != nil {
				t.Fatal(err)
			}
			if got := status(back, h2, opts); got != StatusValid {
				t.Fatalf("signature presented again: %s", got)
			}
			if got := FactsFor(p); got != f {
				t.Fatalf("FactsFor %+v, Facts %+v", got, f)
			}
			if got := SignatureHeader(s); got != f.Header {
				t.Fatalf("SignatureHeader %q, Facts.Header %q", got, f.Header)
			}

			// Token: the header holds the secret itself.
			if got := h.Get(f.Header); f.Token != (f.Header != "" && got == string(secret)) {
				t.Fatalf("Token %v, but the header holds %q", f.Token, got)
			}
			if got := TokenHeader(s); (got != "") != f.Token {
				t.Fatalf("TokenHeader %q with Token %v", got, f.Token)
			}

			// CoversBody: an added field breaks the signature exactly when it covers the body.
			altered := addField(t, signed.Body)
			if got := status(altered, h, opts); (got == StatusValid) == f.CoversBody {
				t.Fatalf("CoversBody %v, but an altered body verifies %s", f.CoversBody, got)
			}
			if w := f.Warning; w != "" {
				if r, _ := s.Verify(signed.Body, h, verify, opts); len(r.Warnings) == 0 || r.Warnings[len(r.Warnings)-1] != w {
					t.Fatalf("Warning %q is not said on verification: %v", w, r.Warnings)
				}
			}

			// Timestamped: an hour later the same signature is refused.
			later := VerifyOptions{Now: now.Add(time.Hour)}
			if got := status(signed.Body, h, later); (got == StatusValid) == f.Timestamped {
				t.Fatalf("Timestamped %v, but an hour later the signature is %s", f.Timestamped, got)
			}

			// Forge: well-formed, carried the same way, and refused.
			forged, err := d.Forge(body, sign, params)
			if err != nil {
				t.Fatal(err)
			}
			fh := headerOf(forged)
			if got := status(forged.Body, fh, opts); got != StatusInvalid {
				t.Fatalf("forged signature: %s, want %s", got, StatusInvalid)
			}
			fs, ok := Forging(s)
			if !ok {
				t.Fatal("Forging refuses a Described scheme")
			}
			if viaSign, err := fs.Sign(body, sign, params); err != nil || status(viaSign.Body, headerOf(viaSign), opts) != StatusInvalid {
				t.Fatalf("Forging(s).Sign does not forge: %v", err)
			}
		})
	}
}

// A nil scheme (a replay item with no key) states no facts and carries no token.
func TestNilSchemeHasNoFacts(t *testing.T) {
	if _, ok := FactsOf(nil); ok || TokenHeader(nil) != "" || SignatureHeader(nil) != "" {
		t.Fatal("a nil scheme states facts")
	}
}

// providerUsing is the first built-in provider whose scheme is name.
func providerUsing(t *testing.T, name string) *catalog.Provider {
	t.Helper()
	for _, p := range catalog.MustBuiltin().Providers() {
		if p.Scheme.Name == name {
			return p
		}
	}
	t.Fatalf("no built-in provider uses the %s scheme: add one", name)
	return nil
}

// strip removes the signature where Facts says it is, and returns its value.
func strip(t *testing.T, f Facts, body []byte, h http.Header) ([]byte, http.Header, string) {
	t.Helper()
	h = h.Clone()
	if f.Header != "" {
		v := h.Get(f.Header)
		if v == "" {
			t.Fatalf("the signed request has no %s header", f.Header)
		}
		h.Del(f.Header)
		return body, h, v
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	v, ok := doc[f.Field].(string)
	if !ok || v == "" {
		t.Fatalf("the signed body has no %s field", f.Field)
	}
	delete(doc, f.Field)
	out, _ := json.Marshal(doc)
	return out, h, v
}

func addField(t *testing.T, body []byte) []byte {
	t.Helper()
	out, err := SetTopLevelString(body, "whk_tampered", "yes")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
