package cmdutil

import (
	"errors"
	"fmt"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

// Signer resolves how p's deliveries are signed, and says on stderr where a key came
// from when the user should know (whk's test key, or none where the provider sends
// unsigned deliveries without one).
func (k *KeyFlags) Signer(f *Factory, p *catalog.Provider) (delivery.Signer, error) {
	sg, note, err := k.SignerNote(f, p)
	if note != "" {
		fmt.Fprintln(f.IOStreams.ErrOut, "whk: "+note)
	}
	return sg, err
}

// SignerNote is Signer's signer and the note it says, for a caller that shows the
// note elsewhere (the inspector's status line).
func (k *KeyFlags) SignerNote(f *Factory, p *catalog.Provider) (delivery.Signer, string, error) {
	scheme, err := signing.For(p, k.AuthHeader)
	if err != nil {
		return delivery.Signer{}, "", err
	}
	note := ""
	sg := delivery.Signer{Scheme: scheme}
	if unsigned := signing.FactsFor(p).Unsigned; unsigned != "" {
		if _, err := k.Resolve(f.Getenv); errors.Is(err, ErrNoSecret) {
			sg.Scheme, note = delivery.Unsigned{}, unsigned
		}
	}
	if note == "" {
		keys, err := k.SigningKeys(f, p)
		if err != nil {
			return delivery.Signer{}, "", err
		}
		sg.Keys, note = keys.Keys, keys.Note
	}
	return sg, note, nil
}

// RecordedSigner is Signer for recordings sent byte for byte: nothing is re-signed,
// so no key is required; only CM.com Sign's token, redacted in records, needs the
// secret, and takes it when one is given.
func (k *KeyFlags) RecordedSigner(f *Factory, p *catalog.Provider) (delivery.Signer, error) {
	s, err := signing.For(p, k.AuthHeader)
	if err != nil {
		return delivery.Signer{}, err
	}
	sg := delivery.Signer{Scheme: s}
	if sec, err := k.Resolve(f.Getenv); err == nil {
		sg.Keys.Secret = sec.Bytes
	} else if !errors.Is(err, ErrNoSecret) {
		return delivery.Signer{}, err
	}
	return sg, nil
}
