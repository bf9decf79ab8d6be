package signing

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

// Diagnosis of the declarative HMAC scheme: see diagnosable and timestamped. What a
// sender gets wrong is read off the description (its prefix, encoding, algorithm,
// signed content and key form), so a scheme from a user's catalog is diagnosed as well
// as a built-in one.

// encName is the scheme's encoding in a message ("<hex>").
func (s *HMAC) encName() string { return s.spec.Encoding }

// recipe says how the scheme makes its signature, for messages.
func (s *HMAC) recipe() string {
	return fmt.Sprintf("%s %s of %s", s.encName(), s.algo, s.signedWhat())
}

// sigShape is the signature as a placeholder of its form: "<hex of a 32-byte HMAC-SHA256>".
func (s *HMAC) sigShape() string {
	return fmt.Sprintf("<%s of a %d-byte %s>", s.encName(), s.size, s.algo)
}

// wellFormed reports whether sig has the form of the scheme's signature (any hex case).
func (s *HMAC) wellFormed(sig string) bool {
	if s.spec.Encoding == "base64" {
		b, err := base64.StdEncoding.DecodeString(sig)
		return err == nil && len(b) == s.size
	}
	return len(sig) == 2*s.size && isHex(sig)
}

// splitSignature cuts an entry into the prefix and the signature: the scheme's prefix,
// or another short one ("sha1=", "v1:") a sender wrote instead.
func splitSignature(got, prefix string) (core, otherPrefix string, hasPrefix bool) {
	core, hasPrefix = strings.CutPrefix(got, prefix)
	if !hasPrefix {
		if i := strings.IndexAny(core, "=:,"); i > 0 && i < 12 && !strings.ContainsAny(core[:i], ",/+") {
			otherPrefix, core = core[:i+1], core[i+1:]
		}
	}
	return core, otherPrefix, hasPrefix
}

func (s *HMAC) malformed(_ []byte, h http.Header, _ Keys) string {
	got := strings.TrimSpace(h.Get(s.spec.Header))
	if got == "" {
		return ""
	}
	prefix, simple := s.prefix()
	for _, e := range s.entries(got) {
		if simple && s.spec.Separator == "" {
			// One value: judge the signature after whatever prefix it has, so that a
			// wrong prefix is a misformatted signature, not a malformed one.
			if core, _, _ := splitSignature(e, prefix); s.wellFormed(core) {
				return ""
			}
			continue
		}
		if parts, ok := match(s.spec.Value, e); ok && s.wellFormed(parts[catalog.PartSignature]) {
			return ""
		}
		if parts, ok := match(s.spec.Ed25519Value, e); ok && s.spec.Ed25519Value != nil {
			if b, err := base64.StdEncoding.DecodeString(parts[catalog.PartSignature]); err == nil && len(b) == 64 {
				return ""
			}
		}
	}
	if simple && s.spec.Separator == "" && s.spec.Encoding == "hex" {
		core, other, hasPrefix := splitSignature(got, prefix)
		why := hexShape(core, 2*s.size, "an "+s.algo)
		switch {
		case prefix == "":
			return fmt.Sprintf("%s is malformed: %s", s.spec.Header, why)
		case hasPrefix:
			return fmt.Sprintf("%s is malformed: after %q %s", s.spec.Header, prefix, why)
		case other != "":
			return fmt.Sprintf("%s is malformed: after %q %s, and the prefix is not %q", s.spec.Header, other, why, prefix)
		}
		return fmt.Sprintf("%s is malformed: it lacks the %q prefix and %s", s.spec.Header, prefix, why)
	}
	forms := []string{render(s.spec.Value, s.sigShape(), values{id: "<id>", timestamp: "<timestamp>"})}
	if s.spec.Ed25519Value != nil {
		forms = append(forms, render(s.spec.Ed25519Value, "<base64 of a 64-byte ed25519 signature>", values{id: "<id>", timestamp: "<timestamp>"}))
	}
	if s.spec.Separator != "" {
		return s.spec.Header + " is malformed: no entry is " + strings.Join(forms, " or ")
	}
	return s.spec.Header + " is malformed: it is not " + strings.Join(forms, " or ")
}

// rewrite writes entry e again with another signature (and the scheme's prefix).
func (s *HMAC) rewrite(e, sig string) string {
	if prefix, ok := s.prefix(); ok {
		return prefix + sig
	}
	parts, _ := match(s.spec.Value, e)
	return render(s.spec.Value, sig, values{id: parts[catalog.PartID], timestamp: parts[catalog.PartTimestamp]})
}

// core is the signature an entry carries: after the prefix (or another one a sender
// wrote instead), or where the value template puts it.
func (s *HMAC) core(e string) (core, otherPrefix string, hasPrefix, ok bool) {
	if prefix, simple := s.prefix(); simple {
		core, otherPrefix, hasPrefix = splitSignature(e, prefix)
		return core, otherPrefix, hasPrefix, true
	}
	parts, ok := match(s.spec.Value, e)
	return parts[catalog.PartSignature], "", true, ok
}

func (s *HMAC) misformatted(d *diagnoser, body []byte) (Finding, bool) {
	in := d.in
	got := strings.TrimSpace(in.Header.Get(s.spec.Header))
	if got == "" {
		return Finding{}, false
	}
	prefix, _ := s.prefix()
	type cand struct {
		value string
		cause Cause
		msg   string
	}
	for _, e := range s.entries(got) {
		core, otherPrefix, hasPrefix, ok := s.core(e)
		if !ok {
			continue
		}
		missing := ""
		if !hasPrefix {
			missing = fmt.Sprintf("the signature lacks the %q prefix", prefix)
			if otherPrefix != "" {
				missing = fmt.Sprintf("the signature has the prefix %q instead of %q", otherPrefix, prefix)
			}
		}
		join := func(msg string) string {
			if missing != "" {
				return missing + ", and " + msg
			}
			return msg
		}
		var cands []cand
		if !hasPrefix {
			cands = append(cands, cand{prefix + core, CauseMissingPrefix, missing + "; with it, it matches: send " + s.spec.Header + ": " + prefix + "<" + s.encName() + ">"})
		}
		switch s.spec.Encoding {
		case "hex":
			if low := strings.ToLower(core); low != core && isHex(core) {
				cands = append(cands, cand{s.rewrite(e, low), CauseEncoding, join(fmt.Sprintf("the signature is upper-case hex; %s sends lower-case hex and the header is compared as a string", in.Provider))})
			}
			if b, ok := b64Decode(core); ok && len(b) == s.size && !isHex(core) {
				cands = append(cands, cand{s.rewrite(e, hex.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is base64; %s sends the HMAC as hex", in.Provider))})
			}
		case "base64":
			if b, err := hex.DecodeString(core); err == nil && len(b) == s.size {
				cands = append(cands, cand{s.rewrite(e, base64.StdEncoding.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is hex; %s sends the HMAC as base64", in.Provider))})
			} else if b, ok := b64Decode(core); ok && len(b) == s.size && base64.StdEncoding.EncodeToString(b) != core {
				cands = append(cands, cand{s.rewrite(e, base64.StdEncoding.EncodeToString(b)), CauseEncoding, join(fmt.Sprintf("the signature is URL-safe or unpadded base64; %s sends standard, padded base64", in.Provider))})
			}
		}
		for _, c := range cands {
			if d.try(body, withHeader(in.Header, s.spec.Header, c.value), in.Keys) {
				return Finding{Cause: c.cause, Message: c.msg}, true
			}
		}
	}
	return Finding{}, false
}

// algorithms are the hashes a sender may have used instead of the scheme's.
var algorithms = []struct {
	name string
	new  func() hash.Hash
}{{"SHA-256", sha256.New}, {"SHA-1", sha1.New}, {"SHA-512", sha512.New}}

// madeOtherwise re-checks the signature as another algorithm, signed content, key form
// or scheme makes it.
func (s *HMAC) madeOtherwise(d *diagnoser) (Finding, bool) {
	in := d.in
	got := strings.TrimSpace(in.Header.Get(s.spec.Header))
	if got == "" {
		return Finding{}, false
	}
	prefix, _ := s.prefix()
	for _, e := range s.entries(got) {
		core, _, hasPrefix, ok := s.core(e)
		if !ok {
			core = e
		}
		if !hasPrefix && isHex(core) && prefix != "" {
			d.maybe(CauseMissingPrefix, "the signature lacks the %q prefix (adding it alone does not make it match)", prefix)
		}
		switch {
		case s.spec.Key != "whsec" && (strings.HasPrefix(e, "v1,") || strings.HasPrefix(e, "v1a,")):
			if f, ok := s.asStandardWebhooks(d, e); ok {
				return f, true
			}
			d.maybe(CauseOtherScheme, "the signature looks like a Standard Webhooks one (v1,<base64>), which signs id.timestamp.body with a decoded whsec_ key; %s sends %s", in.Provider, s.recipe())
		case strings.HasPrefix(e, "{"):
			d.maybe(CauseOtherScheme, "the signature looks like Ironclad's JSON verification header (RSA); %s sends %s", in.Provider, s.recipe())
		}
		if f, ok := s.otherRecipe(d, core); ok {
			return f, true
		}
		s.ed25519Hints(d, e)
	}
	return Finding{}, false
}

// otherRecipe re-makes the signature with each algorithm, over the body alone and the
// scheme's signed content, with the key as the scheme derives it and as given, in
// either encoding, and names the first that matches; else it notes a digest length
// that belongs to another algorithm.
func (s *HMAC) otherRecipe(d *diagnoser, core string) (Finding, bool) {
	in := d.in
	low := strings.ToLower(core)
	type key struct {
		bytes []byte
		note  string
	}
	keys := []key{{in.Keys.Secret, ""}}
	if k, err := s.hmacKey(in.Keys.Secret); err == nil && !bytes.Equal(k, in.Keys.Secret) {
		keys = []key{{k, ""}, {in.Keys.Secret, ", with the secret string itself as key"}}
	}
	type content struct {
		bytes []byte
		what  string
	}
	contents := []content{{in.Body, "the body"}}
	if len(s.spec.Signed) > 1 {
		contents[0].what = "the body alone"
		v := values{body: in.Body, header: in.Header, id: in.Header.Get(s.spec.IDHeader), timestamp: in.Header.Get(s.spec.TimestampHeader)}
		if c, err := s.content(v); err == nil {
			contents = append(contents, content{c, s.signedWhat()})
		}
	}
	for _, a := range algorithms {
		for _, c := range contents {
			for _, k := range keys {
				algo := "HMAC-" + strings.ReplaceAll(a.name, "-", "")
				// The scheme's own recipe with another key is a secret mistake, which
				// secretMistakes names better.
				ours := algo == s.algo && c.what == s.signedWhat()
				mac := hexMAC(a.new, k.bytes, c.bytes)
				for _, enc := range []string{"hex", "base64"} {
					if ours && enc == s.spec.Encoding {
						continue
					}
					want := mac
					sig := low
					if enc == "base64" {
						b, _ := hex.DecodeString(mac)
						want, sig = base64.StdEncoding.EncodeToString(b), core
					}
					if equal(sig, want) {
						return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is %s %s of %s%s; %s sends %s", enc, algo, c.what, k.note, in.Provider, s.recipe())}, true
					}
				}
			}
		}
		if equal(low, hexHash(a.new(), in.Body)) {
			return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is a plain %s hash of the body, made without the secret; it must be %s with the secret as key", a.name, s.algo)}, true
		}
	}
	for _, a := range algorithms {
		if n := a.new().Size(); n != s.size && len(low) == 2*n && isHex(low) && s.spec.Encoding == "hex" {
			d.maybe(CauseOtherScheme, "the signature has %d hex digits, the length of %s; %s uses %s (%d hex digits)", 2*n, a.name, in.Provider, s.algo, 2*s.size)
		}
	}
	return Finding{}, false
}

// ed25519Hints: an ed25519 signature checked with an HMAC secret, or the reverse.
func (s *HMAC) ed25519Hints(d *diagnoser, e string) {
	if s.spec.Ed25519Value == nil {
		return
	}
	public := strings.HasPrefix(string(d.in.Keys.Secret), "whpk_")
	if _, ok := match(s.spec.Ed25519Value, e); ok && !public {
		d.maybe(CauseOtherScheme, "the header carries a %s(ed25519) signature; checking it needs the sender's whpk_ public key, not a whsec_ secret", version(s.spec.Ed25519Value))
	} else if _, ok := match(s.spec.Value, e); ok && public {
		d.maybe(CauseOtherScheme, "the header carries a %s(HMAC) signature; checking it needs the whsec_ secret, not a whpk_ public key", version(s.spec.Value))
	}
}

// version is the label a value template writes before its signature ("v1a" of
// "v1a,{signature}"), followed by a space, or "".
func version(t catalog.Template) string {
	if len(t) > 0 && t[0].Name == "" {
		if v := strings.TrimRight(t[0].Literal, ",=: "); v != "" {
			return v + " "
		}
	}
	return ""
}

// asStandardWebhooks checks a v1 signature presented to another HMAC scheme.
func (s *HMAC) asStandardWebhooks(d *diagnoser, sig string) (Finding, bool) {
	in := d.in
	ts, err := strconv.ParseInt(in.Header.Get(HeaderWebhookTimestamp), 10, 64)
	if in.Header.Get(HeaderWebhookID) == "" || err != nil {
		return Finding{}, false
	}
	std, err := NewHMAC(catalog.Scheme{Name: catalog.SchemeStandardWebhooks})
	if err != nil {
		return Finding{}, false
	}
	h := withHeader(in.Header, HeaderWebhookSignature, sig)
	for _, secret := range [][]byte{in.Keys.Secret, []byte("whsec_" + base64.StdEncoding.EncodeToString(in.Keys.Secret))} {
		r, err := std.Verify(in.Body, h, Keys{Secret: secret}, VerifyOptions{Now: time.Unix(ts, 0)})
		if err == nil && r.Valid {
			return Finding{Cause: CauseOtherScheme, Message: fmt.Sprintf("the signature is a Standard Webhooks v1 signature (HMAC of id.timestamp.body, base64) and verifies as one; %s sends %s", in.Provider, s.recipe())}, true
		}
	}
	return Finding{}, false
}

// secretMistakes are the keys a sender may have used for the scheme's key form.
func (s *HMAC) secretMistakes(secret []byte, provider string) []secretMistake {
	switch s.spec.Key {
	case "whsec":
		raw := []byte("whsec_" + base64.StdEncoding.EncodeToString(secret))
		if _, err := DecodeWhsec(secret); err != nil {
			return []secretMistake{{raw, CauseWhsecSecret, fmt.Sprintf("the secret is not whsec_<base64>, and the signature matches it used as raw bytes; %s base64-decodes the part after whsec_ and uses those bytes as the key", provider)}}
		}
		out := []secretMistake{{raw, CauseWhsecSecret, fmt.Sprintf("the signature was made with the whsec_ secret string itself as the HMAC key; %s uses the base64-decoded bytes after whsec_", provider)}}
		if rest, ok := bytes.CutPrefix(secret, []byte("whsec_")); ok {
			out = append(out, secretMistake{[]byte("whsec_" + base64.StdEncoding.EncodeToString(rest)), CauseWhsecSecret, fmt.Sprintf("the signature was made with the base64 text after whsec_ as the key, not decoded; %s uses the decoded bytes", provider)})
		}
		return out
	case "base64":
		return []secretMistake{{[]byte(base64.StdEncoding.EncodeToString(secret)), CauseKeyForm, fmt.Sprintf("the signature was made with the secret string itself as the HMAC key; %s base64-decodes the secret and uses those bytes", provider)}}
	}
	return plainSecretMistakes(secret, provider)
}

// signedAt implements timestamped: the timestamp the request carries, in its header
// or in the signature header's value.
func (s timedHMAC) signedAt(h http.Header, o VerifyOptions) (time.Time, string, bool) {
	raw := h.Get(s.spec.TimestampHeader)
	if s.spec.TimestampHeader == "" {
		for _, p := range s.presented(nil, h) {
			raw = p.timestamp
			break
		}
	}
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	now, tol := o.Now, s.tolerance(o)
	if now.IsZero() {
		now = time.Now()
	}
	at := time.Unix(ts, 0)
	age := timestampAge(now, ts)
	name := s.timestampName()
	switch {
	case age <= tol && -age <= tol:
		return at, "", true
	case ts > 1e12:
		return at, fmt.Sprintf("%s %d looks like milliseconds: the timestamps this scheme signs are Unix seconds", name, ts), true
	case age > 0:
		return at, fmt.Sprintf("%s is %s old, beyond the %s tolerance: a replayed or long-delayed delivery, or a clock that is behind; raise --tolerance to check an old capture", name, age.Round(time.Second), tol), true
	}
	return at, fmt.Sprintf("%s is %s in the future, beyond the %s tolerance: the sender's clock is ahead (or yours is behind)", name, (-age).Round(time.Second), tol), true
}
