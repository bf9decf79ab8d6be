package conformance

import (
	"context"
	"strings"

	"github.com/whk-cli/whk/internal/signing"
)

// CheckSignatureList holds a receiver to a signature header that is a list: during a
// key rotation, or once a scheme gains a version, the valid signature is not the
// first entry, and a receiver that reads only the first, or refuses a version it does
// not know, refuses real deliveries.
const CheckSignatureList = "signature-list"

// signatureList sends a correctly signed delivery whose header lists an entry of an
// unknown version first and the valid signature last.
func (r *runner) signatureList(ctx context.Context) Result {
	f, _ := signing.FactsOf(r.o.Scheme)
	if f.ListSeparator == "" {
		return skip("not applicable: the %s scheme carries one signature, not a list", r.o.Scheme.Name())
	}
	if f.UnknownEntry == "" {
		return skip("not applicable: the %s scheme's list entries carry no version for whk to make an unknown one", r.o.Scheme.Name())
	}
	e := r.base()
	d, err := r.build(e)
	if err != nil {
		return fail("%v", err)
	}
	valid := ""
	for i, h := range d.Headers {
		if strings.EqualFold(h.Name, f.Header) {
			valid = h.Value
			d.Headers[i].Value = f.UnknownEntry + f.ListSeparator + h.Value
		}
	}
	if valid == "" {
		return fail("whk's delivery has no %s header to list", f.Header)
	}
	version := f.UnknownEntry[:strings.IndexAny(f.UnknownEntry, ",=")]
	what := f.Header + " listing an unknown " + version + " entry first and the valid signature last"
	return r.expectAcknowledged(ctx, e.Type+" (signature list)", d, what, func(a Answer) string {
		return "rejected with " + describe(a) + "; check every entry of the list and skip versions you do not know, do not read only the first"
	})
}
