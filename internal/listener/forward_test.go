package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// sendUncompressed posts a signed Clment delivery to url as a sender that asks for no
// compression (Go's default client would add Accept-Encoding: gzip itself).
func sendUncompressed(t *testing.T, url string) (*http.Request, *http.Response) {
	t.Helper()
	d := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	req, _ := http.NewRequest("POST", url, bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	sender := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := sender.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return req, res
}

// The app behind --forward-to sees the sender's headers, not ones whk's HTTP client
// added: a sender that asked for no compression must not arrive asking for gzip.
func TestForwardAddsNoHeaders(t *testing.T) {
	var got http.Header
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
	}))
	defer app.Close()
	r := start(t, Config{ForwardTo: app.URL, Keys: secret("S")})
	req, res := sendUncompressed(t, r.url)
	res.Body.Close()
	r.stop()
	if v := got.Get("Accept-Encoding"); v != "" {
		t.Errorf("the app got Accept-Encoding %q, which the sender did not send", v)
	}
	if got.Get("X-Clment-Signature") != req.Header.Get("X-Clment-Signature") {
		t.Errorf("signature header not relayed: %v", got)
	}
}

// The sender gets the app's answer as the app gave it: its headers (a gzipped body keeps
// its Content-Encoding), status and bytes.
func TestForwardRelaysTheAppsHeaders(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("X-Request-Id", "req-7")
		w.WriteHeader(202)
		w.Write([]byte("\x1f\x8b not really gzip"))
	}))
	defer app.Close()
	r := start(t, Config{ForwardTo: app.URL, Keys: secret("S")})
	_, res := sendUncompressed(t, r.url)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	r.stop()
	if res.StatusCode != 202 || string(body) != "\x1f\x8b not really gzip" {
		t.Errorf("sender got %d %q", res.StatusCode, body)
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip", "X-Request-Id": "req-7"} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// forwardedOnce runs a listener forwarding to app, sends one delivery with a client that
// follows no redirect, and returns what the sender got and the delivery event.
func forwardedOnce(t *testing.T, app http.Handler, maxBody int64) (*http.Response, []byte, *Delivery) {
	t.Helper()
	srv := httptest.NewServer(app)
	defer srv.Close()
	r := start(t, Config{ForwardTo: srv.URL, Keys: secret("S"), MaxBody: maxBody})
	d := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	req, _ := http.NewRequest("POST", r.url, bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	sender := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := sender.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	ds := deliveries(r.stop())
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	return res, body, ds[0]
}

// A redirect from the app goes back to the sender as it is: whk does not post the
// delivery (and its token header) to wherever the app points.
func TestForwardPassesRedirectsOn(t *testing.T) {
	elsewhere := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere++ }))
	defer other.Close()
	res, _, d := forwardedOnce(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/moved", http.StatusTemporaryRedirect)
	}), 0)
	if elsewhere != 0 {
		t.Errorf("the redirect target got %d requests", elsewhere)
	}
	if res.StatusCode != 307 || res.Header.Get("Location") != other.URL+"/moved" {
		t.Errorf("sender got %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if d.Record.Response.Status != 307 {
		t.Errorf("recorded %d", d.Record.Response.Status)
	}
}

// An answer longer than --max-body reaches the sender whole; the record keeps its
// first --max-body bytes and says it was cut.
func TestForwardLongAnswerIsRelayedWholeAndFlaggedTruncated(t *testing.T) {
	const limit = 4 << 10
	long := bytes.Repeat([]byte("0123456789abcdef"), 3*limit/16)
	res, body, d := forwardedOnce(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(long)
	}), limit)
	if res.StatusCode != 200 || !bytes.Equal(body, long) {
		t.Errorf("sender got %d and %d bytes, want 200 and %d", res.StatusCode, len(body), len(long))
	}
	rr := d.Record.Response
	if !rr.Truncated || rr.Body != string(long[:limit]) {
		t.Errorf("record: truncated %v, %d bytes", rr.Truncated, len(rr.Body))
	}
	if !bytes.Contains(d.Line, []byte(`"truncated":true,"duration_ms":`)) {
		t.Errorf("line does not flag the cut: %s", d.Line[len(d.Line)-80:])
	}
	// One byte under the limit is not cut.
	_, _, d = forwardedOnce(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(long[:limit-1])
	}), limit)
	if d.Record.Response.Truncated {
		t.Error("an answer under the limit flagged as cut")
	}
}

// An answer that is not UTF-8 text is recorded as bytes, not mangled into a string.
func TestForwardBinaryAnswerIsRecordedAsBytes(t *testing.T) {
	bin := []byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe}
	_, body, d := forwardedOnce(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bin)
	}), 0)
	if !bytes.Equal(body, bin) {
		t.Errorf("sender got %q", body)
	}
	back, err := record.Parse(d.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if back.Response.Body != "" || !bytes.Equal(back.Response.BodyBase64, bin) {
		t.Errorf("recorded body %q, bytes %q", back.Response.Body, back.Response.BodyBase64)
	}
}
