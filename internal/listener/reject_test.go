package listener

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/signing"
)

// TestRejectInvalid: with RejectInvalid, listen answers what a careful endpoint does,
// and the record says what it answered.
func TestRejectInvalid(t *testing.T) {
	good := signing.Keys{Secret: []byte("clment_test_secret")}
	bad := signing.Keys{Secret: []byte("another secret")}
	valid := func() *delivery.Delivery { return signed(t, "clment", "review.completed", good) }
	tests := []struct {
		name     string
		provider *catalog.Provider
		keys     func(*catalog.Provider) *signing.Keys
		d        func() *delivery.Delivery
		status   int
		schema   string // the body's verdict, where the row is about it
	}{
		{"a valid signature is taken", provider(t, "clment"), secret("clment_test_secret"), valid, http.StatusOK, ""},
		{"a wrong signature", provider(t, "clment"), secret("clment_test_secret"), func() *delivery.Delivery {
			return signed(t, "clment", "review.completed", bad)
		}, http.StatusUnauthorized, ""},
		{"no signature", provider(t, "clment"), secret("clment_test_secret"), func() *delivery.Delivery {
			d := valid()
			d.Headers = withoutHeader(d.Headers, "X-Clment-Signature")
			return d
		}, http.StatusUnauthorized, ""},
		{"no key to check it with", provider(t, "clment"), func(*catalog.Provider) *signing.Keys { return nil }, valid, http.StatusUnauthorized, ""},
		{"a body that is not JSON", provider(t, "clment"), secret("clment_test_secret"), func() *delivery.Delivery {
			d := &delivery.Delivery{Provider: provider(t, "clment"), Body: []byte("id=evt_1&type=review.completed")}
			s, _ := signing.For(provider(t, "clment"), "")
			if err := d.Sign(s, good, signing.Params{}); err != nil {
				t.Fatal(err)
			}
			return d
		}, http.StatusBadRequest, SchemaInvalid},
		{"a provider that cannot be told", nil, secret("clment_test_secret"), func() *delivery.Delivery {
			return &delivery.Delivery{Body: []byte(`{"hello":"world"}`)}
		}, http.StatusBadRequest, ""},
		{"a schema violation, correctly signed, is taken", provider(t, "clment"), secret("clment_test_secret"), func() *delivery.Delivery {
			return signed(t, "clment", "review.completed", good, "payload=42")
		}, http.StatusOK, SchemaInvalid},
		{"an unknown type, correctly signed, is taken", provider(t, "clment"), secret("clment_test_secret"), func() *delivery.Delivery {
			return signed(t, "clment", "review.completed", good, "type=review.completed.v2")
		}, http.StatusOK, SchemaUnknownType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, Config{Provider: tt.provider, Keys: tt.keys, RejectInvalid: true})
			if res := post(t, r.url, tt.d()); res.StatusCode != tt.status {
				t.Errorf("answered %d, want %d", res.StatusCode, tt.status)
			}
			ds := deliveries(r.stop())
			if len(ds) != 1 || ds[0].Record.Response == nil || ds[0].Record.Response.Status != tt.status {
				t.Fatalf("records %+v, want one answered %d", ds, tt.status)
			}
			if got := ds[0].Record.Schema.Status; tt.schema != "" && got != tt.schema {
				t.Errorf("schema %s, want %s", got, tt.schema)
			}
			if tt.status != http.StatusOK && ds[0].Record.Response.Body == "" {
				t.Errorf("the record does not say why it was refused")
			}
		})
	}
}

// A forged delivery is refused and not remembered: the real delivery with the same id
// is taken and is not flagged as a duplicate; sent again, it is acknowledged and
// flagged.
func TestRejectInvalidRemembersOnlyTakenDeliveries(t *testing.T) {
	r := start(t, Config{Provider: provider(t, "clment"), Keys: secret("clment_test_secret"), RejectInvalid: true})
	real := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("clment_test_secret")})
	forged := *real
	forged.Headers = append(withoutHeader(real.Headers, "X-Clment-Signature"), signing.Header{Name: "X-Clment-Signature", Value: "sha256=" + string(bytes.Repeat([]byte("0"), 64))})
	want := []int{http.StatusUnauthorized, http.StatusOK, http.StatusOK}
	for i, d := range []*delivery.Delivery{&forged, real, real} {
		if res := post(t, r.url, d); res.StatusCode != want[i] {
			t.Errorf("delivery %d answered %d, want %d", i, res.StatusCode, want[i])
		}
	}
	ds := deliveries(r.stop())
	if len(ds) != 3 {
		t.Fatalf("%d records", len(ds))
	}
	for i, dup := range []bool{false, false, true} {
		if ds[i].Record.Duplicate != dup {
			t.Errorf("record %d duplicate=%v, want %v", i, ds[i].Record.Duplicate, dup)
		}
	}
}

func withoutHeader(hs []signing.Header, name string) []signing.Header {
	var out []signing.Header
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	return out
}
