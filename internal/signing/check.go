package signing

import "github.com/whk-cli/whk/internal/catalog"

// Verdict is `whk verify`'s answer on one request: valid or not, why not, and what
// explains a mismatch.
type Verdict struct {
	Valid bool
	// Reason says why the signature is not valid ("" when valid).
	Reason string
	// Warnings hold caveats that hold even for a valid signature.
	Warnings []string
	Findings []Finding
}

// Check verifies the request and, on a mismatch, diagnoses it. The error is a key the
// scheme cannot use (a secret that is not whsec_<base64>), unless the diagnosis shows
// how the signature was made with it: then it is the verdict's reason.
func Check(in DiagnoseInput) (Verdict, error) {
	r, err := in.Scheme.Verify(in.Body, in.Header, in.Keys, in.Options)
	if err == nil && r.Valid {
		return Verdict{Valid: true, Warnings: r.Warnings}, nil
	}
	v := Verdict{Findings: Diagnose(in)}
	if err != nil {
		if !Explained(v.Findings) {
			return Verdict{}, err
		}
		v.Reason = err.Error()
		return v, nil
	}
	v.Reason, v.Warnings = r.Reason, r.Warnings
	return v, nil
}

// Alternatives are the schemes of every provider but p, for Diagnose to try a
// signature made with another provider's scheme.
func Alternatives(c *catalog.Catalog, p *catalog.Provider) []Alternative {
	var others []Alternative
	for _, q := range c.Providers() {
		if q.ID == p.ID {
			continue
		}
		if qs, err := For(q, ""); err == nil {
			others = append(others, Alternative{Provider: q.ID, Name: q.Name, Scheme: qs})
		}
	}
	return others
}
