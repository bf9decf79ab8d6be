package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/signing"
)

func TestVerifyRenderings(t *testing.T) {
	invalid := Verification{
		Provider: "oneflow", Name: "Oneflow", Scheme: "oneflow-sha1",
		Reason:   "signature does not match sha1(callback_id + sign key)",
		Warnings: []string{signing.NotCoveredWarning},
		Findings: []signing.Finding{
			{Cause: signing.CauseBodyNotCovered, Message: signing.NotCoveredWarning, Confirmed: true},
			{Cause: signing.CauseOtherScheme, Message: "looks like SHA-1 of something else"},
			{Cause: signing.CauseUnexplained, Message: "check the sign key"},
		},
	}
	var text bytes.Buffer
	if err := VerifyText(&text, NewStyles(&text, false), invalid, 0); err != nil {
		t.Fatal(err)
	}
	want := "invalid: signature does not match sha1(callback_id + sign key)\n" +
		"  maybe: looks like SHA-1 of something else\n" +
		"  hint: check the sign key\n" +
		"  warning: " + signing.NotCoveredWarning + "\n"
	if text.String() != want {
		t.Errorf("piped text:\n got %q\nwant %q", text.String(), want)
	}
	var js bytes.Buffer
	if err := VerifyJSON(&js, invalid); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"valid":false,"provider":"oneflow","scheme":"oneflow-sha1","reason":"signature does not match sha1(callback_id + sign key)","hints":["looks like SHA-1 of something else","check the sign key","` + signing.NotCoveredWarning + `"]}` + "\n"
	if js.String() != wantJSON {
		t.Errorf("json:\n got %s\nwant %s", js.String(), wantJSON)
	}

	valid := Verification{Valid: true, Provider: "clment", Name: "Clment", Scheme: "hmac-sha256"}
	var coloured bytes.Buffer
	_ = VerifyText(&coloured, NewStyles(&coloured, true), valid, 0)
	if !strings.Contains(coloured.String(), "\x1b[") || !strings.Contains(coloured.String(), "Clment signature verifies (hmac-sha256)") {
		t.Errorf("colour: %q", coloured.String())
	}
	js.Reset()
	_ = VerifyJSON(&js, valid)
	if js.String() != `{"valid":true,"provider":"clment","scheme":"hmac-sha256","reason":"","hints":[]}`+"\n" {
		t.Errorf("valid json: %s", js.String())
	}
	confirmed := Verification{Provider: "clment", Scheme: "hmac-sha256", Reason: "r", Findings: []signing.Finding{{Cause: signing.CauseTrailingNewline, Message: "m", Confirmed: true}}}
	js.Reset()
	_ = VerifyJSON(&js, confirmed)
	if !strings.Contains(js.String(), `"cause":"trailing-newline","hints":["m"]`) {
		t.Errorf("cause: %s", js.String())
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		``:         `''`,
		`a b`:      `'a b'`,
		`it's`:     `'it'\''s'`,
		`$(x) "y"`: `'$(x) "y"'`,
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
	var b bytes.Buffer
	_ = SignCurl(&b, SignedRequest{URL: "http://x/", Body: []byte("@etc/passwd")})
	if !strings.HasPrefix(b.String(), "printf '%s' '@etc/passwd' |\n  curl") || !strings.HasSuffix(b.String(), "--data-binary @-\n") {
		t.Errorf("a body starting with @ must be piped, not read as a file:\n%s", b.String())
	}
}

func TestVerifyTextFitsTheWidth(t *testing.T) {
	v := Verification{Provider: "oneflow", Name: "Oneflow", Scheme: "oneflow-sha1",
		Reason:   "signature does not match sha1(callback_id + sign key)",
		Warnings: []string{signing.NotCoveredWarning},
		Findings: []signing.Finding{{Cause: signing.CauseBodyNotCovered, Message: signing.NotCoveredWarning, Confirmed: true}, {Message: "looks like SHA-1 of something else: check the sign key, which is the one in the Oneflow account's webhook settings"}}}
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			var out bytes.Buffer
			if err := VerifyText(&out, NewStyles(&out, false), v, width); err != nil {
				t.Fatal(err)
			}
			checkFits(t, out.Bytes(), width, false)
			golden(t, fmt.Sprintf("verify-%d.golden", width), out.Bytes())
		})
	}
}
