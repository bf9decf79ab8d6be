// Package examples wires the example receivers up by provider id, for the runner in
// ./run, the tests that hold `whk test` to them, and whk's script tests. Each receiver
// lives in its own directory, uses only the standard library, and is quoted whole in
// docs/guides/receivers/<provider>.md.
package examples

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/whk-cli/whk/internal/conformance/examples/clment"
	cmsign "github.com/whk-cli/whk/internal/conformance/examples/cm-sign"
	contractascode "github.com/whk-cli/whk/internal/conformance/examples/contract-as-code"
	"github.com/whk-cli/whk/internal/conformance/examples/ironclad"
	"github.com/whk-cli/whk/internal/conformance/examples/oneflow"
)

// Providers are the providers with an example receiver, by catalog id.
var Providers = []string{"clment", "contract-as-code", "ironclad", "cm-sign", "oneflow"}

// Config is what an example receiver needs.
type Config struct {
	// Secret is the HMAC secret, the CM.com Sign token or the Oneflow sign key.
	Secret []byte
	// AuthHeader is CM.com Sign's token header; "" means X-Webhook-Token.
	AuthHeader string
	// PublicKeyPath is Ironclad's public key (PEM), read on first use and again after a
	// signature fails to verify.
	PublicKeyPath string
	// Handle gets each new event after it was acknowledged; nil ignores them.
	Handle func(typ, id string)
}

// Handler returns the example receiver of provider.
func Handler(provider string, c Config) (http.Handler, error) {
	handle := c.Handle
	if handle == nil {
		handle = func(string, string) {}
	}
	switch provider {
	case "clment":
		return clment.New(c.Secret, func(e clment.Event) { handle(e.Type, e.ID) }), nil
	case "contract-as-code", "lac":
		return contractascode.New(c.Secret, func(e contractascode.Event) { handle(e.Type, e.ID) }), nil
	case "ironclad":
		fetch := func() (*rsa.PublicKey, error) {
			b, err := os.ReadFile(c.PublicKeyPath)
			if err != nil {
				return nil, err
			}
			return ironclad.ParsePublicKey(b)
		}
		return ironclad.New(fetch, func(e ironclad.Event) { handle(e.Type, e.ID) }), nil
	case "cm-sign", "cm":
		h := c.AuthHeader
		if h == "" {
			h = "X-Webhook-Token"
		}
		return cmsign.New(h, c.Secret, func(e cmsign.Event) { handle(e.Type, e.ID) }), nil
	case "oneflow":
		return oneflow.New(c.Secret, func(e oneflow.Event) {
			for _, ev := range e.Events {
				handle(ev.Type, e.CallbackID)
			}
		}), nil
	}
	return nil, fmt.Errorf("no example receiver for %q (one of: %s)", provider, strings.Join(Providers, ", "))
}
