package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/keys"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// lockedBuffer lets the test read stdout while listen's writer goroutine fills it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type listenRun struct {
	url    string
	out    *lockedBuffer
	errOut *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

// startListen runs `whk listen --json` on a free port until cancel.
func startListen(t *testing.T, o *ListenOptions) *listenRun {
	t.Helper()
	c := catalog.MustBuiltin()
	ios, _, _, _ := iostreams.Test()
	r := &listenRun{out: &lockedBuffer{}, errOut: &lockedBuffer{}, done: make(chan error, 1)}
	ios.Out, ios.ErrOut = r.out, r.errOut
	o.IO, o.Catalog, o.Addr, o.JSON, o.MaxBody = ios, c, "127.0.0.1:0", true, 10<<20
	o.Now, o.HTTPClient = time.Now, &http.Client{}
	if o.Keys == nil {
		o.Keys = func(*catalog.Provider) *signing.Keys { return &signing.Keys{Secret: []byte("S")} }
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- runListen(ctx, o) }()
	// Wait for the ready line (the listener writes it before accepting).
	for {
		if s := r.out.String(); strings.Contains(s, "\n") {
			var ready struct{ Kind, URL string }
			if err := json.Unmarshal([]byte(strings.SplitN(s, "\n", 2)[0]), &ready); err != nil || ready.Kind != "ready" {
				t.Fatalf("first line %q", s)
			}
			r.url = ready.URL
			break
		}
		select {
		case err := <-r.done:
			t.Fatalf("listen ended early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Cleanup(cancel)
	return r
}

func (r *listenRun) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("listen: %v", err)
	}
}

var testDelivery = func() func(t testing.TB) *delivery.Delivery {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("clment")
	e, _ := p.Event("review.completed")
	s, _ := signing.For(p, "")
	return func(t testing.TB) *delivery.Delivery {
		d, err := delivery.FromExample(p, e, delivery.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Sign(s, signing.Keys{Secret: []byte("S")}, signing.Params{}); err != nil {
			t.Fatal(err)
		}
		return d
	}
}()

func send(client *http.Client, url string, d *delivery.Delivery) (int, error) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// checkOutput parses every stdout line and record file; it returns the record ids of
// stdout and of the files.
func checkOutput(t *testing.T, out string, dir string) (lines, files map[string]bool) {
	t.Helper()
	lines, files = map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			if !record.IsReady(sc.Bytes()) {
				t.Fatalf("first line is not ready: %s", sc.Text())
			}
			continue
		}
		rec, err := record.Parse(sc.Bytes())
		if err != nil {
			t.Fatalf("line is not a record (interleaved?): %v\n%s", err, sc.Text())
		}
		if rec.Signature.Status != "valid" || rec.Schema.Status != "valid" {
			t.Fatalf("verdicts %+v %+v", rec.Signature, rec.Schema)
		}
		if lines[rec.ID] {
			t.Fatalf("id %s printed twice", rec.ID)
		}
		lines[rec.ID] = true
	}
	if dir == "" {
		return lines, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
			t.Fatalf("temp or stray file left: %s", e.Name())
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := record.Parse(bytes.TrimSpace(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		files[rec.ID] = true
	}
	return lines, files
}

func TestListenConcurrentDeliveriesAreAllPrintedAndRecorded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	r := startListen(t, &ListenOptions{RecordDir: dir})
	const total, workers = 400, 32
	var next atomic.Int64
	var wg sync.WaitGroup
	sent := make(chan string, total)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= total {
				d := testDelivery(t)
				code, err := send(client, r.url, d)
				if err != nil || code != 200 {
					t.Errorf("send: %d %v", code, err)
					return
				}
				sent <- d.ID
			}
		}()
	}
	wg.Wait()
	close(sent)
	r.stop(t)
	lines, files := checkOutput(t, r.out.String(), dir)
	if len(lines) != total || len(files) != total {
		t.Fatalf("%d sent, %d lines, %d files", total, len(lines), len(files))
	}
	for id := range sent {
		if !lines[id] || !files[id] {
			t.Fatalf("delivery %s lost", id)
		}
	}
	if !strings.Contains(r.errOut.String(), "received 400 deliveries, recorded 400 in") {
		t.Errorf("summary: %s", r.errOut.String())
	}
}

// Stopping under load: every request that got an answer is printed and recorded, and
// no temp file is left.
func TestListenStopDuringLoadLosesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	r := startListen(t, &ListenOptions{RecordDir: dir})
	var answered atomic.Int64
	var mu sync.Mutex
	ids := map[string]bool{}
	stopAt := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				d := testDelivery(t)
				code, err := send(client, r.url, d)
				if err != nil {
					return // the listener has stopped accepting
				}
				if code != 200 {
					t.Errorf("status %d", code)
					return
				}
				mu.Lock()
				ids[d.ID] = true
				mu.Unlock()
				if answered.Add(1) == 150 {
					once.Do(func() { close(stopAt) })
				}
			}
		}()
	}
	<-stopAt
	r.stop(t)
	wg.Wait()
	lines, files := checkOutput(t, r.out.String(), dir)
	if len(lines) != len(ids) || len(files) != len(ids) {
		t.Fatalf("%d answered, %d lines, %d files", len(ids), len(lines), len(files))
	}
	for id := range ids {
		if !lines[id] || !files[id] {
			t.Fatalf("answered delivery %s lost", id)
		}
	}
}

func TestListenUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		o    ListenOptions
		want string
	}{
		{"status out of range", ListenOptions{Status: 42}, "--status 42"},
		{"status with forward", ListenOptions{Status: 500, ForwardTo: "http://localhost:1/"}, "cannot be used together"},
		{"forward to a non-http URL", ListenOptions{ForwardTo: "ftp://localhost:3000"}, "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			tt.o.IO = ios
			err := runListen(context.Background(), &tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

// Without --public-key, Ironclad deliveries are checked with whk's test key, the one
// `whk send -p ironclad` signs with; other providers use the secret, if any.
func TestListenKeysDefaultToIroncladTestKey(t *testing.T) {
	dir := t.TempDir()
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios)
	f.ConfigDir = func() (string, error) { return dir, nil }
	f.Getenv = func(string) string { return "" }
	c := catalog.MustBuiltin()
	o := &ListenOptions{}
	if err := listenKeys(f, c, o, &cmdutil.KeyFlags{}); err != nil {
		t.Fatal(err)
	}
	priv, _, err := keys.TestKeyPair(dir)
	if err != nil {
		t.Fatal(err)
	}
	ic, _ := c.Provider("ironclad")
	k := o.Keys(ic)
	if k == nil || !priv.PublicKey.Equal(k.PublicKey) {
		t.Fatalf("Ironclad key %+v is not the test key's public half", k)
	}
	cl, _ := c.Provider("clment")
	if o.Keys(cl) != nil {
		t.Fatal("Clment has a key without a secret")
	}
	if !strings.Contains(strings.Join(o.Notes, "\n"), "signatures are unchecked") {
		t.Errorf("notes %q", o.Notes)
	}
}

// stuckWriter passes its first write (the ready line) on and then blocks, as a stdout
// nobody reads does, until the test ends.
type stuckWriter struct {
	first   atomic.Bool
	ready   *lockedBuffer
	release chan struct{}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	if w.first.CompareAndSwap(false, true) {
		return w.ready.Write(p)
	}
	<-w.release
	return len(p), nil
}

// A stdout nobody reads holds back neither the records nor the stop: every delivery
// that arrived is recorded, the drain ends on time, and listen says how many lines it
// could not print (exit 1).
func TestListenStuckStdoutNeitherLosesRecordsNorHoldsTheDrain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	ready := &lockedBuffer{}
	stuck := &stuckWriter{ready: ready, release: make(chan struct{})}
	t.Cleanup(func() { close(stuck.release) })
	ios, _, _, _ := iostreams.Test()
	errOut := &lockedBuffer{}
	ios.Out, ios.ErrOut = stuck, errOut
	const drain = 300 * time.Millisecond
	o := &ListenOptions{
		IO: ios, Catalog: catalog.MustBuiltin(), Addr: "127.0.0.1:0", JSON: true, MaxBody: 1 << 20,
		RecordDir: dir, Now: time.Now, HTTPClient: &http.Client{},
		configure: func(c *listener.Config) { c.DrainTimeout = drain },
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runListen(ctx, o) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no ready line")
		}
		var r struct{ URL string }
		if json.Unmarshal([]byte(ready.String()), &r) == nil {
			url = r.URL
		}
	}
	// More deliveries than listen's event queue holds: the last ones wait on stdout
	// without an answer, but their records are written first.
	const total = 2000
	var next atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for w := 0; w < 16; w++ {
		go func() {
			for next.Add(1) <= total {
				if _, err := send(client, url, testDelivery(t)); err != nil {
					return // cut off by the end of the drain
				}
			}
		}()
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		entries, _ := os.ReadDir(dir)
		// The queue full, one in the printer's hands, one waiting per connection.
		if len(entries) >= 1024+1+16 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d records written", len(entries))
		}
	}
	time.Sleep(100 * time.Millisecond)
	stopped := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("listen still draining 10 s after the stop, with a drain of 300 ms")
	}
	if took := time.Since(stopped); took > drain+printGrace+2*time.Second {
		t.Errorf("the stop took %v", took)
	}
	var loss *cmdutil.LossError
	if !errors.As(err, &loss) || cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want a LossError, exit 1", err, cmdutil.ExitCode(err))
	}
	if !strings.Contains(err.Error(), "not printed: stdout was not read during the drain") {
		t.Errorf("error %q", err)
	}
	entries, _ := os.ReadDir(dir)
	want := fmt.Sprintf("received %d deliveries, recorded %d in %s", len(entries), len(entries), dir)
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

// startListenText runs `whk listen` with text output (View as given) until cancel.
func startListenText(t *testing.T, o *ListenOptions) *listenRun {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	r := &listenRun{out: &lockedBuffer{}, errOut: &lockedBuffer{}, done: make(chan error, 1)}
	ios.Out, ios.ErrOut = r.out, r.errOut
	o.IO, o.Catalog, o.Addr, o.MaxBody = ios, catalog.MustBuiltin(), "127.0.0.1:0", 10<<20
	o.Now, o.HTTPClient = time.Now, &http.Client{}
	o.Keys = func(*catalog.Provider) *signing.Keys { return &signing.Keys{Secret: []byte("S")} }
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- runListen(ctx, o) }()
	for !strings.Contains(r.errOut.String(), "Listening on ") {
		select {
		case err := <-r.done:
			t.Fatalf("listen ended early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	r.url = strings.Fields(strings.SplitN(r.errOut.String(), "Listening on ", 2)[1])[0]
	t.Cleanup(cancel)
	return r
}

func oneflowDelivery(t *testing.T) *delivery.Delivery {
	c := catalog.MustBuiltin()
	p, _ := c.Provider("oneflow")
	s, _ := signing.For(p, "")
	d, err := delivery.FromExample(p, p.Events[0], delivery.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Sign(s, signing.Keys{Secret: []byte("S")}, signing.Params{}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestListenSaysTheOneflowWarningOnce(t *testing.T) {
	for _, view := range []render.ListenView{render.ViewFull, render.ViewCompact, render.ViewQuiet} {
		t.Run(render.ListenViews[view], func(t *testing.T) {
			r := startListenText(t, &ListenOptions{Path: "/", View: view})
			for range 4 {
				if code, err := send(http.DefaultClient, r.url, oneflowDelivery(t)); err != nil || code != 200 {
					t.Fatalf("send: %d %v", code, err)
				}
			}
			r.stop(t)
			both := r.out.String() + r.errOut.String()
			if n := strings.Count(both, "Oneflow's signature covers only"); n != 1 {
				t.Errorf("the Oneflow warning is said %d times for 4 deliveries:\n%s", n, both)
			}
			lines := strings.Count(r.out.String(), "\n")
			switch view {
			case render.ViewCompact:
				if lines != 4 {
					t.Errorf("%d compact lines for 4 deliveries:\n%s", lines, r.out.String())
				}
			case render.ViewQuiet:
				if lines != 0 {
					t.Errorf("quiet printed:\n%s", r.out.String())
				}
			}
			if !strings.Contains(r.errOut.String(), "whk: received 4 deliveries\n  signature   4 valid\n") {
				t.Errorf("no summary by verdict:\n%s", r.errOut.String())
			}
		})
	}
}

func TestListenJSONPipedSaysWhereOnStderr(t *testing.T) {
	r := startListen(t, &ListenOptions{Path: "/"})
	r.stop(t)
	if !strings.Contains(r.errOut.String(), "Listening on "+r.url+" ") {
		t.Errorf("stderr does not say where listen listens:\n%s", r.errOut.String())
	}
}

func TestListenOutputFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // error, "" for none
	}{
		{"compact", []string{"--output", "compact"}, ""},
		{"json alone", []string{"--json"}, ""},
		{"json and output", []string{"--json", "--output", "full"}, "--json and --output cannot be used together"},
		{"unknown view", []string{"-o", "loud"}, `unknown --output "loud"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }, Now: time.Now, HTTPClient: func() *http.Client { return &http.Client{} }, ConfigDir: func() (string, error) { return t.TempDir(), nil }}
			var got *ListenOptions
			cmd := NewCmdListen(f, func(_ context.Context, o *ListenOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.want == "" {
				if err != nil || got == nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || cmdutil.ExitCode(err) != 2 {
				t.Fatalf("err %v (exit %d), want %q and exit 2", err, cmdutil.ExitCode(err), tt.want)
			}
		})
	}
}

func TestListenUIPipedPrintsAsUsual(t *testing.T) {
	r := startListenText(t, &ListenOptions{Path: "/", View: render.ViewCompact, UI: true})
	for range 3 {
		if code, err := send(http.DefaultClient, r.url, oneflowDelivery(t)); err != nil || code != 200 {
			t.Fatalf("send: %d %v", code, err)
		}
	}
	r.stop(t)
	if lines := strings.Count(r.out.String(), "\n"); lines != 3 {
		t.Errorf("--ui with stdout not a terminal printed %d lines for 3 deliveries:\n%s", lines, r.out.String())
	}
	if strings.Contains(r.out.String(), "\x1b[?1049h") {
		t.Error("--ui opened the alternate screen on a stdout that is not a terminal")
	}
}
