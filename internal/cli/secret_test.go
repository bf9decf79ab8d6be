package cli

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
)

// No output of sign or verify, in any format, valid or not, shows the secret; the one
// exception is the CM.com Sign token that `sign` prints by design (CLI.md, Details).
func TestSecretNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	plain := "S3CRET-do-not-print-9f2"
	whsec := "whsec_" + base64.StdEncoding.EncodeToString([]byte("do-not-print-whsec-key-77"))
	forbidden := []string{plain, whsec, strings.TrimPrefix(whsec, "whsec_"), "do-not-print"}
	bodies := map[string]string{
		"clment":            `{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`,
		"contract-as-code":  `{"id":"evt_1","type":"test.ping","created_at":"2025-01-15T14:32:00Z","organisation_id":"org_1","data":{}}`,
		"cm-sign":           `{"id":"e1","type":"dossier.completed","created":"2025-01-01T00:00:00+00:00","dossier":{"id":"d1","state":"completed"}}`,
		"oneflow":           `{"contract":{"id":101},"callback_id":"cb1","events":[]}`,
		"standard-webhooks": `{"type":"x","timestamp":"2025-01-01T00:00:00Z","data":{}}`,
		"ironclad":          `{"companyID":"c","payload":{"event":"workflow_launched"},"timestamp":"t","webhookID":"w"}`,
	}
	cfg := filepath.Join(dir, "cfg")
	check := func(t *testing.T, what, out, errOut string, allowToken bool) {
		t.Helper()
		for _, s := range forbidden {
			if allowToken && (s == plain || s == "do-not-print") {
				continue
			}
			if strings.Contains(out, s) || strings.Contains(errOut, s) {
				t.Errorf("%s shows a secret:\nstdout: %s\nstderr: %s", what, out, errOut)
			}
		}
	}
	for provider, body := range bodies {
		t.Run(provider, func(t *testing.T) {
			secret := plain
			if provider == "standard-webhooks" {
				secret = whsec
			}
			file := writeFile(t, dir, provider+".json", body)
			secretFile := writeFile(t, dir, provider+".secret", secret+"\n")
			env := map[string]string{"WHK_CONFIG_DIR": cfg}
			withSecret := []string{"--secret-file", secretFile}
			var sigArgs []string
			signedFile := file
			for _, format := range []string{"headers", "json", "curl"} {
				out, errOut, code := whk(t, env, "", append([]string{"sign", file, "-p", provider, "--format", format}, withSecret...)...)
				if code != 0 {
					t.Fatalf("sign %s: %d %s", format, code, errOut)
				}
				check(t, "sign --format "+format, out, errOut, provider == "cm-sign")
				if format == "headers" {
					if provider == "oneflow" {
						signedFile = writeFile(t, dir, "oneflow-signed.json", out)
					}
					for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
						if provider != "oneflow" {
							sigArgs = append(sigArgs, "-H", l)
						}
					}
				}
			}
			tampered := writeFile(t, dir, provider+"-tampered.json", strings.Replace(body, `"`, `"x`, 1))
			spaced := writeFile(t, dir, provider+".spaced", " "+secret+" \n")
			wrong := writeFile(t, dir, provider+".wrong", "not-the-secret")
			cases := []struct {
				name string
				args []string
			}{
				{"valid", append([]string{signedFile}, sigArgs...)},
				{"tampered body", append([]string{tampered}, sigArgs...)},
				{"no signature", []string{file}},
				{"secret with spaces", append(append([]string{signedFile}, sigArgs...), "--secret-file", spaced)},
				{"wrong secret", append(append([]string{signedFile}, sigArgs...), "--secret-file", wrong)},
				{"secret as the signature", []string{file, "--signature", secret}},
				{"wrong secret, secret as the signature", []string{file, "--signature", secret, "--secret-file", wrong}},
			}
			for _, c := range cases {
				for _, json := range []bool{false, true} {
					args := append([]string{"verify", "-p", provider}, c.args...)
					if !containsArg(args, "--secret-file") {
						args = append(args, withSecret...)
					}
					if json {
						args = append(args, "--json")
					}
					out, errOut, code := whk(t, env, "", args...)
					bodyNotCovered := (provider == "oneflow" || provider == "cm-sign") && c.name == "tampered body"
					keyNotSecret := provider == "ironclad" && strings.Contains(c.name, "secret")
					tokenGiven := provider == "cm-sign" && c.name == "secret as the signature"
					if c.name == "valid" && code != 0 {
						t.Errorf("a valid signature failed: %d %s%s", code, out, errOut)
					}
					if code == 0 && c.name != "valid" && !bodyNotCovered && !keyNotSecret && !tokenGiven {
						t.Errorf("%s verified", c.name)
					}
					check(t, "verify "+c.name, out, errOut, false)
				}
			}
			// Errors too: a body Oneflow cannot sign, a secret that is not base64.
			_, errOut, _ := whk(t, env, "[]", "sign", "-p", provider, "--secret", secret)
			check(t, "sign error", "", errOut, false)
		})
	}
	_, errOut, code := whk(t, nil, "{}", "verify", "-p", "stdwh", "--secret", plain, "-H", "webhook-id: m", "-H", "webhook-timestamp: 1614265330", "--signature", "v1,AAAA")
	if code != 2 || !strings.Contains(errOut, "whsec_") {
		t.Errorf("non-base64 Standard Webhooks secret: %d %q", code, errOut)
	}
	check(t, "bad whsec", "", errOut, false)
}

func containsArg(args []string, s string) bool {
	for _, a := range args {
		if a == s {
			return true
		}
	}
	return false
}
