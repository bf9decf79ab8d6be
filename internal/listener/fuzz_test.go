package listener

import (
	"net/http"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
	"github.com/whk-cli/whk/internal/validation"
)

// Whatever arrives, inspect gives verdicts from the record's enumerations and a record
// that parses back, and validate gives that record the verdict listen gave the body.
func FuzzInspect(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"o","payload":{}}`), "sha256=00")
	f.Add([]byte(`{"callback_id":"x","events":[{"type":"contract:publish"}],"signature":"ab"}`), "")
	f.Add([]byte(`{"companyID":"c","webhookID":"w","payload":{"event":"workflow_launched"}}`), "")
	f.Add([]byte(`not json`), "")
	f.Add([]byte(``), "x")
	cfg := Config{Catalog: cat, Keys: secret("S"), Now: time.Now}
	routes, err := routesOf(cfg)
	if err != nil {
		f.Fatal(err)
	}
	l := &Listener{cfg: cfg, routes: routes, seen: newSeenSet(16)}
	check := validation.NewChecker(validation.Options{Catalog: cat})
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		h := http.Header{}
		if sig != "" {
			h.Set("X-Clment-Signature", sig)
		}
		d := &Delivery{Record: &record.Record{Kind: record.KindDelivery, Headers: h, Body: body}}
		l.inspect(d, h, routes[0])
		switch d.Record.Signature.Status {
		case signing.StatusValid, signing.StatusInvalid, signing.StatusUnsigned, signing.StatusUnchecked:
		default:
			t.Fatalf("signature status %q", d.Record.Signature.Status)
		}
		switch d.Record.Schema.Status {
		case SchemaValid, SchemaInvalid, SchemaUnknownType:
		default:
			t.Fatalf("schema status %q", d.Record.Schema.Status)
		}
		if d.Record.Schema.Status != SchemaValid && len(d.Record.Schema.Errors) == 0 {
			t.Fatalf("schema %s without a reason", d.Record.Schema.Status)
		}
		line, err := d.Record.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := record.Parse(line); err != nil {
			t.Fatalf("record does not parse back: %v", err)
		}
		// validate gives listen's record the verdict listen gave the body.
		r := check.Check(validation.Item{Source: "listen.ndjson", Line: 1, Data: line})
		if got, want := validateVerdict(&r, "/body"), listenVerdict(d.Record); got != want {
			t.Fatalf("validate %s\nlisten   %s", got, want)
		}
	})
}
