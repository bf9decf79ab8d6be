package listener

import (
	"net/http"

	"github.com/whk-cli/whk/internal/signing"
)

// refusal is what a careful endpoint answers a delivery it must not take
// (Config.RejectInvalid): 401 to a signature that is wrong, missing or cannot be
// checked, 400 to a body that is not JSON or whose provider cannot be told. It
// returns 0 for a delivery to take. A body that parses but breaks whk's schema, or names
// a type whk does not know, is taken: a provider adds fields and types, and refusing
// them loses real events (CM.com Sign never retries a 4xx).
func refusal(d *Delivery) (status int, why string) {
	rec := d.Record
	switch {
	case d.unparsable:
		return http.StatusBadRequest, "the body is not JSON"
	case rec.Provider == "":
		return http.StatusBadRequest, "the provider cannot be told from this request"
	case rec.Signature == nil:
		return http.StatusUnauthorized, "the signature was not checked"
	}
	switch rec.Signature.Status {
	case signing.StatusValid:
		return 0, ""
	case signing.StatusUnsigned:
		return http.StatusUnauthorized, "no signature: " + rec.Signature.Reason
	case signing.StatusUnchecked:
		return http.StatusUnauthorized, "the signature cannot be checked: " + rec.Signature.Reason
	}
	return http.StatusUnauthorized, "invalid signature: " + rec.Signature.Reason
}
