package delivery

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// Retries follow the catalog schedule (compressed), keep the delivery id, and honour
// each provider's special statuses.
func TestDeliverRetrySequences(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		statuses []int // answers in order; the last repeats
		want     []int // statuses seen by whk, one per attempt
		ok       bool
		stop     string
	}{
		{"Contract-as-Code: 5 retries after the first attempt", "contract-as-code", []int{500}, []int{500, 500, 500, 500, 500, 500}, false, StopExhausted},
		{"Contract-as-Code: acknowledged on the third", "contract-as-code", []int{500, 404, 204}, []int{500, 404, 204}, true, StopAcknowledged},
		{"Ironclad: 410 stops (the webhook would be deleted)", "ironclad", []int{500, 410, 200}, []int{500, 410}, false, StopStatus},
		{"Ironclad: 13 attempts at most", "ironclad", []int{503}, repeat(503, 13), false, StopExhausted},
		{"CM.com Sign: a 4xx is final", "cm-sign", []int{404}, []int{404}, false, StopNotRetried},
		{"CM.com Sign: 5xx is retried, 5 attempts", "cm-sign", []int{502}, repeat(502, 5), false, StopExhausted},
		{"CM.com Sign: 5xx then 4xx", "cm-sign", []int{500, 400}, []int{500, 400}, false, StopNotRetried},
		{"Oneflow: 201 is a failure and retried; 10 attempts", "oneflow", []int{201}, repeat(201, 10), false, StopExhausted},
		{"Clment: Standard Webhooks delays for 10 attempts", "clment", []int{500}, repeat(500, 10), false, StopExhausted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := provider(t, tt.provider)
			rc := newReceiver(t, p, func(n int) int {
				if n > len(tt.statuses) {
					n = len(tt.statuses)
				}
				return tt.statuses[n-1]
			})
			d := buildSigned(t, p)
			pol := RetryPolicy(p, 1e-9)
			var seen []int
			var waits []time.Duration
			out := Deliver(context.Background(), &Poster{URL: rc.URL}, d, pol, func(ev AttemptEvent) {
				seen = append(seen, ev.Attempt.Status)
				if ev.Stop == "" {
					waits = append(waits, ev.Next)
				}
			})
			if !reflect.DeepEqual(seen, tt.want) || out.OK != tt.ok || out.Stop != tt.stop {
				t.Errorf("statuses %v ok=%v stop=%q, want %v ok=%v stop=%q", seen, out.OK, out.Stop, tt.want, tt.ok, tt.stop)
			}
			rc.check(t)
			if len(rc.ids) != 1 || rc.ids[d.ID] != len(tt.want) {
				t.Errorf("receiver saw ids %v, want %s %d times", rc.ids, d.ID, len(tt.want))
			}
			for i, w := range waits {
				if want := pol.Wait(i); w != want {
					t.Errorf("wait %d = %v, want %v", i, w, want)
				}
			}
		})
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestRetryPolicyNotes(t *testing.T) {
	tests := []struct {
		provider string
		delays   []time.Duration
		note     string
	}{
		{"contract-as-code", []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}, ""},
		{"oneflow", []time.Duration{1e9, 5e9, 10e9, 30e9, 60e9, 300e9, 600e9, 1800e9, 3600e9}, ""},
		{"clment", catalog.StandardWebhooksDelays[:9], "Clment: Retries re-deliver the same id; the schedule is not documented. whk uses the Standard Webhooks example delays (5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h) for 10 attempts."},
		{"cm-sign", catalog.StandardWebhooksDelays[:4], "Exact delays are not documented. whk uses the Standard Webhooks example delays (5s, 5m, 30m, 2h) for 5 attempts."},
	}
	for _, tt := range tests {
		pol := RetryPolicy(provider(t, tt.provider), 1)
		if !reflect.DeepEqual(pol.Delays, tt.delays) {
			t.Errorf("%s: delays %v", tt.provider, pol.Delays)
		}
		if (tt.note == "") != (pol.Note == "") || !strings.HasSuffix(pol.Note, tt.note) {
			t.Errorf("%s: note %q", tt.provider, pol.Note)
		}
	}
	if d := RetryPolicy(provider(t, "ironclad"), 0.001).Wait(11); d != time.Duration(float64(60*time.Second*(1<<11))*0.001) {
		t.Errorf("ironclad 12th wait scaled: %v", d)
	}
}

// Cancelling during a wait ends the retries without a further attempt.
func TestDeliverInterruptedWhileWaiting(t *testing.T) {
	p := provider(t, "contract-as-code")
	rc := newReceiver(t, p, func(int) int { return 500 })
	ctx, cancel := context.WithCancel(context.Background())
	out := Deliver(ctx, &Poster{URL: rc.URL}, buildSigned(t, p), RetryPolicy(p, 1), func(AttemptEvent) { cancel() })
	if out.Stop != StopInterrupted || len(out.Attempts) != 1 {
		t.Errorf("stop %q after %d attempts", out.Stop, len(out.Attempts))
	}
}

func signers(t *testing.T) map[string]Signer {
	out := map[string]Signer{}
	for _, p := range catalog.MustBuiltin().Providers() {
		s, err := signing.For(p, "")
		if err != nil {
			t.Fatal(err)
		}
		out[p.ID] = Signer{Scheme: s, Keys: providerKeys(t, p)}
	}
	return out
}

// Many workers over one keep-alive client: every delivery arrives once, correctly
// signed, with its own fresh id.
func TestReplayConcurrencyNoLossNoDuplicates(t *testing.T) {
	for _, id := range []string{"clment", "ironclad", "oneflow"} {
		t.Run(id, func(t *testing.T) {
			p := provider(t, id)
			rc := newReceiver(t, p, nil)
			const count = 20
			items := BuiltinItems(p)
			var results []Result
			sum, err := Replay(context.Background(), ReplayOptions{
				Items: items, Poster: &Poster{URL: rc.URL, Client: &http.Client{Transport: NewTransport(8)}},
				Signers: signers(t), Concurrency: 8, Count: count,
			}, func(r Result) { results = append(results, r) })
			if err != nil {
				t.Fatal(err)
			}
			total := count * len(items)
			rc.check(t)
			if sum.Sent != total || sum.OK != total || sum.ByOutcome["200"] != total || len(results) != total {
				t.Errorf("summary %+v, %d results, want %d", sum, len(results), total)
			}
			if len(rc.ids) != total || rc.n != total {
				t.Errorf("receiver saw %d requests with %d distinct ids, want %d", rc.n, len(rc.ids), total)
			}
			seqs := map[int]bool{}
			for _, r := range results {
				if rc.ids[r.ID] != 1 {
					t.Errorf("result id %q seen %d times", r.ID, rc.ids[r.ID])
				}
				seqs[r.Seq] = true
			}
			if len(seqs) != total || sum.P50 <= 0 || sum.P99 < sum.P50 {
				t.Errorf("%d distinct seqs; p50 %v p99 %v", len(seqs), sum.P50, sum.P99)
			}
		})
	}
}

// A recorded request replayed with --keep-signature arrives byte for byte; the
// redacted CM.com Sign token is re-added from the secret.
func TestRecordReplayKeepSignatureByteIdentical(t *testing.T) {
	dir := t.TempDir()
	type sent struct {
		body    []byte
		headers http.Header
	}
	var originals []sent
	for _, id := range []string{"clment", "ironclad", "cm-sign", "oneflow", "standard-webhooks"} {
		p := provider(t, id)
		d := buildSigned(t, p)
		h := http.Header{}
		for _, x := range d.Headers {
			h.Add(x.Name, x.Value)
		}
		originals = append(originals, sent{d.Body, h.Clone()})
		if id == "cm-sign" {
			h.Set("X-Webhook-Token", record.Redacted)
		}
		h.Set("Accept-Encoding", "gzip")
		r := &record.Record{Kind: record.KindDelivery, ReceivedAt: time.Now(), Method: "POST", Path: "/hook", Headers: h, Body: d.Body, Provider: p.ID, Type: d.Type, ID: d.ID}
		b, err := r.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	items, err := LoadItems(catalog.MustBuiltin(), nil, []string{dir}, nil, 1<<20)
	if err != nil || len(items) != 5 {
		t.Fatalf("%d items: %v", len(items), err)
	}
	byProvider := map[string]*receiver{}
	for _, it := range items {
		rc := newReceiver(t, it.Provider, nil)
		byProvider[it.Provider.ID] = rc
		_, err := Replay(context.Background(), ReplayOptions{Items: []Item{it}, Poster: &Poster{URL: rc.URL}, Signers: signers(t), KeepSignature: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		rc.check(t)
	}
	for i, id := range []string{"clment", "ironclad", "cm-sign", "oneflow", "standard-webhooks"} {
		rc := byProvider[id]
		if len(rc.bodies) != 1 || string(rc.bodies[0]) != string(originals[i].body) {
			t.Errorf("%s: body changed: %s", id, rc.bodies)
			continue
		}
		for name, vals := range originals[i].headers {
			if got := rc.headers[0].Values(name); !reflect.DeepEqual(got, vals) {
				t.Errorf("%s: header %s = %q, want %q", id, name, got, vals)
			}
		}
	}
	// Without the token the redacted header cannot be re-added.
	var cm Item
	for _, it := range items {
		if it.Provider.ID == "cm-sign" {
			cm = it
		}
	}
	s := signers(t)
	s["cm-sign"] = Signer{Scheme: s["cm-sign"].Scheme}
	if _, err := Replay(context.Background(), ReplayOptions{Items: []Item{cm}, Poster: &Poster{URL: "http://127.0.0.1:1/"}, Signers: s, KeepSignature: true}, nil); err == nil || !strings.Contains(err.Error(), "redacted") {
		t.Errorf("redacted token without secret: %v", err)
	}
}

// Re-signing (the default) gives recorded deliveries fresh ids; --keep-ids keeps them.
func TestReplayFreshOrKeptIDs(t *testing.T) {
	p := provider(t, "ironclad")
	d := buildSigned(t, p)
	h := http.Header{}
	for _, x := range d.Headers {
		h.Add(x.Name, x.Value)
	}
	it := Item{Source: "rec", Provider: p, Body: d.Body, Headers: h}
	for _, keep := range []bool{false, true} {
		rc := newReceiver(t, p, nil)
		if _, err := Replay(context.Background(), ReplayOptions{Items: []Item{it}, Poster: &Poster{URL: rc.URL}, Signers: signers(t), KeepIDs: keep}, nil); err != nil {
			t.Fatal(err)
		}
		rc.check(t)
		if rc.ids[d.ID] == 1 != keep {
			t.Errorf("keep-ids=%v: receiver saw %v, recorded id %s", keep, rc.ids, d.ID)
		}
		if (string(rc.bodies[0]) == string(d.Body)) != keep {
			t.Errorf("keep-ids=%v: body %s vs %s", keep, rc.bodies[0], d.Body)
		}
	}
}

// Cancelling stops new deliveries, lets in-flight ones finish and reports them.
func TestReplayInterrupted(t *testing.T) {
	p := provider(t, "clment")
	ctx, cancel := context.WithCancel(context.Background())
	rc := newReceiver(t, p, func(n int) int {
		if n == 5 {
			cancel()
		}
		return 200
	})
	var n int
	sum, err := Replay(ctx, ReplayOptions{Items: BuiltinItems(p), Poster: &Poster{URL: rc.URL}, Signers: signers(t), Concurrency: 2, Count: 1000}, func(Result) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Sent != n || sum.Sent != rc.n || sum.Failed != 0 || sum.Sent >= 9000 {
		t.Errorf("summary %+v, emitted %d, receiver %d", sum, n, rc.n)
	}
}

func TestLoadItemsSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := catalog.MustBuiltin()
	write("a/clment.json", `{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}`)
	write("a/many.ndjson", `{"kind":"ready","url":"http://127.0.0.1:1/"}`+"\n"+
		`{"contract":{"id":1},"callback_id":"abc","events":[{"created_time":"2020-07-06T15:14:14+0000","id":1,"type":"contract:publish"}]}`+"\n\n"+
		`{"kind":"delivery","received_at":"2026-06-16T14:32:08Z","method":"POST","path":"/","headers":{"X-Webhook-Token":["[redacted]"]},"body":"e30=","provider":"cm-sign","duplicate":false}`+"\n")
	write("a/notes.txt", "ignored")
	raw := write("raw.http", "POST /hook HTTP/1.1\r\nHost: x\r\nX-Lac-Signature: sha256=00\r\nContent-Type: application/json\r\n\r\n{\"id\":\"evt_2\",\"type\":\"test.ping\"}")
	// A HAR capture: one item per entry, named by its line; a GET is an item that fails.
	write("a/capture.har", `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[`+"\n"+
		`{"request":{"method":"GET","url":"https://x.test/","headers":[]}},`+"\n"+
		`{"request":{"method":"POST","url":"https://x.test/h","headers":[{"name":":path","value":"/h"},{"name":"x-lac-signature","value":"sha256=00"}],"postData":{"mimeType":"application/json","text":"{\"id\":\"evt_3\",\"type\":\"test.ping\"}"}}}`+"\n]}}")
	items, err := LoadItems(c, nil, []string{filepath.Join(dir, "a"), raw}, nil, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		if it.Err != nil {
			got = append(got, it.Source[len(dir):]+" "+it.Err.Error())
			continue
		}
		got = append(got, it.Source[len(dir):]+" "+it.Provider.ID)
	}
	want := []string{"/a/capture.har:2 GET / has no body: not a delivery", "/a/capture.har:3 contract-as-code", "/a/clment.json clment", "/a/many.ndjson:2 oneflow", "/a/many.ndjson:4 cm-sign", "/raw.http contract-as-code"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("items %q, want %q", got, want)
	}
	if !items[1].Recorded() || items[1].Headers.Get(":path") != "" || string(items[1].Body) != `{"id":"evt_3","type":"test.ping"}` {
		t.Errorf("the HAR's POST: %+v", items[1])
	}
	if !items[4].Recorded() || items[2].Recorded() || !items[5].Recorded() {
		t.Errorf("recorded flags wrong")
	}
	if _, err := LoadItems(c, nil, []string{filepath.Join(dir, "missing")}, nil, 1<<20); err == nil {
		t.Errorf("missing path: no error")
	}
	// A source that cannot be used is an item saying why, not the end of the load.
	for _, tt := range []struct {
		name, file, content, source, want string
	}{
		{"not JSON", "bad.json", "{nope", "bad.json", "not JSON"},
		{"a bad NDJSON line", "bad.ndjson", "{}\n{nope\n", "bad.ndjson:2", "not JSON"},
		{"provider not detected", "unknown.json", `{"hello":"world"}`, "unknown.json", "pass -p"},
		{"record of a GET without a provider", "get.json", `{"kind":"delivery","method":"GET","headers":{},"body":"aGk="}`, "get.json", "the body is not JSON"},
		{"a HAR cut short", "cut.har", `{"log":{"entries":[{"request":`, "cut.har", "not a HAR document: entry 1 (line 1): unexpected EOF"},
		{"over the size limit", "big.json", `{"id":"` + strings.Repeat("x", 100) + `"}`, "big.json", "larger than 64 bytes"},
		// An NDJSON file is read line by line: the limit bounds a line, not the log.
		{"a log line over the size limit", "long.ndjson", "{}\n{\"id\":\"" + strings.Repeat("x", 100) + "\"}\n", "long.ndjson:2", "larger than 64 bytes"},
		{"a torn last line of a log being written", "growing.ndjson", strings.Repeat(`{"id":"evt_1","type":"x"}`+"\n", 5) + `{"kind":"deliv`, "growing.ndjson:6", "not JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := write(tt.file, tt.content)
			items, err := LoadItems(c, nil, []string{p}, nil, 64)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(strings.Split(strings.TrimSuffix(tt.content, "\n"), "\n")); strings.HasSuffix(tt.file, ".ndjson") && len(items) != n {
				t.Errorf("%d items, want one per line (%d)", len(items), n)
			}
			last := items[len(items)-1]
			if last.Source != filepath.Join(dir, tt.source) || last.Err == nil || !strings.Contains(last.Err.Error(), tt.want) {
				t.Errorf("last item %s: err %v, want %s: …%s…", last.Source, last.Err, tt.source, tt.want)
			}
		})
	}
}

// One unusable recording fails on its own; the rest are sent.
func TestReplaySendsAroundUnsendableItems(t *testing.T) {
	p := provider(t, "clment")
	rc := newReceiver(t, p, nil)
	items := append([]Item{{Source: "get.json", Err: errors.New("the body is not JSON")}}, BuiltinItems(p)[:2]...)
	items = append(items, Item{Source: "junk.json", Provider: p, Body: []byte("junk")})
	var results []Result
	sum, err := Replay(context.Background(), ReplayOptions{Items: items, Poster: &Poster{URL: rc.URL}, Signers: signers(t)}, func(r Result) { results = append(results, r) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 4 || sum.OK != 2 || sum.Failed != 2 || sum.ByOutcome["not sent"] != 2 || rc.n != 2 {
		t.Errorf("summary %+v, receiver got %d", sum, rc.n)
	}
	notSent := map[string]bool{}
	for _, r := range results {
		if r.Err != nil {
			notSent[r.Source] = true
		}
	}
	if !notSent["get.json"] || !notSent["junk.json"] {
		t.Errorf("not sent: %v, want get.json and junk.json", notSent)
	}
	// When nothing can be sent, that is the error.
	if _, err := Replay(context.Background(), ReplayOptions{Items: []Item{items[0], items[3]}, Poster: &Poster{URL: rc.URL}, Signers: signers(t)}, nil); err == nil || !strings.Contains(err.Error(), "get.json") {
		t.Errorf("nothing sendable: err %v", err)
	}
}

// A template builds what FromBody builds: same shape, fresh values in the provider's
// formats, --set applied, the id read back.
func TestTemplateMatchesFromBody(t *testing.T) {
	c := catalog.MustBuiltin()
	for _, p := range c.Providers() {
		for _, e := range p.Events {
			tpl, err := NewTemplate(p, e.Example, "", BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			at := fixed()
			got := tpl.Build(at)
			want, _ := FromBody(p, e.Example, BuildOptions{Now: fixed})
			if got.Type != want.Type || got.ID == "" || len(got.Body) != len(want.Body) {
				t.Errorf("%s %s: template %q %q %s, FromBody %q %s", p.ID, e.Type, got.Type, got.ID, got.Body, want.Type, want.Body)
			}
			if !strings.HasPrefix(p.IDAt, "header:") && !strings.Contains(string(got.Body), got.ID) {
				t.Errorf("%s %s: id %q not in body", p.ID, e.Type, got.ID)
			}
			if again := tpl.Build(at); again.ID == got.ID {
				t.Errorf("%s %s: two builds share id", p.ID, e.Type)
			}
		}
	}
	p := provider(t, "clment")
	e, _ := p.Event("review.completed")
	tpl, err := NewTemplate(p, e.Example, "", BuildOptions{Sets: []string{"id=evt_fixed", "payload.overallRisk=42"}})
	if err != nil {
		t.Fatal(err)
	}
	d := tpl.Build(fixed())
	if d.ID != "evt_fixed" || !strings.Contains(string(d.Body), `"overallRisk":42`) || !regexp.MustCompile(`"occurredAt":"2026-06-16T14:32:08\.000Z"`).Match(d.Body) {
		t.Errorf("sets: %s id %s", d.Body, d.ID)
	}
}

func TestLatencyQuantiles(t *testing.T) {
	var l Latencies
	for i := 1; i <= 1000; i++ {
		l.Add(time.Duration(i) * time.Millisecond)
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.95, 950 * time.Millisecond}, {0.99, 990 * time.Millisecond}} {
		got := l.Quantile(tt.q)
		if diff := got - tt.want; diff < -tt.want/50 || diff > tt.want/50 {
			t.Errorf("q%v = %v, want ≈ %v", tt.q, got, tt.want)
		}
	}
	for us := uint64(0); us < 1<<20; us += 997 {
		if v := bucketValue(bucketOf(us)); v+v/60 < us || v > us+us/60+1 {
			t.Fatalf("bucket of %d µs holds %d", us, v)
		}
	}
}

// Whatever a file holds, reading it as deliveries returns items, each with a provider
// or the reason it cannot be sent, and never panics.
func FuzzParseItems(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","type":"review.completed","occurredAt":"x","organizationId":"o","payload":{}}`))
	f.Add([]byte("{\"kind\":\"ready\"}\n{\"kind\":\"delivery\",\"headers\":{},\"body\":\"e30=\",\"provider\":\"clment\"}\n"))
	f.Add([]byte("POST / HTTP/1.1\r\nHost: x\r\n\r\n{}"))
	f.Add([]byte("{\"kind\":\"delivery\",\"body\":\"!!\"}"))
	c := catalog.MustBuiltin()
	f.Fuzz(func(t *testing.T, b []byte) {
		l := &loader{cat: c}
		l.add("fuzz", b, nil)
		for _, it := range l.items {
			if (it.Provider == nil) == (it.Err == nil) {
				t.Fatalf("item %s: provider %v, err %v", it.Source, it.Provider, it.Err)
			}
		}
	})
}

// Stdin over the size limit is an error, as a file is, not cut short: cut at a line
// boundary, NDJSON would lose its last deliveries without a word.
func TestLoadItemsStdinTooLarge(t *testing.T) {
	line := `{"id":"evt_1","type":"review.completed","occurredAt":"2026-06-16T14:32:08.123Z","organizationId":"org_1","payload":{}}` + "\n"
	in := strings.Repeat(line, 4)
	items, err := LoadItems(catalog.MustBuiltin(), nil, []string{"-"}, strings.NewReader(in), int64(2*len(line)))
	if err != nil || len(items) != 1 || items[0].Source != "stdin" || items[0].Err == nil || !strings.Contains(items[0].Err.Error(), "larger than") {
		t.Fatalf("items %+v, err %v; want one stdin item: larger than …", items, err)
	}
	items, err = LoadItems(catalog.MustBuiltin(), nil, []string{"-"}, strings.NewReader(in), int64(len(in)))
	if err != nil || len(items) != 4 {
		t.Fatalf("within the limit: %d items, err %v", len(items), err)
	}
}
