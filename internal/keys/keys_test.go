package keys

import (
	"os"
	"path/filepath"
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
