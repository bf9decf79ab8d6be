package listener

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/whk-cli/whk/internal/record"
)

// hopHeaders are connection-level headers a proxy must not relay (RFC 9110 §7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward relays the request to the app (same method, headers and body bytes, the
// request's query added to the URL when the URL has none) and the app's answer to the
// sender: status, headers and every byte, redirects included, as the app gave them.
// Forward keeps the first MaxBody bytes of the answer. When the app cannot be reached
// or its answer's start cannot be read, nothing is written to w and Err says why.
func (l *Listener) forward(w http.ResponseWriter, r *http.Request, body []byte, to string) *Forward {
	fw := &Forward{URL: to}
	target := to
	if u, err := url.Parse(target); err == nil && u.RawQuery == "" && r.URL.RawQuery != "" {
		u.RawQuery = r.URL.RawQuery
		target = u.String()
	}
	ctx, cancel := context.WithTimeout(l.hardCtx, l.cfg.ForwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if err != nil {
		fw.Err = err
		return fw
	}
	req.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		req.Header.Del(h)
	}
	req.Header.Del("Content-Length") // set from the body
	if req.Header.Get("User-Agent") == "" {
		// Keep "no User-Agent" as it was rather than Go's default.
		req.Header["User-Agent"] = nil
	}
	start := time.Now()
	res, err := l.cfg.Client.Do(req)
	if err != nil {
		fw.Err = err
		return fw
	}
	defer res.Body.Close()
	fw.Status = res.StatusCode
	fw.ContentType = res.Header.Get("Content-Type")
	fw.Header = res.Header.Clone()
	for _, h := range hopHeaders {
		fw.Header.Del(h)
	}
	fw.Header.Del("Content-Length") // set from the body whk writes
	if fw.Body, err = io.ReadAll(io.LimitReader(res.Body, l.cfg.MaxBody)); err != nil {
		fw.Err = err
		return fw
	}
	// The app's time: from sending the request to having its answer (the part the
	// record keeps), before whk relays it.
	fw.Duration = time.Since(start)
	for k, v := range fw.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(fw.Status)
	w.Write(fw.Body)
	if int64(len(fw.Body)) < l.cfg.MaxBody {
		return fw
	}
	// An answer longer than the record keeps still reaches the sender whole.
	n, err := io.Copy(w, res.Body)
	fw.Truncated = n > 0
	if err != nil {
		fw.CutShort = err
	}
	return fw
}

// response is the record of the app's answer: its status, time, text (or its bytes
// when they are not UTF-8 text) and, when headers is set, its headers.
func (fw *Forward) response(headers bool) *record.Response {
	rr := &record.Response{Status: fw.Status, Truncated: fw.Truncated, DurationMS: Milliseconds(fw.Duration)}
	if headers {
		rr.Headers = fw.Header
	}
	if utf8.Valid(fw.Body) {
		rr.Body = string(fw.Body)
	} else {
		rr.BodyBase64 = fw.Body
	}
	return rr
}

// Milliseconds is d in milliseconds to the microsecond, as records carry durations.
func Milliseconds(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// relayClient returns a copy of c (or a new client) whose transport never asks for gzip
// on its own: a relay passes the sender's headers on as they were, and Go's default
// transport would add Accept-Encoding: gzip to a request that had none.
func relayClient(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{}
	}
	cc := *c
	// A relay passes a redirect on to the sender: following it would post the
	// delivery, token header and all, to wherever the app points.
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	switch t := cc.Transport.(type) {
	case nil:
		dt := http.DefaultTransport.(*http.Transport).Clone()
		dt.DisableCompression = true
		cc.Transport = dt
	case *http.Transport:
		if !t.DisableCompression {
			t = t.Clone()
			t.DisableCompression = true
			cc.Transport = t
		}
	}
	return &cc
}
