package delivery

import (
	"errors"
	"net/http"

	"github.com/whk-cli/whk/internal/signing"
)

// Unsigned is the scheme of a provider that signs only when a key is set (Oneflow
// without a sign key): the body goes out as it is, with no signature.
type Unsigned struct{}

// Name implements signing.Scheme.
func (Unsigned) Name() string { return "unsigned" }

// Sign implements signing.Scheme: nothing to attach.
func (Unsigned) Sign(body []byte, _ signing.Keys, _ signing.Params) (signing.Signed, error) {
	return signing.Signed{Body: body}, nil
}

// Verify implements signing.Scheme; whk never verifies with it.
func (Unsigned) Verify([]byte, http.Header, signing.Keys, signing.VerifyOptions) (signing.Result, error) {
	return signing.Result{}, errors.New("unsigned deliveries cannot be verified")
}
