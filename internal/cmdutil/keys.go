package cmdutil

import (
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/keys"
	"github.com/whk-cli/whk/internal/signing"
)

// KeyFlags are the ways to give a command its signing or verifying material:
// --secret/--secret-file/$WHK_SECRET for shared secrets, --private-key (sign, send,
// replay, test) and --public-key (verify, listen) for Ironclad.
type KeyFlags struct {
	SecretFlags
	PrivateKey string
	PublicKey  string
	// AuthHeader renames CM.com Sign's token header (--auth-header).
	AuthHeader string
}

// AddSigningKeyFlags registers --secret, --secret-file, --private-key and --auth-header.
func AddSigningKeyFlags(cmd *cobra.Command, k *KeyFlags) {
	AddSecretFlags(cmd, &k.SecretFlags)
	cmd.Flags().StringVar(&k.PrivateKey, "private-key", "", "Ironclad: RSA private key `PEM` file (default: whk's local test key)")
	cmd.Flags().StringVar(&k.AuthHeader, "auth-header", "", "CM.com Sign: the header that carries the token (default X-Webhook-Token)")
}

// AddVerifyingKeyFlags registers --secret, --secret-file, --public-key and --auth-header.
func AddVerifyingKeyFlags(cmd *cobra.Command, k *KeyFlags) {
	AddSecretFlags(cmd, &k.SecretFlags)
	cmd.Flags().StringVar(&k.PublicKey, "public-key", "", "Ironclad: RSA public key `PEM` file (default: whk's local test key)")
	cmd.Flags().StringVar(&k.AuthHeader, "auth-header", "", "CM.com Sign: the header that carries the token (default X-Webhook-Token)")
}

// Keys is resolved key material and, for Ironclad's test key, a note saying where its
// public half is (print it on stderr).
type Keys struct {
	signing.Keys
	// Source names where the key came from, never the key itself.
	Source string
	Note   string
}

// SigningKeys resolves what p's scheme signs with. Ironclad without --private-key uses
// whk's local test key pair, created on first use.
func (k *KeyFlags) SigningKeys(f *Factory, p *catalog.Provider) (*Keys, error) {
	if signing.FactsFor(p).KeyPair {
		if k.PrivateKey != "" {
			priv, err := keys.LoadPrivateKey(k.PrivateKey)
			if err != nil {
				return nil, WithHint(fmt.Errorf("--private-key: %w", err), "pass the path of an RSA private key PEM file, or the PEM text from its -----BEGIN line to its -----END line")
			}
			return &Keys{Keys: signing.Keys{PrivateKey: priv}, Source: "--private-key"}, nil
		}
		priv, pubPath, err := f.testKeyPair()
		if err != nil {
			return nil, err
		}
		return &Keys{Keys: signing.Keys{PrivateKey: priv}, Source: "whk's Ironclad test key",
			Note: "signed with whk's Ironclad test key; load its public key into your receiver: " + pubPath}, nil
	}
	s, err := k.Resolve(f.Getenv)
	if errors.Is(err, ErrNoSecret) {
		return nil, WithHint(fmt.Errorf("%s signs with a secret and none was given", p.Name), "pass --secret-file PATH, --secret S, or set WHK_SECRET")
	}
	if err != nil {
		return nil, err
	}
	return &Keys{Keys: signing.Keys{Secret: s.Bytes}, Source: s.Source}, nil
}

// VerifyingKeys resolves what p's scheme verifies with. With required false, no key is
// not an error: it returns nil (listen then reports signatures as unchecked). Ironclad
// without --public-key uses the public half of whk's test key pair.
func (k *KeyFlags) VerifyingKeys(f *Factory, p *catalog.Provider, required bool) (*Keys, error) {
	if signing.FactsFor(p).KeyPair {
		if k.PublicKey != "" {
			pub, err := keys.LoadPublicKey(k.PublicKey)
			if err != nil {
				return nil, WithHint(fmt.Errorf("--public-key: %w", err), "pass the path of Ironclad's RSA public key PEM file, or the PEM text from its -----BEGIN line to its -----END line")
			}
			return &Keys{Keys: signing.Keys{PublicKey: pub}, Source: "--public-key"}, nil
		}
		priv, pubPath, err := f.testKeyPair()
		if err != nil {
			return nil, err
		}
		return &Keys{Keys: signing.Keys{PublicKey: &priv.PublicKey}, Source: "whk's Ironclad test key",
			Note: "verifying with whk's Ironclad test key (" + pubPath + "); pass --public-key for Ironclad's real key"}, nil
	}
	s, err := k.Resolve(f.Getenv)
	if errors.Is(err, ErrNoSecret) {
		if !required {
			return nil, nil
		}
		return nil, WithHint(fmt.Errorf("verifying %s signatures needs the secret and none was given", p.Name), "pass --secret-file PATH, --secret S, or set WHK_SECRET")
	}
	if err != nil {
		return nil, err
	}
	return &Keys{Keys: signing.Keys{Secret: s.Bytes}, Source: s.Source}, nil
}

func (f *Factory) testKeyPair() (*rsa.PrivateKey, string, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return nil, "", WithHint(fmt.Errorf("no config directory for whk's Ironclad test key: %w", err), "pass --private-key/--public-key or set WHK_CONFIG_DIR")
	}
	priv, pub, err := keys.TestKeyPair(dir)
	if err != nil {
		return nil, "", WithHint(fmt.Errorf("whk's Ironclad test key: %w", err), "set WHK_CONFIG_DIR to a writable directory")
	}
	return priv, pub, nil
}
