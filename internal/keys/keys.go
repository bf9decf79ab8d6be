// Package keys loads RSA keys from PEM and keeps whk's local Ironclad test key pair, so
// that `whk send` to `whk listen` verifies out of the box without Ironclad's real key.
package keys

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/input"
)

// Test key pair file names inside whk's config directory.
const (
	TestPrivateKeyFile = "ironclad-test-key.pem"
	TestPublicKeyFile  = "ironclad-test-key.pub.pem"
)

// maxPEM bounds a key file: an RSA key in PEM is a few KiB, and /dev/zero must not be
// read without end.
const maxPEM = 1 << 20

// readPEM takes inline PEM text or a path to a PEM file. Its errors never quote
// pathOrPEM: a value that names no readable file may be key material (a PEM body
// without its armour, or with a typo in it), and an error line must not print a key.
func readPEM(pathOrPEM string) ([]byte, string, error) {
	if strings.Contains(pathOrPEM, "-----BEGIN") {
		return []byte(pathOrPEM), "the inline key", nil
	}
	if looksLikeKeyMaterial(pathOrPEM) {
		return nil, "", ErrUnarmoured
	}
	b, err := input.ReadFile(pathOrPEM, maxPEM)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, "", fmt.Errorf("cannot read the key file: %v", pe.Err)
		}
		// input's errors name no path: say what is wrong (too large, not a file).
		return nil, "", fmt.Errorf("cannot read the key file: %w", err)
	}
	return b, pathOrPEM, nil
}

// readPEMBlock reads a key as readPEM does and decodes its first PEM block; where names
// it for error lines.
func readPEMBlock(pathOrPEM string) (blk *pem.Block, where string, err error) {
	b, where, err := readPEM(pathOrPEM)
	if err != nil {
		return nil, "", err
	}
	if blk, _ = pem.Decode(b); blk == nil {
		return nil, "", fmt.Errorf("%s is not PEM", where)
	}
	return blk, where, nil
}

// ErrUnarmoured means a key was given inline without the PEM "-----BEGIN" line whk
// recognises it by (missing, or misspelt).
var ErrUnarmoured = errors.New("the key is neither a file nor PEM text: it looks like key material without its -----BEGIN line, or with a typo in it")

// looksLikeKeyMaterial reports whether s, which holds no "-----BEGIN", is more likely
// a key than a path: it spans lines, holds PEM dashes, or is a long run of base64.
func looksLikeKeyMaterial(s string) bool {
	if strings.ContainsAny(s, "\n\r") || strings.Contains(s, "-----") {
		return true
	}
	if len(s) < 64 {
		return false
	}
	for _, c := range s {
		isB64 := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == ' '
		if !isB64 {
			return false
		}
	}
	return true
}

// LoadPrivateKey reads an RSA private key (PKCS#1 or PKCS#8 PEM) from a path or inline PEM.
func LoadPrivateKey(pathOrPEM string) (crypto.Signer, error) {
	blk, where, err := readPEMBlock(pathOrPEM)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s holds no RSA private key (want PKCS#1 or PKCS#8 PEM)", where)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an RSA key: Ironclad signs with RSA", where)
	}
	return rk, nil
}

// LoadPublicKey reads an RSA public key (PKIX "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY" or a
// certificate) from a path or inline PEM.
func LoadPublicKey(pathOrPEM string) (*rsa.PublicKey, error) {
	blk, where, err := readPEMBlock(pathOrPEM)
	if err != nil {
		return nil, err
	}
	var k any
	switch blk.Type {
	case "RSA PUBLIC KEY":
		k, err = x509.ParsePKCS1PublicKey(blk.Bytes)
	case "CERTIFICATE":
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(blk.Bytes); err == nil {
			k = c.PublicKey
		}
	default:
		k, err = x509.ParsePKIXPublicKey(blk.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s holds no readable public key: %v", where, err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an RSA public key", where)
	}
	return rk, nil
}

// TestKeyPair returns whk's local Ironclad test key pair from dir, creating it (private
// key mode 0600) on first use. It returns the path of the public key, for users to load
// into their own receiver.
func TestKeyPair(dir string) (priv *rsa.PrivateKey, pubPath string, err error) {
	privPath := filepath.Join(dir, TestPrivateKeyFile)
	pubPath = filepath.Join(dir, TestPublicKeyFile)
	if k, err := LoadPrivateKey(privPath); err == nil {
		if _, err := os.Stat(pubPath); err == nil {
			return k.(*rsa.PrivateKey), pubPath, nil
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", fmt.Errorf("creating the test key directory: %w", err)
	}
	priv, err = rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, "", err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, "", err
	}
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	// Public half first: a reader that finds the private key can rely on its partner.
	if err := atomicfile.Write(pubPath, pubPEM, 0o644); err != nil {
		return nil, "", err
	}
	if err := atomicfile.Write(privPath, privPEM, 0o600); err != nil {
		return nil, "", err
	}
	return priv, pubPath, nil
}
