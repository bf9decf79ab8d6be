package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequestAndDo(t *testing.T) {
	var got struct{ method, ctype, sig, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.ctype, got.sig, got.body = r.Method, r.Header.Get("Content-Type"), r.Header.Get("X-Sig"), string(b)
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "a body the client must drain")
	}))
	defer srv.Close()
	status, err := Do(srv.Client(), Request(srv.URL, []byte(`{"id":"1"}`), "X-Sig", "sha256=ab"))
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("status %d, error %v", status, err)
	}
	if got.method != http.MethodPost || got.ctype != "application/json" || got.sig != "sha256=ab" || got.body != `{"id":"1"}` {
		t.Fatalf("the receiver saw %+v", got)
	}
	if _, err := Do(srv.Client(), Request("http://127.0.0.1:1/", nil, "X-Sig", "")); err == nil {
		t.Fatal("a refused connection is no error")
	}
}
