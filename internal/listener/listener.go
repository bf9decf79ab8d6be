// Package listener is whk's webhook receiver: it reads each request within limits,
// works out the provider and event, verifies the signature, validates the body against
// the generated schema, flags duplicates, answers, and emits one typed event per
// request. It prints nothing; internal/render turns the events into output.
package listener

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// Defaults for Config's zero values.
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultMaxBody           = 10 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultForwardTimeout    = 30 * time.Second
	DefaultDrainTimeout      = 30 * time.Second
	// DefaultMaxConns bounds the connections open at once: each holds a file
	// descriptor, and 20,000 idle keep-alive connections once left none for a record
	// file. A development receiver needs far fewer.
	DefaultMaxConns = 1024
	// DefaultMaxInFlight bounds the body bytes handled at once (see MaxInFlight): a
	// body costs about three times its size in memory while whk looks at it.
	DefaultMaxInFlight = 32 << 20
	// DefaultSeen is how many delivery ids the duplicate check remembers: a 16-byte
	// digest each, about 4 MB for all of them whatever the ids hold (measured).
	DefaultSeen = 100_000
)

// Event is what the listener emits: Ready, *Delivery, Rejected or Error.
type Event interface{ listenerEvent() }

// Ready says the listener accepts requests at URL (the first route's).
type Ready struct {
	URL string
	// Routes are every route's address when the listener serves Config.Routes, in
	// the order given; nil for the one path of Config.Path.
	Routes []ReadyRoute
}

// ReadyRoute is where one route takes deliveries.
type ReadyRoute struct {
	URL string
	// Provider is the route's provider id, "" when it is detected per request.
	Provider string
	// ForwardTo is where the route relays deliveries, "" when whk answers itself.
	ForwardTo string
}

// Delivery is one request received at the listener's path and answered.
type Delivery struct {
	// Record is the delivery record of the CLI contract, secrets redacted.
	Record *record.Record
	// Line is Record.Marshal() and a newline, encoded once in the request's goroutine:
	// the NDJSON line. The record file holds the same bytes without the last member,
	// "record", which says whether that file was written (present only with a
	// Recorder). Nil when the record cannot be encoded.
	Line []byte
	// Types are every event type the body names (Oneflow sends several).
	Types []string
	// Warnings are caveats about the signature (Oneflow's does not cover the body) and
	// the forward.
	Warnings []string
	// Forward is the --forward-to app's answer; nil without --forward-to.
	Forward *Forward

	// unparsable: the body is not JSON. refused is the status a careful endpoint
	// answers instead of taking the delivery (RejectInvalid), 0 to take it.
	unparsable bool
	refused    int
	refusedWhy string
}

// Forward is what the app behind --forward-to answered.
type Forward struct {
	URL         string
	Status      int
	ContentType string
	// Header is the app's response header without hop-by-hop fields, relayed to the
	// sender as it was (Content-Encoding included, so a gzipped answer stays readable).
	Header http.Header
	// Body is the app's answer, its first MaxBody bytes when Truncated.
	Body []byte
	// Truncated means the answer was longer than MaxBody: the sender got all of it.
	Truncated bool
	// CutShort is set when relaying an answer longer than MaxBody failed half-way.
	CutShort error
	// Err is set when the app could not be reached; whk then answered 502.
	Err error
	// Duration is how long the app took to answer (until the body the record keeps).
	Duration time.Duration
}

// Rejected is a request whk answered without treating it as a delivery (a path other
// than the listener's).
type Rejected struct {
	At     time.Time
	Method string
	Path   string
	Status int
	Reason string
}

// Error is a problem outside any one answer (a record that could not be written).
type Error struct {
	Err error
}

func (Ready) listenerEvent()     {}
func (*Delivery) listenerEvent() {}
func (Rejected) listenerEvent()  {}
func (Error) listenerEvent()     {}

// Config sets up a Listener. Zero values take the defaults above.
type Config struct {
	Addr string
	// Path is where deliveries arrive: a path ending in "/" takes everything under it.
	// Unused when Routes are given.
	Path    string
	Catalog *catalog.Catalog
	// Routes, when given, are the paths served, each with its provider, keys and
	// forward target; records then name their route. Provider, Keys and ForwardTo
	// below are the defaults of routes that leave them out.
	Routes []Route
	// Filter shows only the deliveries whose type it matches (--events); the others are answered
	// and counted (Filtered) but neither recorded nor sent as events.
	Filter Filter
	// ResponseHeaders keeps the --forward-to app's response headers in the record
	// (listen -v).
	ResponseHeaders bool
	// Provider forces the provider (-p); nil detects it per request.
	Provider *catalog.Provider
	// Keys returns what to verify p's signatures with, or nil when there is nothing
	// (the signature is then "unchecked").
	Keys func(p *catalog.Provider) *signing.Keys
	// AuthHeader renames the header-token scheme's header (CM.com Sign --auth-header).
	AuthHeader string
	Tolerance  time.Duration
	// Status answers every delivery with this status instead of 200.
	Status int
	// RejectInvalid answers as a careful endpoint does: 401 to a signature that is
	// wrong, missing or cannot be checked, 400 to a body that is not JSON (see
	// refusal), before Status or ForwardTo.
	RejectInvalid bool
	// ForwardTo relays each delivery to this URL and answers with the app's answer.
	ForwardTo string
	Client    *http.Client
	MaxBody   int64
	// Seen bounds the duplicate check's memory (delivery ids remembered).
	Seen int
	// MaxInFlight bounds the body bytes of the requests being handled at once (at
	// least MaxBody); a body that finds no room within a few seconds gets 503 with
	// Retry-After.
	MaxInFlight int64
	// MaxConns bounds the connections open at once. One more closes an idle
	// keep-alive connection to make room, or is closed itself when none is idle.
	MaxConns int
	// Recorder, when set, writes each delivery's record before its event is sent, and
	// the event's Line says how that went (the "record" member).
	Recorder Recorder

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	ForwardTimeout    time.Duration
	DrainTimeout      time.Duration

	Now func() time.Time
	// Events receives every event, in the order they happen. Sends block: a slow
	// reader slows the answers down rather than losing deliveries, until the drain
	// after ctx is done runs out; events still waiting then are dropped (Unsent counts
	// them; their records are written). Serve sends nothing after it returns; the
	// caller closes the channel.
	Events chan<- Event
}

// Listener is a bound, not yet serving, receiver.
type Listener struct {
	cfg     Config
	ln      net.Listener
	base    string // scheme and host of every route's URL
	url     string
	routes  []*route
	seen    *seenSet
	redact  []string
	secrets [][]byte
	schemes sync.Map // *catalog.Provider → schemeFor: built once, not per delivery
	hardCtx context.Context
	hardEnd context.CancelFunc

	// gate counts the requests (and error-log writes) that may still send an event;
	// once closed, none may start, so nothing is sent after Serve returns.
	gateMu sync.Mutex
	gate   *sync.Cond
	active int
	closed bool

	connMu    sync.Mutex
	newConns  map[net.Conn]struct{}
	idleConns map[net.Conn]struct{}
	openConns int
	stopping  bool
	crowded   bool

	received atomic.Int64
	filtered atomic.Int64
	unsent   atomic.Int64
	inFlight atomic.Int64
	roomMu   sync.Mutex
	room     chan struct{} // closed when bytes are given back
	waiting  atomic.Int32
}

// Listen binds cfg.Addr. Port 0 picks a free port; URL reports the real one.
func Listen(cfg Config) (*Listener, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("listener: no catalog")
	}
	if cfg.Events == nil {
		return nil, errors.New("listener: no events channel")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Seen <= 0 {
		cfg.Seen = DefaultSeen
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	cfg.MaxInFlight = max(cfg.MaxInFlight, cfg.MaxBody)
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Keys == nil {
		cfg.Keys = func(*catalog.Provider) *signing.Keys { return nil }
	}
	setDuration(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDuration(&cfg.ReadTimeout, DefaultReadTimeout)
	setDuration(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDuration(&cfg.ForwardTimeout, DefaultForwardTimeout)
	setDuration(&cfg.DrainTimeout, DefaultDrainTimeout)
	routes, err := routesOf(cfg)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(routes, func(rt *route) bool { return rt.forwardTo != "" }) {
		cfg.Client = relayClient(cfg.Client)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	l := &Listener{cfg: cfg, ln: ln, routes: routes, seen: newSeenSet(cfg.Seen), redact: tokenHeaders(cfg.Catalog, cfg.AuthHeader), secrets: secretsOf(cfg.Catalog, routes), newConns: map[net.Conn]struct{}{}, idleConns: map[net.Conn]struct{}{}, room: make(chan struct{})}
	l.base = "http://" + dialable(ln.Addr())
	l.url = l.base + routes[0].path
	if o, ok := cfg.Recorder.(interface{ setOrigin(string) }); ok {
		o.setOrigin(l.base) // a HAR entry's URL is absolute
	}
	l.hardCtx, l.hardEnd = context.WithCancel(context.Background())
	l.gate = sync.NewCond(&l.gateMu)
	return l, nil
}

// dialable is the bound address as a client on this machine reaches it: an unspecified
// address (0.0.0.0, ::) becomes the loopback one.
func dialable(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || !ta.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(ta.Port))
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

// Received is how many deliveries the listener has taken in (each one had its record
// written, when recording, and its event sent unless Unsent counts it).
func (l *Listener) Received() int { return int(l.received.Load()) }

// Filtered is how many of the deliveries received the Filter held back: answered, not
// recorded, no event sent.
func (l *Listener) Filtered() int { return int(l.filtered.Load()) }

// Unsent is how many events were dropped because Events was not read during the
// drain.
func (l *Listener) Unsent() int { return int(l.unsent.Load()) }

// emit sends ev, waiting for the reader until the drain ends.
func (l *Listener) emit(ev Event) {
	select {
	case l.cfg.Events <- ev:
		return
	default:
	}
	select {
	case l.cfg.Events <- ev:
	case <-l.hardCtx.Done():
		l.unsent.Add(1)
	}
}

// URL is where the listener receives deliveries, with the real port (the first
// route's, when there are several: URLs lists them all).
func (l *Listener) URL() string { return l.url }

// Addr is the bound address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// ready is the Ready event: the first route's URL and, for named routes, each one.
func (l *Listener) ready() Ready {
	r := Ready{URL: l.url}
	if len(l.cfg.Routes) == 0 {
		return r
	}
	for _, rt := range l.routes {
		rr := ReadyRoute{URL: l.base + rt.path, ForwardTo: rt.forwardTo}
		if rt.provider != nil {
			rr.Provider = rt.provider.ID
		}
		r.Routes = append(r.Routes, rr)
	}
	return r
}

// Serve emits Ready, answers requests until ctx is done, then stops accepting,
// lets in-flight requests finish (up to DrainTimeout) and returns. Every request that
// was answered has had its event sent by the time Serve returns.
func (l *Listener) Serve(ctx context.Context) error {
	srv := &http.Server{
		Handler:           http.HandlerFunc(l.serveHTTP),
		ReadHeaderTimeout: l.cfg.ReadHeaderTimeout,
		ReadTimeout:       l.cfg.ReadTimeout,
		// Writing may wait for the --forward-to app.
		WriteTimeout: l.cfg.ReadTimeout + l.cfg.ForwardTimeout,
		IdleTimeout:  l.cfg.IdleTimeout,
		ErrorLog:     log.New(errorWriter{l}, "", 0),
		ConnState:    l.track,
	}
	l.cfg.Events <- l.ready()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(connLimit{l.ln, l}) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	drain, cancel := context.WithTimeout(context.Background(), l.cfg.DrainTimeout)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(drain) }()
	l.cutOffNewConns()
	if <-shut != nil {
		// Requests still running after the drain window lose their connection.
		l.hardEnd()
		srv.Close()
	}
	l.hardEnd()
	l.gateMu.Lock()
	l.closed = true
	for l.active > 0 {
		l.gate.Wait()
	}
	l.gateMu.Unlock()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// errorWriter turns net/http's error log (accept errors, handler panics) into Error
// events.
type errorWriter struct{ l *Listener }

func (w errorWriter) Write(p []byte) (int, error) {
	if w.l.enter() {
		defer w.l.leave()
		w.l.emit(Error{Err: errors.New(strings.TrimSpace(string(p)))})
	}
	return len(p), nil
}

// enter admits one more event sender, unless Serve is past its drain.
func (l *Listener) enter() bool {
	l.gateMu.Lock()
	defer l.gateMu.Unlock()
	if l.closed {
		return false
	}
	l.active++
	return true
}

func (l *Listener) leave() {
	l.gateMu.Lock()
	defer l.gateMu.Unlock()
	if l.active--; l.active == 0 {
		l.gate.Broadcast()
	}
}

// newConnGrace is how long a connection that has sent no request yet may still send
// one once shutdown has begun. net/http's Shutdown would wait 5 s for such connections,
// which clients open ahead of need.
const newConnGrace = 250 * time.Millisecond

// track remembers the connections that have not sent a request yet, and the idle
// ones.
func (l *Listener) track(c net.Conn, s http.ConnState) {
	l.connMu.Lock()
	defer l.connMu.Unlock()
	if s == http.StateNew {
		l.newConns[c] = struct{}{}
		if l.stopping {
			c.SetReadDeadline(time.Now().Add(newConnGrace))
		}
	} else {
		delete(l.newConns, c)
	}
	if s == http.StateIdle {
		l.idleConns[c] = struct{}{}
	} else {
		delete(l.idleConns, c)
	}
}

// connLimit admits at most MaxConns connections at once.
type connLimit struct {
	net.Listener
	l *Listener
}

func (cl connLimit) Accept() (net.Conn, error) {
	for {
		c, err := cl.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if cl.l.admit() {
			return &countedConn{Conn: c, l: cl.l}, nil
		}
		c.Close()
	}
}

// admit counts one more connection if there is room, making room by closing an idle
// keep-alive connection (its client opens a new one when it needs it, as after
// IdleTimeout). The first time it has to, it warns.
func (l *Listener) admit() bool {
	l.connMu.Lock()
	var idle net.Conn
	if l.openConns >= l.cfg.MaxConns {
		for c := range l.idleConns {
			idle = c
			delete(l.idleConns, c)
			break
		}
	}
	ok := l.openConns < l.cfg.MaxConns || idle != nil
	if ok {
		l.openConns++
	}
	warn := !l.crowded && l.openConns >= l.cfg.MaxConns
	l.crowded = l.crowded || warn
	l.connMu.Unlock()
	if idle != nil {
		idle.Close()
	}
	if warn && l.enter() {
		go func() {
			defer l.leave()
			l.emit(Error{Err: fmt.Errorf("%d connections are open, the most whk keeps: it closes idle ones, then refuses new ones", l.cfg.MaxConns)})
		}()
	}
	return ok
}

// countedConn gives its place back once, when closed by whoever closes it first.
type countedConn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.connMu.Lock()
		c.l.openConns--
		c.l.connMu.Unlock()
	})
	return c.Conn.Close()
}

// cutOffNewConns gives connections without a request newConnGrace to send one.
func (l *Listener) cutOffNewConns() {
	l.connMu.Lock()
	defer l.connMu.Unlock()
	l.stopping = true
	for c := range l.newConns {
		c.SetReadDeadline(time.Now().Add(newConnGrace))
	}
}

func (l *Listener) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !l.enter() {
		// Only after a forced stop: the connection is already gone.
		http.Error(w, "whk is stopping", http.StatusServiceUnavailable)
		return
	}
	defer l.leave()
	at := l.cfg.Now().UTC().Truncate(time.Microsecond)
	rt := l.match(r.URL.Path)
	if rt == nil {
		http.Error(w, "whk listens at "+l.paths(), http.StatusNotFound)
		l.emit(Rejected{At: at, Method: r.Method, Path: r.URL.RequestURI(), Status: http.StatusNotFound, Reason: "not under " + l.paths()})
		return
	}
	var held int64
	defer func() { l.release(held) }()
	body, tooBig, readErr := l.readBody(w, r, &held)
	if readErr == errBusy {
		// Each body costs a few times its size while whk looks at it: a bound on the
		// bytes in flight bounds the memory (30 bodies of 10 MiB at once took 950 MB).
		// Closing the connection spares reading a body nobody will look at.
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Connection", "close")
		http.Error(w, "whk is busy with other large bodies: retry", http.StatusServiceUnavailable)
		l.emit(Rejected{At: at, Method: r.Method, Path: r.URL.RequestURI(), Status: http.StatusServiceUnavailable,
			Reason: fmt.Sprintf("more than %d bytes of bodies at once; answered Retry-After: 1", l.cfg.MaxInFlight)})
		return
	}
	rec := &record.Record{
		Kind:       record.KindDelivery,
		ReceivedAt: at,
		Method:     r.Method,
		Path:       r.URL.RequestURI(),
		Route:      rt.name,
		Headers:    l.redacted(r.Header),
		Body:       body,
	}
	d := &Delivery{Record: rec}
	if rt.provider != nil {
		rec.Provider = rt.provider.ID
	}
	switch {
	case tooBig:
		rec.Signature = &record.Signature{Status: signing.StatusUnchecked, Reason: "the body was not read: it is larger than --max-body"}
		rec.Schema = &record.Schema{Status: "invalid", Errors: []record.Problem{{Pointer: "", Message: fmt.Sprintf("the body is larger than --max-body (%d bytes)", l.cfg.MaxBody)}}}
		l.answerStatus(w, rec, http.StatusRequestEntityTooLarge, "body larger than the limit\n")
	case readErr != nil:
		// The client went away or was too slow: nothing can be answered, but what
		// arrived is still shown.
		rec.Signature = &record.Signature{Status: signing.StatusUnchecked, Reason: "the body could not be read"}
		rec.Schema = &record.Schema{Status: "invalid", Errors: []record.Problem{{Pointer: "", Message: "the body could not be read: " + readErr.Error()}}}
		l.answerStatus(w, rec, http.StatusBadRequest, "body could not be read\n")
	default:
		l.inspect(d, r.Header, rt)
		l.answer(w, r, d, rt)
	}
	l.received.Add(1)
	if !l.cfg.Filter.Match(d.Types) {
		l.filtered.Add(1)
		return
	}
	d.encode()
	if l.cfg.Recorder != nil {
		d.store(l.cfg.Recorder)
	}
	l.emit(d)
}

// store writes the record file, then adds the outcome to Line, the NDJSON line (the
// file cannot say whether it was written). The record's last member is the outcome:
// Line loses its closing brace and gains the member; its buffer is free to change, as
// Write is done with it.
func (d *Delivery) store(r Recorder) {
	s := r.Write(d.Record, d.Line)
	d.Record.Stored = s
	if n := len(d.Line); n >= 2 {
		line := record.AppendStored(d.Line[:n-2], s)
		d.Line = append(line, '}', '\n')
	}
}

// JSON is the encoded record without Line's newline; nil when Line is.
func (d *Delivery) JSON() []byte {
	if len(d.Line) == 0 {
		return nil
	}
	return d.Line[: len(d.Line)-1 : len(d.Line)-1]
}

// encode sets Line: AppendJSON gives Marshal's bytes without reflection.
func (d *Delivery) encode() {
	// base64 of the body, plus the headers and verdicts.
	buf := make([]byte, 0, len(d.Record.Body)/3*4+1024)
	line, err := d.Record.AppendJSON(buf)
	if err != nil {
		return
	}
	d.Line = append(line, '\n')
}

// errBusy means the body would take the bodies in flight over MaxInFlight.
var errBusy = errors.New("too many body bytes in flight")

// readBody reads the body up to MaxBody, adding the bytes it holds to *held (taken
// from the in-flight budget; the caller gives them back). tooBig is true when the
// body is larger (by Content-Length, or by reading one byte more); err is errBusy
// when the budget has no room for it.
func (l *Listener) readBody(w http.ResponseWriter, r *http.Request, held *int64) (body []byte, tooBig bool, err error) {
	if r.ContentLength > l.cfg.MaxBody {
		return nil, true, nil
	}
	if r.ContentLength >= 0 {
		if !l.hold(r, held, r.ContentLength) {
			return nil, false, errBusy
		}
		// net/http ends the body at Content-Length: read it into a buffer of that
		// size rather than growing one (io.ReadAll allocates about three times).
		body = make([]byte, r.ContentLength)
		n, err := io.ReadFull(r.Body, body)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return body[:n], false, err
	}
	// No length given (chunked): hold the buffer's size as it grows.
	rd := http.MaxBytesReader(w, r.Body, l.cfg.MaxBody)
	body = make([]byte, 0, 512)
	for {
		if len(body) == cap(body) {
			grown := append(body, 0)[:len(body)]
			if !l.hold(r, held, int64(cap(grown)-cap(body))) {
				return nil, false, errBusy
			}
			body = grown
		}
		n, err := rd.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		var mbe *http.MaxBytesError
		switch {
		case err == io.EOF:
			return body, false, nil
		case errors.As(err, &mbe):
			return nil, true, nil
		case err != nil:
			return body, false, err
		}
	}
}

// inFlightWait is how long a body waits for room in the in-flight budget before it
// is answered 503: a burst of large bodies is taken a few at a time. A variable for
// the tests.
var inFlightWait = 5 * time.Second

// hold takes n bytes from the in-flight budget for a request r that holds *held,
// waiting up to inFlightWait for other requests to give some back.
func (l *Listener) hold(r *http.Request, held *int64, n int64) bool {
	var timer *time.Timer
	for {
		if l.inFlight.Add(n) <= l.cfg.MaxInFlight {
			*held += n
			return true
		}
		l.inFlight.Add(-n)
		if timer == nil {
			timer = time.NewTimer(inFlightWait)
			defer timer.Stop()
		}
		l.waiting.Add(1)
		l.roomMu.Lock()
		room := l.room
		l.roomMu.Unlock()
		// Check again: bytes given back before waiting was counted woke no one.
		gaveUp := false
		if l.inFlight.Load()+n > l.cfg.MaxInFlight {
			select {
			case <-room:
			case <-timer.C:
				gaveUp = true
			case <-r.Context().Done():
				gaveUp = true
			case <-l.hardCtx.Done():
				gaveUp = true
			}
		}
		l.waiting.Add(-1)
		if gaveUp {
			return false
		}
	}
}

// release gives a request's body bytes back to the in-flight budget and wakes the
// requests waiting for room.
func (l *Listener) release(held int64) {
	if held == 0 {
		return
	}
	l.inFlight.Add(-held)
	if l.waiting.Load() == 0 {
		return
	}
	l.roomMu.Lock()
	close(l.room)
	l.room = make(chan struct{})
	l.roomMu.Unlock()
}

func (l *Listener) answerStatus(w http.ResponseWriter, rec *record.Record, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
	rec.Response = &record.Response{Status: status}
}

// answer replies to a delivery: a refusal (--reject-invalid), 200, --status, or the
// --forward-to app's answer.
func (l *Listener) answer(w http.ResponseWriter, r *http.Request, d *Delivery, rt *route) {
	if d.refused != 0 {
		l.answerStatus(w, d.Record, d.refused, d.refusedWhy+"\n")
		d.Record.Response.Body = d.refusedWhy
		return
	}
	if rt.forwardTo != "" {
		fw := l.forward(w, r, d.Record.Body, rt.forwardTo)
		d.Forward = fw
		if fw.Err != nil {
			d.Warnings = append(d.Warnings, "forward to "+fw.URL+" failed: "+fw.Err.Error())
			msg := record.ForwardFailed + fw.Err.Error() + "\n"
			l.answerStatus(w, d.Record, http.StatusBadGateway, msg)
			d.Record.Response.Body = msg
			return
		}
		if fw.CutShort != nil {
			d.Warnings = append(d.Warnings, "relaying the app's answer failed part-way: "+fw.CutShort.Error())
		}
		d.Record.Response = fw.response(l.cfg.ResponseHeaders)
		return
	}
	status := http.StatusOK
	if l.cfg.Status != 0 {
		status = l.cfg.Status
	}
	w.WriteHeader(status)
	d.Record.Response = &record.Response{Status: status}
}
