package conformance_test

import (
	"context"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/signing"
)

// TestListenRejectInvalidPassesEveryCheck: `whk listen --reject-invalid` is the careful
// receiver users stand in for their endpoint, so whk test against it passes every
// check that applies, for every provider. Duplicates need nothing of their own: listen
// acknowledges a delivery id it has seen (and flags it), which is what the dedupe
// checks hold a receiver to.
func TestListenRejectInvalidPassesEveryCheck(t *testing.T) {
	c := catalog.MustBuiltin()
	for _, p := range c.Providers() {
		t.Run(p.ID, func(t *testing.T) {
			s, err := signing.For(p, "")
			if err != nil {
				t.Fatal(err)
			}
			sk, vk := keysFor(t, p)
			events := make(chan listener.Event, 64)
			l, err := listener.Listen(listener.Config{
				Addr: "127.0.0.1:0", Catalog: c, Provider: p, RejectInvalid: true, Events: events,
				Keys: func(*catalog.Provider) *signing.Keys { return &vk },
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- l.Serve(ctx) }()
			go func() {
				for range events {
				}
			}()
			defer func() {
				stop()
				if err := <-served; err != nil {
					t.Error(err)
				}
				close(events)
			}()
			results, err := conformance.Run(context.Background(), conformance.Options{Provider: p, URL: l.URL(), Scheme: s, Keys: sk})
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != len(conformance.Checks) {
				t.Errorf("%d results for %d checks", len(results), len(conformance.Checks))
			}
			for _, r := range results {
				if r.Outcome == conformance.Fail {
					t.Errorf("%s failed: %s", r.Check, r.Detail)
				}
			}
		})
	}
}
