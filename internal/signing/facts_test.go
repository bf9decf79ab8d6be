package signing

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
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
	// One provider per scheme name, and each scheme of the guide's examples (the
	// declarative HMAC scheme has no built-in provider of its own).
	cases := map[string]*catalog.Provider{}
	for _, name := range catalog.Schemes {
		cases[name] = providerUsing(t, name)
	}
	for _, p := range exampleSchemes(t) {
		cases["example "+p.ID] = p
	}
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		p := cases[name]
		t.Run(name, func(t *testing.T) {
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
			if f.Timestamped != (f.Tolerance > 0) || f.Timestamped != (f.TimestampIn != "") {
				t.Fatalf("Timestamped %v, but Tolerance %s and TimestampIn %q", f.Timestamped, f.Tolerance, f.TimestampIn)
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

			// Pins: each pinned value is signed, so changing it changes the signature.
			pinned := map[string]func(*Params){
				"id":        func(p *Params) { p.ID = "msg_pinned" },
				"timestamp": func(p *Params) { p.Timestamp = now.Add(-time.Minute) },
				"nonce":     func(p *Params) { p.Nonce = "pinned-nonce" },
				"event-id":  func(p *Params) { p.EventID = "pinned-event" },
			}
			for _, pin := range f.Pins {
				change, known := pinned[pin]
				if !known {
					t.Fatalf("pin %q is not a whk sign flag", pin)
				}
				a, b := Params{Timestamp: now, ID: "msg_a", Nonce: "n", EventID: "e"}, Params{Timestamp: now, ID: "msg_a", Nonce: "n", EventID: "e"}
				change(&b)
				sa, errA := s.Sign(body, sign, a)
				sb, errB := s.Sign(body, sign, b)
				if errA != nil || errB != nil {
					t.Fatal(errA, errB)
				}
				if reflect.DeepEqual(headerOf(sa), headerOf(sb)) && string(sa.Body) == string(sb.Body) {
					t.Fatalf("pin %q: signing with another value changed nothing", pin)
				}
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
			if got := FactsFor(p); !reflect.DeepEqual(got, f) {
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

			// ListSeparator and UnknownEntry: an unknown entry before the valid one is
			// skipped; alone it does not verify. A list whose entries carry no version
			// has no unknown entry.
			if (f.UnknownEntry != "" && f.ListSeparator == "") || (f.ListSeparator != "" && f.Header == "") {
				t.Fatalf("UnknownEntry %q needs a ListSeparator (%q), in a header", f.UnknownEntry, f.ListSeparator)
			}
			if f.UnknownEntry != "" {
				listed := h.Clone()
				listed.Set(f.Header, f.UnknownEntry+f.ListSeparator+h.Get(f.Header))
				if got := status(signed.Body, listed, opts); got != StatusValid {
					t.Fatalf("unknown entry first, valid last: %s, want %s", got, StatusValid)
				}
				listed.Set(f.Header, f.UnknownEntry)
				if got := status(signed.Body, listed, opts); got != StatusInvalid {
					t.Fatalf("the unknown entry alone: %s, want %s", got, StatusInvalid)
				}
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

			checkDiagnosisFacts(t, s, f, signed, sign, verify, opts)
		})
	}
}

// checkDiagnosisFacts holds a scheme to what Diagnose needs from it: its own mistakes
// (diagnosable), its clock when it is timestamped, what to check when nothing explains
// a mismatch, and a malformed signature told apart from a mismatched one.
func checkDiagnosisFacts(t *testing.T, s Scheme, f Facts, signed Signed, sign, verify Keys, opts VerifyOptions) {
	t.Helper()
	d, ok := s.(diagnosable)
	if !ok {
		t.Fatalf("%T does not implement diagnosable: Diagnose cannot explain its mistakes", s)
	}
	if _, ok := s.(timestamped); ok != f.Timestamped {
		t.Fatalf("Timestamped %v, but implements timestamped: %v", f.Timestamped, ok)
	}
	if f.Mismatch == "" {
		t.Fatal("Mismatch must say what to check when no usual mistake explains a mismatch")
	}
	h := headerOf(signed)
	diagnose := func(body []byte, h http.Header, o VerifyOptions) []Finding {
		return Diagnose(DiagnoseInput{Scheme: s, Provider: "P", Body: body, Header: h, Keys: verify, Options: o})
	}
	last := func(fs []Finding) Finding {
		for i := len(fs) - 1; i >= 0; i-- {
			if fs[i].Cause != CauseBodyNotCovered {
				return fs[i]
			}
		}
		t.Fatalf("no finding: %+v", fs)
		return Finding{}
	}
	if why := d.malformed(signed.Body, h, verify); why != "" {
		t.Fatalf("a signature whk made is called malformed: %s", why)
	}

	// A well-formed signature made with another key: nothing explains it, and the
	// scheme's lead is said.
	forged, err := s.(Described).Forge(signed.Body, sign, Params{Timestamp: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	if got := last(diagnose(forged.Body, headerOf(forged), opts)); got.Cause != CauseUnexplained || !strings.HasSuffix(got.Message, f.Mismatch) {
		t.Fatalf("forged signature: %+v, want %s ending %q", got, CauseUnexplained, f.Mismatch)
	}

	// Half a signature is malformed, in Verify's reason and in the diagnosis; a token
	// has no form, so half a token is only a wrong one.
	stripped, h2, value := strip(t, f, signed.Body, h)
	half, err := Present(s, stripped, h2, value[:len(value)/2])
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(half, h2, verify, opts)
	if err != nil || r.Valid {
		t.Fatalf("half a signature: %+v %v", r, err)
	}
	fs := diagnose(half, h2, opts)
	if malformed := strings.Contains(r.Reason, "malformed"); malformed == f.Token {
		t.Fatalf("half a signature: reason %q (token scheme: %v)", r.Reason, f.Token)
	}
	if got := first(t, fs); !f.Token && (got.Cause != CauseMalformed || !got.Confirmed) {
		t.Fatalf("half a signature: %+v, want %s first", fs, CauseMalformed)
	} else if f.Token && got.Cause != CauseUnexplained {
		t.Fatalf("half a token: %+v", fs)
	}

	// A pretty-printed body compacted after signing is named, when the signature
	// covers the body.
	var pretty, compact bytes.Buffer
	if err := json.Indent(&pretty, signed.Body, "", "  "); err != nil {
		t.Fatal(err)
	}
	p, err := s.Sign(pretty.Bytes(), sign, Params{Timestamp: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&compact, p.Body); err != nil {
		t.Fatal(err)
	}
	if fs := diagnose(compact.Bytes(), headerOf(p), opts); f.CoversBody && (!Explained(fs) || first(t, fs).Cause != CauseBodyReserialised) {
		t.Fatalf("CoversBody, but a body compacted after signing is not named: %+v", fs)
	}

	// An old timestamp is named, when the scheme signs one.
	if fs := diagnose(signed.Body, h, VerifyOptions{Now: opts.Now.Add(time.Hour)}); f.Timestamped && last(fs).Cause != CauseTimestamp {
		t.Fatalf("Timestamped, but an hour later the diagnosis is %+v", fs)
	}
}

// first is the first finding besides the body-not-covered warning.
func first(t *testing.T, fs []Finding) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Cause != CauseBodyNotCovered {
			return f
		}
	}
	t.Fatalf("no finding: %+v", fs)
	return Finding{}
}

// A nil scheme (a replay item with no key) states no facts and carries no token.
func TestNilSchemeHasNoFacts(t *testing.T) {
	if _, ok := FactsOf(nil); ok || TokenHeader(nil) != "" || SignatureHeader(nil) != "" {
		t.Fatal("a nil scheme states facts")
	}
}

// providerUsing is the first built-in provider whose scheme is name, else the first of
// the guide's examples.
func providerUsing(t *testing.T, name string) *catalog.Provider {
	t.Helper()
	for _, p := range append(catalog.MustBuiltin().Providers(), exampleSchemes(t)...) {
		if p.Scheme.Name == name {
			return p
		}
	}
	t.Fatalf("no built-in or example provider uses the %s scheme: add one", name)
	return nil
}

// exampleSchemesDir holds the schemes docs/guides/custom-catalog.md writes as data.
const exampleSchemesDir = "../../docs/examples/schemes"

// exampleSchemes are the providers of exampleSchemesDir, in file order.
func exampleSchemes(t *testing.T) []*catalog.Provider {
	t.Helper()
	c, err := catalog.Load(exampleSchemesDir)
	if err != nil {
		t.Fatal(err)
	}
	builtin := len(catalog.MustBuiltin().Providers())
	return c.Providers()[builtin:]
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

func TestUnknownEntryFollowsTheValueForm(t *testing.T) {
	tests := []struct {
		name, value, separator, encoding, want string
	}{
		{"standard webhooks", "v1,{signature}", " ", "base64", "v2,Zm9yIGEgZnV0dXJlIHZlcnNpb24gb2YgdGhlIHNjaGVtZQ=="},
		{"equals form, hex", "v3={signature}", ",", "hex", "v4=" + hex.EncodeToString([]byte("for a future version of the scheme"))},
		{"no version", "{signature}", " ", "hex", ""},
		{"one value", "v1,{signature}", "", "base64", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewHMAC(catalog.Scheme{Name: catalog.SchemeHMAC, Signed: "{body}", Algorithm: "sha256", Key: "raw",
				Encoding: tt.encoding, Header: "X-Sig", Value: tt.value, Separator: tt.separator})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.(Described).Facts().UnknownEntry; got != tt.want {
				t.Errorf("UnknownEntry %q, want %q", got, tt.want)
			}
		})
	}
}
