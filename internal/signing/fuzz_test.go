package signing

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
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

func FuzzParseSignatureList(f *testing.F) {
	f.Add("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f.Add("v1,AAAA v1a,BBBB  v2,CCCC")
	f.Add("v1")
	f.Add(",,, \t v1,,")
	f.Fuzz(func(t *testing.T, header string) {
		for _, s := range ParseSignatureList(header) {
			if strings.ContainsAny(s.Version, ", \t\r\n") || strings.ContainsAny(s.Signature, " \t\r\n") {
				t.Fatalf("entry %+v holds a separator", s)
			}
			if !strings.Contains(header, s.Version+","+s.Signature) {
				t.Fatalf("entry %+v is not in the header", s)
			}
		}
	})
}

// Diagnose takes any presented header without panicking and never echoes the secret.
func FuzzDiagnoseHeaders(f *testing.F) {
	f.Add("sha256=abc", "v1,AAAA", "{\"a\":1}\n", int64(1614265330))
	f.Add("SHA256=ABCDEF", "", "{}", int64(-1))
	f.Add("", "sha256=00 v1 v1=x", "[1,2]", int64(1e15))
	secret := []byte("fuzz-secret-never-shown")
	clment := &HMAC{Header: "X-Clment-Signature", Prefix: "sha256="}
	std := &StandardWebhooks{}
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
