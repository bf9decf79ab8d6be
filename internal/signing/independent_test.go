package signing

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// The guide's example schemes, each written once more in Python from the providers'
// own documents (not from whk's description of them): signing content, algorithm,
// encoding and header layout. It reads cases as JSON on stdin and, for each, writes the
// header it would send and whether the header whk sent verifies. One run for every
// case: starting Python costs more than all the HMACs.
const independentSchemes = `
import base64, hashlib, hmac, json, sys
out = []
for c in json.load(sys.stdin):
    key, body, ts = c["secret"].encode(), base64.b64decode(c["body"]), c["ts"]
    def mac(msg):
        return hmac.new(key, msg, hashlib.sha256)
    scheme = c["scheme"]
    if scheme == "github-style":      # X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>
        header = "sha256=" + mac(body).hexdigest()
    elif scheme == "stripe-style":    # Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "ts.body">
        header = "t=%s,v1=%s" % (ts, mac(ts.encode() + b"." + body).hexdigest())
    elif scheme == "shopify-style":   # X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>
        header = base64.b64encode(mac(body).digest()).decode()
    else:
        sys.exit("unknown scheme " + scheme)
    out.append({"header": header, "verifies": hmac.compare_digest(c["given"].encode(), header.encode())})
json.dump(out, sys.stdout)
`

// tool finds an independent implementation; a missing one fails the test, so the
// check cannot quietly stop happening.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to check the example schemes independently: %v", name, err)
	}
	return path
}

// Each example scheme of docs/guides/custom-catalog.md agrees with Python's hmac both
// ways: whk signs and Python verifies; Python signs and whk verifies (and a changed
// body or an old timestamp is refused).
func TestExampleSchemesAgainstPython(t *testing.T) {
	python := tool(t, "python3")
	secret := "It's a Secret to Everybody"
	now := time.Unix(1700000000, 0)
	type pyCase struct {
		Scheme string `json:"scheme"`
		Secret string `json:"secret"`
		Body   []byte `json:"body"`
		TS     string `json:"ts"`
		Given  string `json:"given"`
	}
	type pyResult struct {
		Header   string `json:"header"`
		Verifies bool   `json:"verifies"`
	}
	providers := exampleSchemes(t)
	if len(providers) != 3 {
		t.Fatalf("%d example schemes, want the guide's three", len(providers))
	}
	bodies := []struct{ name, body string }{
		{"Hello, World!", "Hello, World!"},
		{"pretty JSON, non-ASCII, trailing newline", "{\n  \"a\": \"\u00e9\"\n}\n"},
		{"empty", ""},
	}
	var cases []pyCase
	var names []string
	for _, p := range providers {
		s, err := For(p, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range append(bodies, struct{ name, body string }{"its catalog example", string(p.Events[0].Example)}) {
			body := b.body
			names = append(names, p.ID+"/"+b.name)
			signed, err := s.Sign([]byte(body), Keys{Secret: []byte(secret)}, Params{Timestamp: now})
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, pyCase{p.ID, secret, []byte(body), "1700000000", headerOf(signed).Get(SignatureHeader(s))})
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(python, "-c", independentSchemes)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v: %s", err, stderr.String())
	}
	var results []pyResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("python wrote %s (%v)", out, err)
	}
	for i, c := range cases {
		t.Run(names[i], func(t *testing.T) {
			if !results[i].Verifies {
				t.Fatalf("Python refuses whk's %q (it makes %q)", c.Given, results[i].Header)
			}
			s, err := For(exampleScheme(t, c.Scheme), "")
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			h.Set(SignatureHeader(s), results[i].Header)
			keys := Keys{Secret: []byte(secret)}
			if r, err := s.Verify(c.Body, h, keys, VerifyOptions{Now: now}); err != nil || !r.Valid {
				t.Fatalf("whk refuses Python's %q: %+v %v", results[i].Header, r, err)
			}
			if r, _ := s.Verify(append(c.Body, ' '), h, keys, VerifyOptions{Now: now}); r.Valid {
				t.Fatal("a changed body verifies")
			}
			if r, _ := s.Verify(c.Body, h, keys, VerifyOptions{Now: now.Add(time.Hour)}); r.Valid != (c.Scheme != "stripe-style") {
				t.Fatalf("an hour later: %+v (only the timestamped scheme refuses)", r)
			}
		})
	}
}

// openssl computes the untimed examples' HMACs from the command line, as their
// providers' documents show receivers doing.
func TestExampleSchemesAgainstOpenSSL(t *testing.T) {
	openssl := tool(t, "openssl")
	secret := "It's a Secret to Everybody"
	body := "Hello, World!"
	run := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Stdin = bytes.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl %v: %v", args, err)
		}
		return out
	}
	// "HMAC-SHA2-256(stdin)= <hex>" (the label differs between versions): the last field.
	hexMAC := strings.Fields(string(run([]byte(body), "dgst", "-sha256", "-hmac", secret)))
	binMAC := run([]byte(body), "dgst", "-sha256", "-hmac", secret, "-binary")
	tests := []struct {
		name, provider, header, want string
	}{
		// GitHub's documents give this secret, body and signature as their example.
		{"GitHub's published example", "github-style", "X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
		{"openssl dgst -hmac, hex", "github-style", "X-Hub-Signature-256", "sha256=" + hexMAC[len(hexMAC)-1]},
		{"openssl dgst -hmac -binary | openssl base64", "shopify-style", "X-Shopify-Hmac-Sha256", strings.TrimSpace(string(run(binMAC, "base64", "-A")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := For(exampleScheme(t, tt.provider), "")
			if err != nil {
				t.Fatal(err)
			}
			signed, err := s.Sign([]byte(body), Keys{Secret: []byte(secret)}, Params{})
			if err != nil {
				t.Fatal(err)
			}
			if got := headerOf(signed).Get(tt.header); got != tt.want {
				t.Fatalf("%s = %q, openssl says %q", tt.header, got, tt.want)
			}
		})
	}
}

func exampleScheme(t *testing.T, id string) *catalog.Provider {
	t.Helper()
	for _, p := range exampleSchemes(t) {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no example scheme %s", id)
	return nil
}
