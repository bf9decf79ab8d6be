package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

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
