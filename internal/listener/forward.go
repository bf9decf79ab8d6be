package listener

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
)

// hopHeaders are connection-level headers a proxy must not relay (RFC 9110 §7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward relays the request to the app: same method, headers and body bytes, the
// request's query added to the URL when the URL has none. The app's answer is read up
// to MaxBody.
func (l *Listener) forward(r *http.Request, body []byte) *Forward {
	fw := &Forward{URL: l.cfg.ForwardTo}
	target := l.cfg.ForwardTo
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
	fw.Body, err = io.ReadAll(io.LimitReader(res.Body, l.cfg.MaxBody))
	if err != nil {
		fw.Err = err
	}
	return fw
}

// relayClient returns a copy of c (or a new client) whose transport never asks for gzip
// on its own: a relay passes the sender's headers on as they were, and Go's default
// transport would add Accept-Encoding: gzip to a request that had none.
func relayClient(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{}
	}
	cc := *c
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
