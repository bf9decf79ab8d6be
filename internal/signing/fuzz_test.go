package signing

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// The header parsers never panic, and what they accept is consistent.

func FuzzParseVerification(f *testing.F) {
	f.Add(`{"nonce":"n1","signAlgorithm":"sha256","signature":"AAAA","encoding":"base64"}`)
	f.Add(`{"nonce":"n1","signAlgorithm":"SHA256","signature":"00ff","encoding":"hex"}`)
	f.Add(`{"signature":"x","encoding":"base32"}`)
	f.Add(`{"signature":1}`)
	f.Add(`[]`)
	f.Add(`{"signature":"a"} trailing`)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := ParseVerification(raw)
		if err != nil {
			return
		}
		if v.Signature == "" {
			t.Fatal("accepted a verification header without a signature")
		}
		if v.SignAlgorithm != "" && !strings.EqualFold(v.SignAlgorithm, "sha256") {
			t.Fatalf("accepted signAlgorithm %q", v.SignAlgorithm)
		}
		_, _ = v.SignatureBytes()
	})
}

// Reading a header value back through its template gives the parts it was written
// with, and what match accepts writes back to the same value.
func FuzzMatchValue(f *testing.F) {
	f.Add("t={timestamp},v1={signature}", "1614265330", "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")
	f.Add("v1,{signature}", "", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f.Add("sha256={signature}", "", "")
	f.Add("{signature}.{timestamp}", "1", "a.b")
	f.Fuzz(func(t *testing.T, template, ts, sig string) {
		tmpl, err := catalog.ParseTemplate(template, catalog.PartSignature, catalog.PartTimestamp, catalog.PartID)
		if err != nil {
			return
		}
		written := render(tmpl, sig, values{timestamp: ts})
		r, ok := match(tmpl, written)
		if !ok {
			// A value holding the next literal cuts its part short; anything else must read back.
			return
		}
		if again := render(tmpl, r.signature, values{timestamp: r.timestamp, id: r.id}); again != written {
			t.Fatalf("%q read back as %+v writes %q", written, r, again)
		}
		if !strings.Contains(template, "{timestamp}") && r.timestamp != "" {
			t.Fatalf("a timestamp read from a template without one: %+v", r)
		}
	})
}

// Diagnose takes any presented header without panicking and never echoes the secret.
func FuzzDiagnoseHeaders(f *testing.F) {
	f.Add("sha256=abc", "v1,AAAA", "{\"a\":1}\n", int64(1614265330))
	f.Add("SHA256=ABCDEF", "", "{}", int64(-1))
	f.Add("", "sha256=00 v1 v1=x", "[1,2]", int64(1e15))
	secret := []byte("fuzz-secret-never-shown")
	clment, err := NewHMAC(catalog.Scheme{Name: catalog.SchemeHMACSHA256, Header: "X-Clment-Signature", Prefix: "sha256="})
	if err != nil {
		f.Fatal(err)
	}
	std, err := NewHMAC(catalog.Scheme{Name: catalog.SchemeStandardWebhooks})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, hmacHeader, stdHeader, body string, ts int64) {
		h := http.Header{}
		h.Set("X-Clment-Signature", hmacHeader)
		h.Set(HeaderWebhookSignature, stdHeader)
		h.Set(HeaderWebhookID, "msg_1")
		h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
		for _, s := range []Scheme{clment, std} {
			k := Keys{Secret: secret}
			if s == std {
				k.Secret = []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
			}
			for _, fd := range Diagnose(DiagnoseInput{Scheme: s, Provider: "P", Body: []byte(body), Header: h, Keys: k, Options: VerifyOptions{Now: time.Unix(1614265330, 0)}}) {
				if strings.Contains(fd.Message, string(secret)) || strings.Contains(fd.Message, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
					t.Fatalf("finding shows the secret: %q", fd.Message)
				}
			}
		}
	})
}
