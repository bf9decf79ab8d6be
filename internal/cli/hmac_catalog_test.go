package cli

import (
	"strings"
	"testing"
)

// A declarative HMAC scheme from --catalog signs and verifies through the commands,
// its own tolerance holds unless --tolerance is given, and a template naming an
// unknown part stops every command with one line naming the file, exit 2.
func TestCatalogHMACScheme(t *testing.T) {
	dir := t.TempDir()
	provider := func(scheme string) string {
		return `{"id":"acme","name":"Acme","source":"test","scheme":{"name":"hmac",` + scheme + `},
"content_type":"application/json","detect":["acme"],"type_at":"/type","id_at":"/id","payload_at":"",
"envelope":[{"name":"type","type":"string","required":true}],"success":{"rule":"2xx"},"retry":{"documented":false},
"events":[{"type":"a.b","description":"x","documented":true,"example":{"type":"a.b"}}]}`
	}
	writeFile(t, dir, "acme.json", provider(`"header":"Acme-Signature","value":"t={timestamp},v1={signature}","signed":"{timestamp}.{body}","tolerance":"1h"`))
	env := map[string]string{"WHK_SECRET": "s3cret", "NOW": "1614265330"}
	body := `{"type":"a.b"}`
	out, errOut, code := whk(t, env, body, "sign", "-p", "acme", "--catalog", dir, "--timestamp", "1614263530") // 30 minutes earlier
	if code != 0 || !strings.HasPrefix(out, "Acme-Signature: t=1614263530,v1=") {
		t.Fatalf("sign: %d %s%s", code, out, errOut)
	}
	header := strings.TrimSpace(out)
	if out, errOut, code := whk(t, env, body, "verify", "-p", "acme", "--catalog", dir, "-H", header); code != 0 {
		t.Fatalf("30 minutes old within the catalog's 1h: %d %s%s", code, out, errOut)
	}
	if out, _, code := whk(t, env, body, "verify", "-p", "acme", "--catalog", dir, "-H", header, "--tolerance", "5m"); code != 1 || !strings.Contains(out, "30m0s old, beyond the 5m0s tolerance") {
		t.Fatalf("--tolerance 5m: %d %s", code, out)
	}

	writeFile(t, dir, "acme.json", provider(`"header":"Acme-Signature","signed":"{body}.{nonce}"`))
	_, errOut, code = whk(t, env, body, "events", "list", "--catalog", dir)
	want := "whk: error: catalog " + dir + "/acme.json: provider acme: scheme.signed: unknown part {nonce} (one of {body}, {timestamp}, {id}, {header:Name})"
	if code != 2 || !strings.HasPrefix(errOut, want) || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("bad template: %d %q, want exit 2 and one line starting %q", code, errOut, want)
	}
}
