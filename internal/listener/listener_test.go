package listener

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

var cat = catalog.MustBuiltin()

func provider(t testing.TB, id string) *catalog.Provider {
	t.Helper()
	p, err := cat.Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signed builds a delivery of typ from the catalog example and signs it.
func signed(t testing.TB, pid, typ string, k signing.Keys, sets ...string) *delivery.Delivery {
	t.Helper()
	p := provider(t, pid)
	e, err := p.Event(typ)
	if err != nil {
		t.Fatal(err)
	}
	d, err := delivery.FromExample(p, e, delivery.BuildOptions{Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.For(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Sign(s, k, signing.Params{}); err != nil {
		t.Fatal(err)
	}
	return d
}

func post(t testing.TB, url string, d *delivery.Delivery) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// running is a listener under test; stop ends it and returns every event it emitted.
type running struct {
	l    *Listener
	url  string
	stop func() []Event
}

func start(t testing.TB, cfg Config) *running {
	t.Helper()
	ch := make(chan Event, 16)
	cfg.Events = ch
	cfg.Catalog = cat
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	l, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var events []Event
	collected := make(chan struct{})
	go func() {
		for ev := range ch {
			events = append(events, ev)
		}
		close(collected)
	}()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- l.Serve(ctx) }()
	var once sync.Once
	stop := func() []Event {
		once.Do(func() {
			cancel()
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
			close(ch)
			<-collected
		})
		return events
	}
	t.Cleanup(func() { stop() })
	return &running{l: l, url: l.URL(), stop: stop}
}

func deliveries(evs []Event) []*Delivery {
	var out []*Delivery
	for _, e := range evs {
		if d, ok := e.(*Delivery); ok {
			out = append(out, d)
		}
	}
	return out
}

func secret(s string) func(*catalog.Provider) *signing.Keys {
	return func(*catalog.Provider) *signing.Keys { return &signing.Keys{Secret: []byte(s)} }
}

func TestReadyComesFirstWithTheRealPort(t *testing.T) {
	r := start(t, Config{Path: "/hooks"})
	if strings.HasSuffix(r.url, ":0/hooks") || !strings.HasPrefix(r.url, "http://127.0.0.1:") {
		t.Fatalf("url %s", r.url)
	}
	evs := r.stop()
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	if rd, ok := evs[0].(Ready); !ok || rd.URL != r.url {
		t.Fatalf("first event %#v", evs[0])
	}
}

func TestVerdicts(t *testing.T) {
	good := signing.Keys{Secret: []byte("S")}
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		keys      func(*catalog.Provider) *signing.Keys
		forced    string
		d         func() *delivery.Delivery
		provider  string
		typ       string
		signature string
		schema    string
		pointer   string
	}{
		{"clment signed and valid", secret("S"), "", func() *delivery.Delivery { return signed(t, "clment", "review.completed", good) },
			"clment", "review.completed", "valid", "valid", ""},
		{"wrong secret", secret("other"), "", func() *delivery.Delivery { return signed(t, "clment", "review.completed", good) },
			"clment", "review.completed", "invalid", "valid", ""},
		{"no secret given", nil, "", func() *delivery.Delivery { return signed(t, "clment", "review.completed", good) },
			"clment", "review.completed", "unchecked", "valid", ""},
		{"signature header missing", secret("S"), "", func() *delivery.Delivery {
			d := signed(t, "clment", "review.completed", good)
			d.Headers = nil
			return d
		}, "clment", "review.completed", "unsigned", "valid", ""},
		{"payload breaks the schema", secret("S"), "", func() *delivery.Delivery {
			return signed(t, "clment", "review.completed", good, "payload.findingCount=\"many\"")
		}, "clment", "review.completed", "valid", "invalid", "/payload/findingCount"},
		{"unknown event type", secret("S"), "", func() *delivery.Delivery {
			return signed(t, "clment", "review.completed", good, "type=review.exploded")
		}, "clment", "review.exploded", "valid", "unknown-type", "/type"},
		{"malformed body is still inspected", secret("S"), "clment", func() *delivery.Delivery {
			return &delivery.Delivery{Body: []byte(`{"id": "evt_1", `)}
		}, "clment", "", "unsigned", "invalid", ""},
		{"provider not detected", secret("S"), "", func() *delivery.Delivery {
			return &delivery.Delivery{Body: []byte(`{"hello":"world"}`)}
		}, "", "", "unchecked", "invalid", ""},
		{"contract-as-code by its header", secret("S"), "", func() *delivery.Delivery {
			return signed(t, "lac", "test.ping", good)
		}, "contract-as-code", "test.ping", "valid", "valid", ""},
		{"oneflow signature in the body", secret("S"), "", func() *delivery.Delivery {
			return signed(t, "oneflow", "contract:publish", good)
		}, "oneflow", "contract:publish", "valid", "valid", ""},
		{"ironclad with the public key", func(p *catalog.Provider) *signing.Keys {
			if p.ID == "ironclad" {
				return &signing.Keys{PublicKey: &priv.PublicKey}
			}
			return nil
		}, "", func() *delivery.Delivery {
			return signed(t, "ironclad", "workflow_launched", signing.Keys{PrivateKey: priv})
		}, "ironclad", "workflow_launched", "valid", "valid", ""},
		{"standard webhooks: every type is the sender's", secret(whsec), "", func() *delivery.Delivery {
			p := provider(t, "standard-webhooks")
			d, err := delivery.FromBody(p, []byte(`{"type":"invoice.paid","timestamp":"2026-06-16T14:32:08Z","data":{}}`), delivery.BuildOptions{KeepIDs: true})
			if err != nil {
				t.Fatal(err)
			}
			s, _ := signing.For(p, "")
			if err := d.Sign(s, signing.Keys{Secret: []byte(whsec)}, signing.Params{}); err != nil {
				t.Fatal(err)
			}
			return d
		}, "standard-webhooks", "invoice.paid", "valid", "valid", ""}, // the catalog lists no Standard Webhooks types: any is fine
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Keys: tt.keys}
			if tt.forced != "" {
				cfg.Provider = provider(t, tt.forced)
			}
			r := start(t, cfg)
			d := tt.d()
			if res := post(t, r.url, d); res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			ds := deliveries(r.stop())
			if len(ds) != 1 {
				t.Fatalf("%d deliveries", len(ds))
			}
			rec := ds[0].Record
			if rec.Provider != tt.provider || rec.Type != tt.typ {
				t.Errorf("provider/type = %q %q, want %q %q", rec.Provider, rec.Type, tt.provider, tt.typ)
			}
			if rec.Signature.Status != tt.signature {
				t.Errorf("signature %+v, want %s", rec.Signature, tt.signature)
			}
			if rec.Schema.Status != tt.schema {
				t.Errorf("schema %+v, want %s", rec.Schema, tt.schema)
			}
			if tt.schema != "valid" && len(rec.Schema.Errors) == 0 {
				t.Errorf("schema %s without a reason", rec.Schema.Status)
			}
			if tt.pointer != "" && !hasPointer(rec.Schema.Errors, tt.pointer) {
				t.Errorf("schema errors %+v lack %s", rec.Schema.Errors, tt.pointer)
			}
			if !bytes.Equal(rec.Body, d.Body) {
				t.Errorf("body changed")
			}
			if rec.Response == nil || rec.Response.Status != 200 {
				t.Errorf("response %+v", rec.Response)
			}
			back, err := record.Parse(ds[0].JSON())
			if err != nil || !bytes.Equal(back.Body, d.Body) {
				t.Errorf("record does not parse back: %v", err)
			}
		})
	}
}

const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func hasPointer(ps []record.Problem, ptr string) bool {
	for _, p := range ps {
		if p.Pointer == ptr {
			return true
		}
	}
	return false
}

func TestTokenIsRedactedButChecked(t *testing.T) {
	for _, tc := range []struct{ header, auth string }{{"X-Webhook-Token", ""}, {"X-Sign-Token", "x-sign-token"}} {
		r := start(t, Config{Keys: secret("tok-123"), AuthHeader: tc.auth})
		p := provider(t, "cm-sign")
		e, _ := p.Event("dossier.prepared")
		req, _ := http.NewRequest("POST", r.url, bytes.NewReader(e.Example))
		req.Header.Set(tc.header, "tok-123")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		d := deliveries(r.stop())[0]
		if d.Record.Signature.Status != "valid" {
			t.Errorf("%s: signature %+v", tc.header, d.Record.Signature)
		}
		if got := d.Record.Headers.Get(tc.header); got != record.Redacted {
			t.Errorf("%s recorded as %q", tc.header, got)
		}
		if bytes.Contains(d.JSON(), []byte("tok-123")) {
			t.Errorf("the token reached the record: %s", d.JSON())
		}
	}
}

func TestDuplicates(t *testing.T) {
	r := start(t, Config{Keys: secret("S")})
	d := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	other := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	post(t, r.url, d)
	post(t, r.url, other)
	post(t, r.url, d)
	ds := deliveries(r.stop())
	got := []bool{ds[0].Record.Duplicate, ds[1].Record.Duplicate, ds[2].Record.Duplicate}
	if got[0] || got[1] || !got[2] {
		t.Fatalf("duplicate flags %v, want [false false true]", got)
	}
}

func TestSeenSetForgetsTheOldest(t *testing.T) {
	s := newSeenSet(2)
	for _, id := range []string{"a", "b", "c"} {
		if s.seen("clment", id) {
			t.Fatalf("%s seen too early", id)
		}
	}
	if s.seen("clment", "a") {
		t.Error("a should have been forgotten")
	}
	if !s.seen("clment", "c") {
		t.Error("c should be remembered")
	}
	if len(s.ids) > 2 {
		t.Errorf("%d ids kept", len(s.ids))
	}
}

func TestSeenSetKeepsProvidersApart(t *testing.T) {
	s := newSeenSet(8)
	for _, tc := range []struct{ provider, id string }{{"clment", "evt_1"}, {"oneflow", "evt_1"}, {"clment", "evt_1\x00x"}, {"clment\x00evt", "_1"}} {
		if s.seen(tc.provider, tc.id) {
			t.Errorf("%q %q taken for a duplicate", tc.provider, tc.id)
		}
	}
	if !s.seen("oneflow", "evt_1") {
		t.Error("oneflow evt_1 not remembered")
	}
}

// 200 deliveries with a 5 MB id once kept 2.9 GB: the set keeps a fixed-size digest
// of each id, so what it holds does not grow with the ids' length.
func TestSeenSetMemoryIsBoundedInBytes(t *testing.T) {
	const ids, idLen = 200, 1 << 20
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	s := newSeenSet(ids)
	id := bytes.Repeat([]byte("x"), idLen)
	before := heap()
	for i := range ids {
		copy(id, fmt.Sprintf("%08d", i))
		if s.seen("clment", string(id)) {
			t.Fatalf("id %d seen too early", i)
		}
	}
	grew := int64(heap()) - int64(before)
	copy(id, "00000000")
	if !s.seen("clment", string(id)) {
		t.Fatal("the first id is not remembered")
	}
	// The digests and the map's buckets: a few KiB. Keeping the ids would be 200 MiB.
	if grew > 1<<20 {
		t.Fatalf("the set grew the heap by %d bytes for %d ids of %d bytes", grew, ids, idLen)
	}
}

func TestStatusAnswer(t *testing.T) {
	r := start(t, Config{Status: 503})
	res := post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")}))
	if res.StatusCode != 503 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if d := deliveries(r.stop())[0]; d.Record.Response.Status != 503 {
		t.Fatalf("recorded %+v", d.Record.Response)
	}
}

func TestOversizedBody(t *testing.T) {
	r := start(t, Config{MaxBody: 100})
	big := bytes.Repeat([]byte("x"), 1000)
	// With Content-Length, and chunked (no length known up front).
	res, err := http.Post(r.url, "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res2, err := http.Post(r.url, "application/json", io.MultiReader(bytes.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	small := post(t, r.url, &delivery.Delivery{Body: []byte(`{}`)})
	if res.StatusCode != 413 || res2.StatusCode != 413 || small.StatusCode != 200 {
		t.Fatalf("statuses %d %d %d, want 413 413 200", res.StatusCode, res2.StatusCode, small.StatusCode)
	}
	ds := deliveries(r.stop())
	if len(ds) != 3 {
		t.Fatalf("%d deliveries", len(ds))
	}
	for _, d := range ds[:2] {
		if d.Record.Response.Status != 413 || d.Record.Schema.Status != "invalid" || len(d.Record.Body) != 0 {
			t.Errorf("oversized record %s", d.JSON())
		}
	}
}

func TestForwardTo(t *testing.T) {
	var got struct {
		body   []byte
		header http.Header
		path   string
	}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.body, _ = io.ReadAll(r.Body)
		got.header = r.Header
		got.path = r.URL.RequestURI()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(202)
		io.WriteString(w, `{"queued":true}`)
	}))
	defer app.Close()
	r := start(t, Config{ForwardTo: app.URL + "/webhooks", Keys: secret("S")})
	d := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	req, _ := http.NewRequest("POST", r.url+"?attempt=2", bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 202 || string(answer) != `{"queued":true}` || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("sender got %d %q %q", res.StatusCode, answer, res.Header.Get("Content-Type"))
	}
	if !bytes.Equal(got.body, d.Body) || got.header.Get("X-Clment-Signature") != req.Header.Get("X-Clment-Signature") || got.path != "/webhooks?attempt=2" {
		t.Fatalf("app got %q %v at %s", got.body, got.header, got.path)
	}
	rec := deliveries(r.stop())[0].Record
	if rec.Response.Status != 202 || rec.Response.Body != `{"queued":true}` || rec.Signature.Status != "valid" {
		t.Fatalf("recorded %+v %+v", rec.Response, rec.Signature)
	}
}

func TestForwardToAppDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String() + "/"
	ln.Close()
	r := start(t, Config{ForwardTo: dead})
	res := post(t, r.url, &delivery.Delivery{Body: []byte(`{}`)})
	if res.StatusCode != 502 {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := deliveries(r.stop())[0]
	if d.Forward == nil || d.Forward.Err == nil || len(d.Warnings) == 0 || d.Record.Response.Status != 502 {
		t.Fatalf("delivery %+v %s", d.Forward, d.JSON())
	}
}

func TestOtherPathsAre404(t *testing.T) {
	r := start(t, Config{Path: "/hooks"})
	base := strings.TrimSuffix(r.url, "/hooks")
	res, err := http.Post(base+"/favicon.ico", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("status %d", res.StatusCode)
	}
	evs := r.stop()
	if len(deliveries(evs)) != 0 {
		t.Fatal("a 404 became a delivery")
	}
	found := false
	for _, e := range evs {
		_, ok := e.(Rejected)
		found = found || ok
	}
	if !found {
		t.Fatal("no Rejected event")
	}
}

// A client that never finishes its headers is cut off, and others are served meanwhile.
func TestSlowHeaderClientIsCutOff(t *testing.T) {
	r := start(t, Config{ReadHeaderTimeout: 200 * time.Millisecond, Keys: secret("S")})
	addr := strings.TrimPrefix(strings.TrimSuffix(r.url, "/"), "http://")
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "POST / HTTP/1.1\r\nHost: x\r\nX-Clment-Sig")
	for i := 0; i < 10; i++ {
		if res := post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})); res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	// The guard deadline only keeps a broken listener from hanging the test.
	slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.ReadAll(bufio.NewReader(slow))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the slow client was never cut off")
	}
	if n := len(deliveries(r.stop())); n != 10 {
		t.Fatalf("%d deliveries, want 10", n)
	}
}

func TestRecorderWritesParsableVerifiableFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	rec, err := NewDirRecorder(dir, 3, func(err error) { t.Errorf("a record failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, Config{Keys: secret("S"), Recorder: rec})
	const n = 25
	for i := 0; i < n; i++ {
		post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")}))
	}
	for _, d := range deliveries(r.stop()) {
		// The NDJSON line names the file it went to.
		back, err := record.Parse(d.JSON())
		if err != nil || back.Stored == nil || back.Stored.Status != record.StoredWritten {
			t.Fatalf("line %s does not say the record was written (%v)", d.JSON(), err)
		}
		if _, err := os.Stat(filepath.Join(dir, back.Stored.File)); err != nil {
			t.Errorf("the line names %s: %v", back.Stored.File, err)
		}
	}
	written, err := rec.Close()
	if err != nil || written != n {
		t.Fatalf("written %d, %v", written, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != n {
		t.Fatalf("%d files", len(entries))
	}
	names := make([]string, len(entries))
	var prev time.Time
	for i, e := range entries {
		names[i] = e.Name()
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
			t.Fatalf("stray file %s", e.Name())
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		back, err := record.Parse(bytes.TrimSpace(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if back.ReceivedAt.Before(prev) {
			t.Errorf("%s sorts before an earlier delivery", e.Name())
		}
		prev = back.ReceivedAt
		s, _ := signing.For(provider(t, back.Provider), "")
		res, err := s.Verify(back.Body, back.Headers, signing.Keys{Secret: []byte("S")}, signing.VerifyOptions{})
		if err != nil || !res.Valid {
			t.Fatalf("%s: recorded body does not verify: %+v %v", e.Name(), res, err)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Error("names not sorted")
	}
}

// A client that stops sending its body is cut off by the body deadline; what arrived
// is still shown, with the schema verdict saying why.
func TestSlowBodyIsCutOff(t *testing.T) {
	r := start(t, Config{ReadTimeout: 300 * time.Millisecond})
	addr := strings.TrimPrefix(strings.TrimSuffix(r.url, "/"), "http://")
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":")
	slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	io.ReadAll(slow)
	ds := deliveries(r.stop())
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	rec := ds[0].Record
	if rec.Schema.Status != "invalid" || !strings.Contains(rec.Schema.Errors[0].Message, "could not be read") {
		t.Fatalf("schema %+v", rec.Schema)
	}
	// What arrived is still shown.
	if string(rec.Body) != `{"id":` {
		t.Fatalf("body %q", rec.Body)
	}
}

// A client that goes away in the middle of its body: what arrived is recorded.
func TestTruncatedBodyIsRecorded(t *testing.T) {
	r := start(t, Config{})
	addr := strings.TrimPrefix(strings.TrimSuffix(r.url, "/"), "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":")
	c.(*net.TCPConn).CloseWrite()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	io.ReadAll(c)
	c.Close()
	ds := deliveries(r.stop())
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	rec := ds[0].Record
	if string(rec.Body) != `{"id":` || rec.Schema.Status != "invalid" || !strings.Contains(rec.Schema.Errors[0].Message, "unexpected EOF") {
		t.Fatalf("body %q schema %+v", rec.Body, rec.Schema)
	}
}

func TestUnspecifiedAddressGivesALoopbackURL(t *testing.T) {
	r := start(t, Config{Addr: "0.0.0.0:0"})
	if !strings.HasPrefix(r.url, "http://127.0.0.1:") {
		t.Fatalf("url %s", r.url)
	}
}

// An app behind --forward-to that never answers cannot hold the shutdown past the
// drain window; the delivery is still emitted, with the forward's failure.
func TestStuckForwardEndsAtTheDrainDeadline(t *testing.T) {
	release, held := make(chan struct{}), make(chan struct{}, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer app.Close()
	defer close(release)
	r := start(t, Config{ForwardTo: app.URL, DrainTimeout: 200 * time.Millisecond})
	sent := make(chan error, 1)
	go func() {
		res, err := http.Post(r.url, "application/json", strings.NewReader(`{}`))
		if err == nil {
			res.Body.Close()
		}
		sent <- err
	}()
	<-held // the app holds the request: stop now
	ds := deliveries(r.stop())
	<-sent
	if len(ds) != 1 || ds[0].Forward == nil || ds[0].Forward.Err == nil {
		t.Fatalf("deliveries %d, forward %+v", len(ds), ds)
	}
}

// Oneflow batches events in one callback: every type is named and validated.
func TestOneflowCallbackWithTwoEvents(t *testing.T) {
	r := start(t, Config{Provider: provider(t, "oneflow")})
	body := `{"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0","events":[` +
		`{"created_time":"2020-07-06T15:14:14+0000","id":2330,"type":"contract:publish"},` +
		`{"created_time":"2020-07-06T15:14:15+0000","id":2331,"type":"contract:exploded"}],"signature":"00"}`
	post(t, r.url, &delivery.Delivery{Body: []byte(body)})
	d := deliveries(r.stop())[0]
	if len(d.Types) != 2 || d.Record.Type != "contract:publish,contract:exploded" {
		t.Fatalf("types %v %q", d.Types, d.Record.Type)
	}
	if d.Record.Schema.Status != "unknown-type" || d.Record.ID != "eaf850991bb7c273a56dcdeb265d30006fdc9de0" {
		t.Fatalf("record %s", d.JSON())
	}
}

// The NDJSON line and record file content is the record as Marshal encodes it.
func TestDeliveryLineIsTheMarshalledRecord(t *testing.T) {
	r := start(t, Config{Keys: secret("S")})
	post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")}))
	post(t, r.url, signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("wrong")}))
	ds := deliveries(r.stop())
	if len(ds) != 2 {
		t.Fatalf("%d deliveries", len(ds))
	}
	for _, d := range ds {
		want, err := d.Record.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(d.JSON()) != string(want) || string(d.Line) != string(want)+"\n" {
			t.Fatalf("JSON %s\nLine %q\nMarshal %s", d.JSON(), d.Line, want)
		}
	}
}
