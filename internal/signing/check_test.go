package signing

import (
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
)

func TestCheck(t *testing.T) {
	sec := Keys{Secret: []byte(diagSecret)}
	body := `{"id":"evt_1","type":"review.completed"}`
	at := time.Unix(1_700_000_000, 0)
	whsec := Keys{Secret: []byte(diagWhsec)}
	stdwh := signed(t, "standard-webhooks", body, whsec, Params{ID: "msg_1", Timestamp: at})
	tests := []struct {
		name     string
		provider string
		body     string
		keys     Keys
		valid    bool
		cause    Cause // a confirmed finding, when not valid
		keyError bool
	}{
		{"valid signature", "clment", body, sec, true, "", false},
		{"newline added after signing", "clment", body + "\n", sec, false, CauseTrailingNewline, false},
		{"a secret that is not whsec_ is a key error", "standard-webhooks", body, Keys{Secret: []byte("whsec_!!")}, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := signed(t, "clment", body, sec, Params{})
			if tt.provider == "standard-webhooks" {
				h = stdwh
			}
			v, err := Check(DiagnoseInput{Scheme: scheme(t, tt.provider), Provider: "P", Body: []byte(tt.body), Header: h,
				Keys: tt.keys, Options: VerifyOptions{Now: at, Tolerance: DefaultTolerance}, Others: others(t)})
			if (err != nil) != tt.keyError {
				t.Fatalf("error %v, want key error %v", err, tt.keyError)
			}
			if err != nil {
				return
			}
			if v.Valid != tt.valid {
				t.Fatalf("valid = %v, want %v (%+v)", v.Valid, tt.valid, v)
			}
			if tt.valid {
				if v.Reason != "" || len(v.Findings) != 0 {
					t.Fatalf("a valid signature has a reason or findings: %+v", v)
				}
				return
			}
			if v.Reason == "" || len(v.Findings) == 0 || !v.Findings[0].Confirmed || v.Findings[0].Cause != tt.cause {
				t.Fatalf("verdict %+v, want a reason and a confirmed %s", v, tt.cause)
			}
		})
	}
}

func TestAlternativesLeaveOutTheProvider(t *testing.T) {
	c := catalog.MustBuiltin()
	p, err := c.Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	alts := Alternatives(c, p)
	if len(alts) != len(c.Providers())-1 {
		t.Fatalf("%d alternatives for %d providers", len(alts), len(c.Providers()))
	}
	for _, a := range alts {
		if a.Provider == p.ID || a.Scheme == nil {
			t.Fatalf("alternative %+v", a)
		}
	}
}
