package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTestKeyPairIsCreatedOnceWithPrivateMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "whk")
	k1, pub, err := TestKeyPair(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, TestPrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", st.Mode().Perm())
	}
	k2, pub2, err := TestKeyPair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) || pub != pub2 {
		t.Fatal("a second call made a new key")
	}
	pk, err := LoadPublicKey(pub)
	if err != nil || !pk.Equal(&k1.PublicKey) {
		t.Fatalf("public key file does not match: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(matches) > 0 {
		t.Errorf("temp files left: %v", matches)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	for _, in := range []string{filepath.Join(dir, "missing.pem"), notPEM, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"} {
		if _, err := LoadPublicKey(in); err == nil {
			t.Errorf("LoadPublicKey(%q) accepted it", in)
		}
		if _, err := LoadPrivateKey(in); err == nil {
			t.Errorf("LoadPrivateKey(%q) accepted it", in)
		}
	}
}

func TestLooksLikeKeyMaterial(t *testing.T) {
	body := "MIIEowIBAAKCAQEAwhkSecretKeyMaterial0123456789abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"a relative path", "keys/ironclad.pem", false},
		{"an absolute path", "/home/me/.config/whk/ironclad-test-key.pem", false},
		{"a short word", "secret", false},
		{"a PEM body on one line", body, true},
		{"a PEM body over lines", body + "\n" + body, true},
		{"armour with a typo", "-----BEGN RSA PRIVATE KEY-----", true},
		{"a long path of base64 letters", strings.Repeat("ab/", 30) + "key.pem", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := looksLikeKeyMaterial(tt.in); got != tt.want {
				t.Fatalf("looksLikeKeyMaterial(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// A value that names no file may be a key given the wrong way: no error quotes it.
func TestLoadErrorsDoNotQuoteTheValue(t *testing.T) {
	body := "MIIEowIBAAKCAQEAwhkSecretKeyMaterial0123456789abcdefghijklmnopqrstuvwxyz"
	for _, in := range []string{
		body,
		"-----BEGN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n",
		"whkSecretKeyMaterial-not-a-file.pem",
	} {
		for name, load := range map[string]func(string) error{
			"private": func(s string) error { _, err := LoadPrivateKey(s); return err },
			"public":  func(s string) error { _, err := LoadPublicKey(s); return err },
		} {
			err := load(in)
			if err == nil {
				t.Fatalf("%s key %q accepted", name, in)
			}
			if strings.Contains(err.Error(), "whkSecretKeyMaterial") {
				t.Errorf("%s key error quotes the value: %v", name, err)
			}
		}
	}
}

// The fuzzed value always holds a marker no message of whk's or x509's holds, so that
// finding the marker in an error means the error quotes the value.
func FuzzLoadErrorsDoNotQuoteTheValue(f *testing.F) {
	const marker = "Zq9Xw"
	f.Add("MIIEowIBAAKCAQEAwhkSecretKeyMaterial", "0123456789abcdefghijklmnopqrstuvwxyz")
	f.Add("-----BEGIN PUBLIC KEY-----\nAAAA", "\n-----END PUBLIC KEY-----\n")
	f.Add("-----BEGN RSA PRIVATE KEY-----\nAAAA", "\n-----END RSA PRIVATE KEY-----\n")
	f.Add("missing", ".pem")
	f.Fuzz(func(t *testing.T, before, after string) {
		in := before + marker + after
		if strings.ContainsRune(in, 0) {
			return
		}
		for _, err := range []error{errOf(LoadPrivateKey(in)), errOf(LoadPublicKey(in))} {
			if err != nil && strings.Contains(err.Error(), marker) {
				t.Fatalf("error quotes the value: %v", err)
			}
		}
	})
}

func errOf[T any](_ T, err error) error { return err }
