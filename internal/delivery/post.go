package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/signing"
)

// DefaultTimeout is whk's per-attempt timeout for providers that document none
// (Ironclad, CM.com Sign, Oneflow): the upper end of what the documented ones allow
// (Contract-as-Code 30 s; Standard Webhooks recommends 15–30 s).
const DefaultTimeout = 30 * time.Second

// UserAgent is sent when the provider documents no User-Agent of its own.
const UserAgent = "whk"

// MaxResponseBody is how much of a response body an Attempt keeps.
const MaxResponseBody = 4 << 10

// drainLimit bounds how much more of a response is read so the connection can be reused.
const drainLimit = 1 << 20

// ErrKind says why an attempt got no HTTP answer.
type ErrKind string

// The ways an attempt can fail before an HTTP status arrives.
const (
	ErrRefused ErrKind = "connection refused"
	ErrDNS     ErrKind = "DNS failure"
	ErrTLS     ErrKind = "TLS error"
	ErrTimeout ErrKind = "timeout"
	ErrOther   ErrKind = "connection error"
)

// Attempt is the outcome of one POST of a delivery.
type Attempt struct {
	// N counts attempts of the same delivery from 1.
	N        int
	Start    time.Time
	Status   int // 0 when no response arrived
	Duration time.Duration
	// OK is true when the status acknowledges the delivery under the provider's rule.
	OK bool
	// ResponseHeaders and ResponseBody (its first MaxResponseBody bytes) are what came back.
	ResponseHeaders http.Header
	ResponseBody    []byte
	// Truncated says ResponseBody is only the start of the body.
	Truncated bool
	// Kind and Err are set when no response arrived.
	Kind ErrKind
	Err  error
	// RetryAfter is the answer's Retry-After header when the delivery failed.
	RetryAfter RetryAfter
}

// Timeout returns the provider's delivery timeout and whether the provider documents it.
func Timeout(p *catalog.Provider) (time.Duration, bool) {
	if p.Timeout > 0 {
		return time.Duration(p.Timeout), true
	}
	return DefaultTimeout, false
}

// Poster sends deliveries to one URL. Its client should be shared: connections are
// kept alive and reused across deliveries.
type Poster struct {
	Client *http.Client
	// Transport, when set, sends requests directly, bypassing Client: redirects are
	// then never followed, and each request costs less (replay sends thousands a second).
	Transport http.RoundTripper
	URL       string
	// Timeout bounds one attempt; zero means the provider's (or DefaultTimeout).
	Timeout time.Duration
	// Now is the clock (time.Now when nil); an HTTP-date Retry-After is read against it.
	Now func() time.Time
	// Sleep waits between attempts and returns ctx's error when ctx ends first (a
	// timer when nil); tests inject one to see the waits without taking them.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewTransport returns a keep-alive transport that holds at least n idle connections
// to the receiver, so n concurrent senders reuse theirs instead of redialling.
func NewTransport(n int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if n < 2 {
		n = 2
	}
	t.MaxIdleConns = n * 2
	t.MaxIdleConnsPerHost = n
	t.Proxy = nil // a webhook goes straight to the receiver, as the provider sends it
	return t
}

// Post sends d once. The request runs to completion or timeout even when ctx is
// cancelled: Ctrl-C stops new deliveries but lets in-flight ones finish.
func (s *Poster) Post(ctx context.Context, d *Delivery) Attempt {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout, _ = Timeout(d.Provider)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	// Not derived from ctx: a request in flight finishes (or times out) after Ctrl-C.
	rctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	a := Attempt{Start: now()}
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, s.URL, bytes.NewReader(d.Body))
	if err != nil {
		a.Kind, a.Err = ErrOther, err
		return a
	}
	SetHeaders(req.Header, d.Headers)
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = []string{UserAgent}
	}
	start := time.Now()
	var resp *http.Response
	if s.Transport != nil {
		resp, err = s.Transport.RoundTrip(req)
	} else {
		resp, err = s.client().Do(req)
	}
	if err != nil {
		a.Duration = time.Since(start)
		a.Kind, a.Err = Classify(err), err
		return a
	}
	defer resp.Body.Close()
	a.Status, a.ResponseHeaders = resp.StatusCode, resp.Header
	a.ResponseBody, a.Truncated, err = readStart(resp.Body)
	a.Duration = time.Since(start)
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		// The status line came in time but the body did not: the sender gives up too.
		a.Status, a.Kind, a.Err = 0, ErrTimeout, err
		return a
	}
	a.OK = d.Provider.Success.Acknowledged(a.Status)
	if v, ok := resp.Header["Retry-After"]; ok && !a.OK && len(v) > 0 {
		a.RetryAfter = ParseRetryAfter(v[0], now())
	}
	return a
}

var startBufs = sync.Pool{New: func() any { b := make([]byte, MaxResponseBody); return &b }}

// readStart keeps the first MaxResponseBody bytes of a response and reads on (up to
// drainLimit) so the connection can be reused. It reads into a pooled buffer and copies
// out only what arrived: most webhook answers are empty, and replay reads thousands a
// second.
func readStart(r io.Reader) (start []byte, truncated bool, err error) {
	bp := startBufs.Get().(*[]byte)
	defer startBufs.Put(bp)
	buf := *bp
	n, err := io.ReadFull(r, buf)
	if n > 0 {
		start = append([]byte(nil), buf[:n]...)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return start, false, nil
	}
	// The read count bound guards against a reader that returns no bytes and no error.
	for drained, reads := 0, 0; err == nil && drained < drainLimit && reads < drainLimit/512; reads++ {
		var m int
		m, err = r.Read(buf)
		drained += m
		truncated = truncated || m > 0
	}
	if err == io.EOF {
		err = nil
	}
	return start, truncated, err
}

func (s *Poster) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return http.DefaultClient
}

// hopByHop are headers the transport owns; a recorded value would be wrong or harmful.
var hopByHop = map[string]bool{
	"Host": true, "Content-Length": true, "Connection": true, "Keep-Alive": true,
	"Transfer-Encoding": true, "Te": true, "Trailer": true, "Upgrade": true,
	"Proxy-Connection": true, "Proxy-Authorization": true, "Accept-Encoding": true,
}

// SetHeaders adds headers to h with their names spelled as given (Standard Webhooks'
// lower-case webhook-id goes out lower-case), skipping the ones the transport owns.
func SetHeaders(h http.Header, hs []signing.Header) {
	for _, x := range hs {
		name := x.Name
		canon := http.CanonicalHeaderKey(name)
		if hopByHop[canon] {
			continue
		}
		if canon == "User-Agent" || canon == "Content-Type" {
			// net/http looks these up by their canonical name.
			name = canon
		}
		h[name] = append(h[name], x.Value)
	}
}

// Classify names why a request got no response.
func Classify(err error) ErrKind {
	var dnsErr *net.DNSError
	var netErr net.Error
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var verifyErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.As(err, &dnsErr):
		return ErrDNS
	case errors.As(err, &recErr), errors.As(err, &alertErr), errors.As(err, &verifyErr),
		errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		return ErrTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ErrTimeout
	case strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		return ErrTLS
	}
	return ErrOther
}
