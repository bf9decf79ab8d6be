package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
)

// whk runs the command tree as main does and returns stdout, stderr and the exit code.
func whk(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := cmdutil.New(ios)
	f.Getenv = func(k string) string { return env[k] }
	cfg := filepath.Join(t.TempDir(), "config")
	if d, ok := env["WHK_CONFIG_DIR"]; ok {
		cfg = d
	}
	f.ConfigDir = func() (string, error) { return cfg, nil }
	f.Now = func() time.Time { return time.Unix(1614265330, 0) }
	if now, ok := env["NOW"]; ok {
		ts, err := ParseTimestamp(now)
		if err != nil {
			t.Fatal(err)
		}
		f.Now = func() time.Time { return ts }
	}
	code := Run(context.Background(), f, args)
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The PROVIDERS.md vectors through the command path: sign prints exactly the expected
// header (or Oneflow body), and verify accepts it with exit 0.
func TestSignAndVerifyVectors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, provider, secret, body string
		pins                         []string
		want                         string // sign's stdout
		verify                       []string
	}{
		{"Contract-as-Code", "contract-as-code", "lac_test_secret",
			`{"id":"evt_test_abc123","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"org_xyz789","data":{"message":"Webhook test from Contract-as-Code"}}`,
			nil, "X-Lac-Signature: sha256=4f350c95dee353e812495b02b1d444cadf726652428bb004c4765427b061ad15\n",
			[]string{"--signature", "sha256=4f350c95dee353e812495b02b1d444cadf726652428bb004c4765427b061ad15"}},
		{"Clment", "clment", "clment_test_secret",
			`{"id":"evt_8f3a","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`,
			nil, "X-Clment-Signature: sha256=db7c5c70481a362a562d59a3eef293a7d86b6fef9340712923c438ede4941724\n",
			[]string{"-H", "X-Clment-Signature: sha256=db7c5c70481a362a562d59a3eef293a7d86b6fef9340712923c438ede4941724"}},
		{"Standard Webhooks", "standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			`{"test": 2432232314}`,
			[]string{"--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--timestamp", "1614265330"},
			"webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\nwebhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n",
			[]string{"-H", "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek", "-H", "webhook-timestamp: 1614265330", "--signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}},
		{"Oneflow", "oneflow", "my-sign-key",
			`{"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0","events":[{"created_time":"2020-07-06T15:14:14+0000","id":2322,"type":"contract:publish"}]}`,
			nil, `{"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0","events":[{"created_time":"2020-07-06T15:14:14+0000","id":2322,"type":"contract:publish"}],"signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}`,
			[]string{"--signature", "cbff4912268db88c60dc81d7d232c50bde58af9d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, dir, tt.provider+".json", tt.body)
			env := map[string]string{"WHK_SECRET": tt.secret}
			out, errOut, code := whk(t, env, "", append([]string{"sign", file, "-p", tt.provider}, tt.pins...)...)
			if code != 0 || out != tt.want {
				t.Fatalf("sign: exit %d\n got %q\nwant %q\nstderr %s", code, out, tt.want, errOut)
			}
			// The same through stdin, and as JSON.
			if out, _, _ := whk(t, env, tt.body, append([]string{"sign", "-", "-p", tt.provider}, tt.pins...)...); out != tt.want {
				t.Errorf("sign from stdin: %q", out)
			}
			out, _, _ = whk(t, env, "", append([]string{"sign", file, "-p", tt.provider, "--json"}, tt.pins...)...)
			var j struct {
				Headers map[string]string `json:"headers"`
				Body    string            `json:"body"`
			}
			if err := json.Unmarshal([]byte(out), &j); err != nil || !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
				t.Fatalf("sign --json: %q %v", out, err)
			}
			if tt.provider != "oneflow" && j.Body != tt.body {
				t.Errorf("json body %q", j.Body)
			}
			// Verify: exit 0, "valid".
			out, errOut, code = whk(t, env, "", append([]string{"verify", file, "-p", tt.provider}, tt.verify...)...)
			if code != 0 || !strings.HasPrefix(out, "valid: ") {
				t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
			}
			if tt.provider == "oneflow" && !strings.Contains(out, "warning: Oneflow's signature covers only callback_id") {
				t.Errorf("Oneflow verify does not warn: %s", out)
			}
		})
	}
}

func TestSignCurlSendsTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "it's.json", `{"a":"it's"}`)
	env := map[string]string{"WHK_SECRET": "s"}
	out, _, _ := whk(t, env, "", "sign", file, "-p", "clment", "--format", "curl", "--to", "http://127.0.0.1:9/x")
	want := "curl -sS -X POST 'http://127.0.0.1:9/x' \\\n  -H 'Content-Type: application/json' \\\n  -H 'X-Clment-Signature: sha256="
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "--data-binary '@"+strings.ReplaceAll(file, "'", `'\''`)+"'\n") {
		t.Fatalf("curl from file:\n%s", out)
	}
	out, _, _ = whk(t, env, `{"a":"it's"}`, "sign", "-p", "clment", "--format", "curl")
	if !strings.HasSuffix(out, `--data-binary '{"a":"it'\''s"}'`+"\n") {
		t.Fatalf("curl from stdin:\n%s", out)
	}
	// The shell must hand curl exactly the body: echo the argument back instead.
	if _, err := exec.LookPath("sh"); err == nil {
		script := strings.Replace(out, "curl -sS -X POST", "printf '%s\\n'", 1)
		got, err := exec.Command("sh", "-c", script).Output()
		if err != nil || !strings.HasSuffix(string(got), "--data-binary\n"+`{"a":"it's"}`+"\n") {
			t.Fatalf("shell quoting: %q %v", got, err)
		}
	}
}

func TestSignUsageErrors(t *testing.T) {
	env := map[string]string{"WHK_SECRET": "s"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		line string
	}{
		{"no provider", []string{"sign", "-"}, env, "whk: error: no provider given"},
		{"no secret", []string{"sign", "-", "-p", "clment"}, nil, "whk: error: Clment signs with a secret and none was given"},
		{"bad format", []string{"sign", "-", "-p", "clment", "--format", "xml"}, env, `whk: error: unknown format "xml" (choose one of: headers, json, curl)`},
		{"bad timestamp", []string{"sign", "-", "-p", "stdwh", "--timestamp", "yesterday"}, env, `whk: error: invalid --timestamp "yesterday"`},
		{"json and format disagree", []string{"sign", "-", "-p", "clment", "--json", "--format", "curl"}, env, "whk: error: --json and --format curl disagree"},
		{"Oneflow body without callback_id", []string{"sign", "-", "-p", "oneflow"}, env, "whk: error: Oneflow: the body has no string callback_id to sign"},
		{"missing file", []string{"sign", "/nonexistent/x.json", "-p", "clment"}, env, "whk: error: cannot read /nonexistent/x.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := whk(t, tt.env, "{}", tt.args...)
			if code != 2 || out != "" || !strings.HasPrefix(errOut, tt.line) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

func TestVerifyExitCodesAndJSON(t *testing.T) {
	dir := t.TempDir()
	body := `{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`
	file := writeFile(t, dir, "b.json", body)
	env := map[string]string{"WHK_SECRET": "s3cret"}
	sig, _, _ := whk(t, env, "", "sign", file, "-p", "clment")
	sig = strings.TrimSpace(strings.TrimPrefix(sig, "X-Clment-Signature: "))
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		code  int
		cause string
	}{
		{"valid", env, []string{"--signature", sig}, 0, ""},
		{"detected from the header", env, []string{"-H", "x-clment-signature: " + sig}, 0, ""},
		{"wrong secret", map[string]string{"WHK_SECRET": "other"}, []string{"--signature", sig}, 1, ""},
		{"missing signature", env, nil, 1, ""},
		{"empty signature", env, []string{"--signature", ""}, 1, ""},
		{"malformed signature", env, []string{"--signature", "sha256=zz"}, 1, "malformed-signature"},
		{"upper-case", env, []string{"--signature", strings.ToUpper(sig)}, 1, "encoding"},
		{"missing secret", nil, []string{"--signature", sig}, 2, ""},
		{"bad -H", env, []string{"-H", "no colon"}, 2, ""},
		{"bad tolerance", env, []string{"--tolerance", "-1s", "--signature", sig}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"verify", file, "--json"}, tt.args...)
			if tt.name != "detected from the header" {
				args = append(args, "-p", "clment")
			}
			out, errOut, code := whk(t, tt.env, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if code == 2 {
				if out != "" || !strings.HasPrefix(errOut, "whk: error: ") {
					t.Fatalf("usage error output: %q %q", out, errOut)
				}
				return
			}
			var j struct {
				Valid    *bool    `json:"valid"`
				Provider string   `json:"provider"`
				Scheme   string   `json:"scheme"`
				Reason   *string  `json:"reason"`
				Cause    string   `json:"cause"`
				Hints    []string `json:"hints"`
			}
			if err := json.Unmarshal([]byte(out), &j); err != nil || j.Valid == nil || j.Reason == nil || j.Hints == nil {
				t.Fatalf("json: %q %v", out, err)
			}
			if *j.Valid != (code == 0) || j.Provider != "clment" || j.Scheme != "hmac-sha256" || j.Cause != tt.cause {
				t.Errorf("json: %s", out)
			}
			if code == 1 && *j.Reason == "" {
				t.Errorf("no reason: %s", out)
			}
		})
	}
}

func TestVerifyRequestFile(t *testing.T) {
	dir := t.TempDir()
	body := `{"id":"evt_1","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"org_1","data":{}}`
	env := map[string]string{"WHK_SECRET": "s3cret"}
	hdr, _, _ := whk(t, env, body, "sign", "-p", "lac")
	raw := "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + strings.ReplaceAll(hdr, "\n", "\r\n") + "\r\n" + body
	httpFile := writeFile(t, dir, "req.http", raw)
	if out, errOut, code := whk(t, env, "", "verify", "--request", httpFile); code != 0 {
		t.Fatalf("raw HTTP: exit %d %s%s", code, out, errOut)
	}
	name, value, _ := strings.Cut(strings.TrimSpace(hdr), ": ")
	rec, _ := json.Marshal(map[string]any{"kind": "delivery", "method": "POST", "path": "/", "headers": map[string][]string{strings.ToLower(name): {value}},
		"body": base64.StdEncoding.EncodeToString([]byte(body + "\n")), "provider": "contract-as-code"})
	recFile := writeFile(t, dir, "rec.json", `{"kind":"ready","url":"http://127.0.0.1:1/"}`+"\n"+string(rec)+"\n")
	out, errOut, code := whk(t, env, "", "verify", "--request", recFile)
	if code != 1 || !strings.Contains(out, `cause: the signature matches the body without its trailing "\n"`) {
		t.Fatalf("record with a trailing newline: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := whk(t, env, "", "verify", recFile, "--request", recFile); code != 2 || !strings.Contains(errOut, "not both") {
		t.Fatalf("FILE and --request: %d %s", code, errOut)
	}
	junk := writeFile(t, dir, "junk.txt", "hello")
	if _, errOut, code := whk(t, env, "", "verify", "--request", junk); code != 2 || !strings.Contains(errOut, "neither a delivery record nor an HTTP request") {
		t.Fatalf("junk request: %d %s", code, errOut)
	}
	// CM.com Sign records carry the token redacted: say so, exit 2.
	rec, _ = json.Marshal(map[string]any{"kind": "delivery", "headers": map[string][]string{"X-Webhook-Token": {"[redacted]"}}, "body": "e30=", "provider": "cm-sign"})
	cm := writeFile(t, dir, "cm.json", string(rec))
	if _, errOut, code := whk(t, env, "", "verify", "--request", cm); code != 2 || !strings.Contains(errOut, "redacted") {
		t.Fatalf("redacted token: %d %s", code, errOut)
	}
}

// Ironclad against an independent oracle: whk's signature verifies with
// `openssl dgst -sha256 -verify`, and openssl's `-sign` verifies with whk.
func TestIroncladAgainstOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	priv := writeFile(t, dir, "priv.pem", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	pub := writeFile(t, dir, "pub.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})))
	body := `{"companyID":"c1","payload":{"event":"workflow_launched","workflowID":"w1"},"timestamp":"2022-04-07T21:36:52.776Z","webhookID":"wh1"}`
	file := writeFile(t, dir, "body.json", body)
	msg := writeFile(t, dir, "msg", "evt_42"+body+"nonce-7")

	out, errOut, code := whk(t, nil, "", "sign", file, "-p", "ironclad", "--private-key", priv, "--event-id", "evt_42", "--nonce", "nonce-7", "--json")
	if code != 0 {
		t.Fatalf("sign: %d %s", code, errOut)
	}
	var j struct {
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	var v struct{ Signature string }
	if err := json.Unmarshal([]byte(j.Headers["X-Ironclad-Webhook-Verification"]), &v); err != nil {
		t.Fatal(err)
	}
	sig, _ := base64.StdEncoding.DecodeString(v.Signature)
	sigFile := writeFile(t, dir, "whk.sig", string(sig))
	res, err := exec.Command("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sigFile, msg).CombinedOutput()
	if err != nil || !bytes.Contains(res, []byte("Verified OK")) {
		t.Fatalf("openssl does not verify whk's signature: %s %v", res, err)
	}

	osslSig := filepath.Join(dir, "openssl.sig")
	if res, err := exec.Command("openssl", "dgst", "-sha256", "-sign", priv, "-out", osslSig, msg).CombinedOutput(); err != nil {
		t.Fatalf("openssl -sign: %s %v", res, err)
	}
	raw, _ := os.ReadFile(osslSig)
	header := `{"nonce":"nonce-7","signAlgorithm":"SHA256","signature":"` + base64.StdEncoding.EncodeToString(raw) + `","encoding":"base64"}`
	out, errOut, code = whk(t, nil, "", "verify", file, "-p", "ironclad", "--public-key", pub, "-H", "X-Ironclad-Webhook-Event-Id: evt_42", "--signature", header)
	if code != 0 {
		t.Fatalf("whk does not verify openssl's signature: %d %s%s", code, out, errOut)
	}
	out, _, code = whk(t, nil, "", "verify", file, "-p", "ironclad", "--public-key", pub, "-H", "X-Ironclad-Webhook-Event-Id: evt_43", "--signature", header)
	if code != 1 {
		t.Fatalf("another event id verified: %d %s", code, out)
	}
}

// The test key: sign without --private-key, verify without --public-key, and say on
// stderr where the public key is.
func TestIroncladTestKey(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WHK_CONFIG_DIR": filepath.Join(dir, "cfg")}
	file := writeFile(t, dir, "b.json", `{"companyID":"c","payload":{"event":"workflow_launched"},"timestamp":"t","webhookID":"w"}`)
	out, errOut, code := whk(t, env, "", "sign", file, "-p", "ironclad")
	if code != 0 || !strings.Contains(errOut, filepath.Join(dir, "cfg", "ironclad-test-key.pub.pem")) {
		t.Fatalf("sign: %d %q", code, errOut)
	}
	args := []string{"verify", file}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		args = append(args, "-H", l)
	}
	if out, errOut, code := whk(t, env, "", args...); code != 0 {
		t.Fatalf("verify with the test key (provider detected): %d %s%s", code, out, errOut)
	}
}

// The curl command sign prints, run by a shell against a local server, delivers the
// same bytes and headers, and they verify.
func TestSignCurlRunsAgainstAServer(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	type got struct {
		header http.Header
		body   []byte
	}
	ch := make(chan got, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- got{r.Header.Clone(), b}
	}))
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"WHK_SECRET": "curl-secret", "WHK_CONFIG_DIR": filepath.Join(dir, "cfg")}
	bodies := map[string]string{
		"clment":            "{\n  \"id\": \"evt_1\", \"note\": \"it's \\u00e9\"\n}\n",
		"oneflow":           `{"contract":{"id":1},"callback_id":"cb'1","events":[]}`,
		"standard-webhooks": `{"type":"x"}`,
		"ironclad":          `{"companyID":"c","payload":{"event":"workflow_launched"},"timestamp":"t","webhookID":"w"}`,
	}
	for provider, body := range bodies {
		for _, fromFile := range []bool{true, false} {
			args := []string{"sign", "-p", provider, "--format", "curl", "--to", srv.URL + "/hook"}
			stdin := body
			if fromFile {
				args = append(args, writeFile(t, dir, provider+".json", body))
				stdin = ""
			}
			if provider == "standard-webhooks" {
				env["WHK_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
			} else {
				env["WHK_SECRET"] = "curl-secret"
			}
			cmd, errOut, code := whk(t, env, stdin, args...)
			if code != 0 {
				t.Fatalf("%s: %d %s", provider, code, errOut)
			}
			if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
				t.Fatalf("%s: curl: %v %s\n%s", provider, err, out, cmd)
			}
			g := <-ch
			if provider != "oneflow" && string(g.body) != body {
				t.Errorf("%s (file %v): body changed on the way:\n got %q\nwant %q", provider, fromFile, g.body, body)
			}
			vargs := []string{"verify", "-", "-p", provider, "--tolerance", "1000000h"}
			for name := range g.header {
				if strings.HasPrefix(strings.ToLower(name), "x-") || strings.HasPrefix(strings.ToLower(name), "webhook-") {
					vargs = append(vargs, "-H", name+": "+g.header.Get(name))
				}
			}
			if out, errOut, code := whk(t, env, string(g.body), vargs...); code != 0 {
				t.Errorf("%s (file %v): what curl sent does not verify: %s%s", provider, fromFile, out, errOut)
			}
		}
	}
}

// Standard Webhooks v1a: sign with a whsk_ ed25519 private key, verify with the whpk_
// public key; a whsec_ secret cannot check it, and verify says why.
func TestStandardWebhooksEd25519(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"type":"x"}`
	out, errOut, code := whk(t, map[string]string{"WHK_SECRET": "whsk_" + base64.StdEncoding.EncodeToString(priv.Seed())}, body, "sign", "-p", "stdwh", "--id", "msg_1", "--timestamp", "1614265330")
	if code != 0 || !strings.Contains(out, "webhook-signature: v1a,") {
		t.Fatalf("sign: %d %s%s", code, out, errOut)
	}
	args := []string{"verify", "-p", "stdwh"}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		args = append(args, "-H", l)
	}
	if out, errOut, code := whk(t, map[string]string{"WHK_SECRET": "whpk_" + base64.StdEncoding.EncodeToString(pub)}, body, args...); code != 0 {
		t.Fatalf("verify with whpk_: %d %s%s", code, out, errOut)
	}
	out, _, code = whk(t, map[string]string{"WHK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, body, args...)
	if code != 1 || !strings.Contains(out, "maybe: the header carries a v1a (ed25519) signature") {
		t.Fatalf("verify v1a with whsec_: %d %s", code, out)
	}
}
