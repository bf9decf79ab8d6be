package listener

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

func TestFilterMatch(t *testing.T) {
	cases := []struct {
		name  string
		specs []string
		types []string
		want  bool
	}{
		{"no filter shows everything", nil, []string{"review.completed"}, true},
		{"no filter shows an unknown type", nil, nil, true},
		{"a glob matches", []string{"review.*"}, []string{"review.completed"}, true},
		{"a glob does not match", []string{"review.*"}, []string{"contract.created"}, false},
		{"the exact type", []string{"contract.created"}, []string{"contract.created"}, true},
		{"one of several globs", []string{"review.*,contract.*"}, []string{"contract.created"}, true},
		{"globs from repeated flags add up", []string{"review.*", "contract.*"}, []string{"contract.created"}, true},
		{"an exclusion alone shows the rest", []string{"!review.assigned"}, []string{"review.completed"}, true},
		{"an exclusion hides its type", []string{"!review.assigned"}, []string{"review.assigned"}, false},
		{"an exclusion wins over an include", []string{"review.*,!review.assigned"}, []string{"review.assigned"}, false},
		{"? matches one character", []string{"review.complete?"}, []string{"review.completed"}, true},
		{"a class", []string{"dossier.[ip]*"}, []string{"dossier.prepared"}, true},
		{"Oneflow: any of several types matching shows it", []string{"contract:publish"}, []string{"contract:content_update", "contract:publish"}, true},
		{"Oneflow: none matching hides it", []string{"contract:sign*"}, []string{"contract:content_update", "contract:publish"}, false},
		{"Oneflow: one type excluded, another passes", []string{"!contract:publish"}, []string{"contract:publish", "contract:decline"}, true},
		{"an unknown type is hidden by an include", []string{"review.*"}, nil, false},
		{"an unknown type passes an exclusion", []string{"!review.*"}, nil, true},
		{"* shows an unknown type too", []string{"*"}, nil, true},
		{"spaces around globs are ignored", []string{" review.* , !review.assigned "}, []string{"review.completed"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFilter(c.specs)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(c.types); got != c.want {
				t.Errorf("Match(%q) with %q = %v, want %v", c.types, c.specs, got, c.want)
			}
		})
	}
}

func TestParseFilterRefusesBadGlobs(t *testing.T) {
	cases := []struct {
		name, spec, want string
	}{
		{"an unclosed class", "review.[a", `"review.[a" is not a glob`},
		{"an empty glob between commas", "review.*,,x", "empty glob"},
		{"a lone exclamation mark", "!", "empty glob"},
		{"a trailing backslash", `review\`, "is not a glob"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFilter([]string{c.spec})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// A filtered-out delivery is answered and counted, but neither sent as an event nor
// recorded.
func TestFilteredDeliveriesAreAnsweredNotShown(t *testing.T) {
	f, err := ParseFilter([]string{"review.*"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec, err := NewRecorder(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, Config{Filter: f, Keys: secret("S"), Recorder: rec})
	k := signing.Keys{Secret: []byte("S")}
	if res := post(t, r.url, signed(t, "clment", "contract.created", k)); res.StatusCode != 200 {
		t.Errorf("filtered delivery answered %d", res.StatusCode)
	}
	if res := post(t, r.url, signed(t, "clment", "review.completed", k)); res.StatusCode != 200 {
		t.Errorf("shown delivery answered %d", res.StatusCode)
	}
	ds := deliveries(r.stop())
	written, err := rec.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Record.Type != "review.completed" {
		t.Fatalf("events: %d deliveries, want review.completed only", len(ds))
	}
	if r.l.Received() != 2 || r.l.Filtered() != 1 || written != 1 {
		t.Errorf("received %d, filtered %d, recorded %d; want 2, 1, 1", r.l.Received(), r.l.Filtered(), written)
	}
}

// Two routes, two providers, two secrets, one forwarded: each delivery is judged with
// its route's provider and secret, answered by its route's target, and its record
// names the route.
func TestRoutesServeTwoProvidersWithTheirOwnSecrets(t *testing.T) {
	var appGot []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		appGot = append(appGot, r.URL.Path)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer app.Close()
	keyFor := func(s string) func(*catalog.Provider) *signing.Keys { return secret(s) }
	r := start(t, Config{Routes: []Route{
		{Path: "/clment", Provider: provider(t, "clment"), Keys: keyFor("clment-secret")},
		{Path: "/cm/", Provider: provider(t, "cm-sign"), Keys: keyFor("cm-token"), ForwardTo: app.URL + "/app"},
	}})
	base := strings.TrimSuffix(r.url, "/clment")
	cases := []struct {
		name, path, provider, typ, secret string
		status                            int
		route, verdict                    string
	}{
		{"clment with its secret", "/clment", "clment", "review.completed", "clment-secret", 200, "/clment", signing.StatusValid},
		{"clment with cm's token", "/clment", "clment", "review.completed", "cm-token", 200, "/clment", signing.StatusInvalid},
		{"cm-sign with its token, forwarded", "/cm/x", "cm-sign", "dossier.prepared", "cm-token", 202, "/cm/", signing.StatusValid},
		{"cm-sign with clment's secret, forwarded", "/cm/", "cm-sign", "dossier.prepared", "clment-secret", 202, "/cm/", signing.StatusInvalid},
	}
	for _, c := range cases {
		res := post(t, base+c.path, signed(t, c.provider, c.typ, signing.Keys{Secret: []byte(c.secret)}))
		if res.StatusCode != c.status {
			t.Errorf("%s: answered %d, want %d", c.name, res.StatusCode, c.status)
		}
	}
	if res := post(t, base+"/other", signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("x")})); res.StatusCode != 404 {
		t.Errorf("a path no route serves: %d, want 404", res.StatusCode)
	}
	events := r.stop()
	wantReady := Ready{URL: base + "/clment", Routes: []ReadyRoute{
		{URL: base + "/clment", Provider: "clment"},
		{URL: base + "/cm/", Provider: "cm-sign", ForwardTo: app.URL + "/app"},
	}}
	if ready, ok := events[0].(Ready); !ok || !reflect.DeepEqual(ready, wantReady) {
		t.Errorf("first event %#v, want %#v", events[0], wantReady)
	}
	ds := deliveries(events)
	if len(ds) != len(cases) {
		t.Fatalf("%d deliveries, want %d", len(ds), len(cases))
	}
	for i, c := range cases {
		rec := ds[i].Record
		if rec.Route != c.route || rec.Provider != c.provider || rec.Signature.Status != c.verdict {
			t.Errorf("%s: route %q provider %q signature %s (%s); want %q %q %s", c.name, rec.Route, rec.Provider, rec.Signature.Status, rec.Signature.Reason, c.route, c.provider, c.verdict)
		}
		if !bytes.Contains(ds[i].Line, []byte(`"route":"`+c.route+`"`)) {
			t.Errorf("%s: line without its route: %.200s", c.name, ds[i].Line)
		}
	}
	if len(appGot) != 2 || appGot[0] != "/app" {
		t.Errorf("the app got %q, want the two cm-sign deliveries at /app", appGot)
	}
}

func TestRoutesRefuseTwoRoutesOnOnePath(t *testing.T) {
	_, err := Listen(Config{Catalog: cat, Events: make(chan Event), Addr: "127.0.0.1:0", Routes: []Route{{Path: "/a"}, {Path: "a"}}})
	if err == nil || !strings.Contains(err.Error(), "two routes serve /a") {
		t.Fatalf("error %v", err)
	}
}

// The most specific route takes a path several routes would take.
func TestRoutesMostSpecificWins(t *testing.T) {
	r := start(t, Config{Routes: []Route{{Path: "/"}, {Path: "/hooks/"}, {Path: "/hooks/cm"}}})
	for _, c := range []struct{ path, route string }{{"/x", "/"}, {"/hooks/a", "/hooks/"}, {"/hooks/cm", "/hooks/cm"}, {"/hooks/cm/x", "/hooks/"}} {
		if rt := r.l.match(c.path); rt == nil || rt.name != c.route {
			t.Errorf("%s taken by %v, want %s", c.path, rt, c.route)
		}
	}
}

// CM.com Sign's token sent in another header than --auth-header names is still the
// token: it is redacted by its value.
func TestTokenInAnotherHeaderIsRedacted(t *testing.T) {
	r := start(t, Config{Provider: provider(t, "cm-sign"), AuthHeader: "X-Sign-Token", Keys: secret("tok-Ab3")})
	d := signed(t, "cm-sign", "dossier.prepared", signing.Keys{Secret: []byte("tok-Ab3")})
	req, _ := http.NewRequest("POST", r.url, bytes.NewReader(d.Body))
	req.Header.Set("X-Webhook-Token", "tok-Ab3") // the scheme's own header, not --auth-header's
	req.Header.Set("X-Custom-Auth", "tok-Ab3")
	req.Header.Set("X-Not-It", "tok-Ab")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	ds := deliveries(r.stop())
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	h := ds[0].Record.Headers
	if h.Get("X-Custom-Auth") != record.Redacted || h.Get("X-Webhook-Token") != record.Redacted {
		t.Errorf("headers %v: the token is not redacted", h)
	}
	if h.Get("X-Not-It") != "tok-Ab" {
		t.Errorf("a value that is not the token was changed: %q", h.Get("X-Not-It"))
	}
	if bytes.Contains(ds[0].Line, []byte("tok-Ab3")) {
		t.Errorf("the token is in the line: %s", ds[0].Line)
	}
	if got := ds[0].Record.Signature.Status; got != signing.StatusUnsigned {
		t.Errorf("signature %s, want unsigned: the token is not in X-Sign-Token", got)
	}
}

// The record shows the app's side of a forward: its status, its time and, with
// ResponseHeaders (-v), its headers.
func TestForwardRecordsTheAppsTime(t *testing.T) {
	const delay = 40 * time.Millisecond
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.Header().Set("X-App", "slow")
		w.WriteHeader(201)
	}))
	defer app.Close()
	for _, verbose := range []bool{false, true} {
		r := start(t, Config{ForwardTo: app.URL, ResponseHeaders: verbose})
		post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")}))
		ds := deliveries(r.stop())
		if len(ds) != 1 {
			t.Fatalf("%d deliveries", len(ds))
		}
		rr := ds[0].Record.Response
		if rr.Status != 201 || rr.DurationMS < float64(delay.Milliseconds()) || rr.DurationMS > 10_000 {
			t.Errorf("response %d in %v ms, want 201 in at least %v", rr.Status, rr.DurationMS, delay)
		}
		if !bytes.Contains(ds[0].Line, []byte(`"duration_ms":`)) {
			t.Errorf("line without the app's time: %s", ds[0].Line)
		}
		if got := rr.Headers.Get("X-App"); (got == "slow") != verbose {
			t.Errorf("verbose %v: response headers %v", verbose, rr.Headers)
		}
	}
}
