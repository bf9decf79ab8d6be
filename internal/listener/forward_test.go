package listener

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whk-cli/whk/internal/signing"
)

// The app behind --forward-to sees the sender's headers, not ones whk's HTTP client
// added: a sender that asked for no compression must not arrive asking for gzip.
func TestForwardAddsNoHeaders(t *testing.T) {
	var got http.Header
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
	}))
	defer app.Close()
	r := start(t, Config{ForwardTo: app.URL, Keys: secret("S")})
	d := signed(t, "clment", "review.completed", signing.Keys{Secret: []byte("S")})
	req, _ := http.NewRequest("POST", r.url, bytes.NewReader(d.Body))
	for _, h := range d.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	sender := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := sender.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	r.stop()
	if v := got.Get("Accept-Encoding"); v != "" {
		t.Errorf("the app got Accept-Encoding %q, which the sender did not send", v)
	}
	if got.Get("X-Clment-Signature") != req.Header.Get("X-Clment-Signature") {
		t.Errorf("signature header not relayed: %v", got)
	}
}
