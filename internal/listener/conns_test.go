package listener

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawPost sends one small POST on c and reads the answer's status; the connection
// stays open (keep-alive) for the caller.
func rawPost(t *testing.T, c net.Conn) (int, error) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// closedByPeer reports whether the listener has closed c (a read ends at once).
func closedByPeer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	return err != nil && !strings.Contains(err.Error(), "timeout")
}

func dialAddr(t *testing.T, url string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// At MaxConns, a new connection takes the place of an idle keep-alive one; with none
// idle, the new one is closed unanswered. Either way whk warns once.
func TestConnectionLimit(t *testing.T) {
	r := start(t, Config{MaxConns: 3})
	idle := make([]net.Conn, 3)
	for i := range idle {
		idle[i] = dialAddr(t, r.url)
		if code, err := rawPost(t, idle[i]); err != nil || code != 200 {
			t.Fatalf("connection %d: %d %v", i, code, err)
		}
	}
	extra := dialAddr(t, r.url)
	if code, err := rawPost(t, extra); err != nil || code != 200 {
		t.Fatalf("a fourth connection with three idle: %d %v", code, err)
	}
	closed := 0
	for _, c := range idle {
		if closedByPeer(c) {
			closed++
		}
	}
	if closed != 1 {
		t.Fatalf("%d idle connections closed to make room, want 1", closed)
	}
	// Now three connections that are busy (a request begun, so not idle).
	for _, c := range append(idle, extra) {
		c.Close()
	}
	time.Sleep(100 * time.Millisecond) // let the listener see them go
	var busy []net.Conn
	for len(busy) < 3 {
		c := dialAddr(t, r.url)
		busy = append(busy, c)
		c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\n")) // headers not finished
	}
	time.Sleep(100 * time.Millisecond) // let the listener see the busy ones
	refused := dialAddr(t, r.url)
	if _, err := rawPost(t, refused); err == nil {
		t.Fatal("a connection over the limit was served while none was idle")
	}
	for _, c := range busy {
		c.Close()
	}
	var warnings int
	for _, ev := range r.stop() {
		if e, ok := ev.(Error); ok && strings.Contains(e.Err.Error(), "3 connections are open, the most whk keeps") {
			warnings++
		}
	}
	if warnings != 1 {
		t.Errorf("%d warnings, want 1", warnings)
	}
}

// startBody opens a connection and sends a request's headers and the first half of its
// body of size n: the listener holds n bytes of its budget until the rest arrives.
func startBody(t *testing.T, url string, n int) (c net.Conn, finish func() (int, error)) {
	t.Helper()
	c = dialAddr(t, url)
	body := []byte(`{"pad":"` + strings.Repeat("x", n-10) + `"}`)
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(body))
	c.Write(body[:n/2])
	return c, func() (int, error) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(body[n/2:]); err != nil {
			return 0, err
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
}

// The bodies being read at once stay within MaxInFlight: one that does not fit waits
// for room, and gets 503 with Retry-After when none comes in time.
func TestBodiesInFlightAreBounded(t *testing.T) {
	defer func(d time.Duration) { inFlightWait = d }(inFlightWait)
	inFlightWait = 300 * time.Millisecond
	const size = 40 << 10
	r := start(t, Config{MaxBody: 64 << 10, MaxInFlight: 64 << 10})

	_, finishFirst := startBody(t, r.url, size)
	time.Sleep(50 * time.Millisecond) // the first one holds its bytes
	second := dialAddr(t, r.url)
	fmt.Fprintf(second, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", size)
	second.SetDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(second), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 503 || res.Header.Get("Retry-After") != "1" {
		t.Errorf("a body with no room: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	second.Close() // its body never comes

	// One that waits while the first finishes gets in.
	_, finishThird := startBody(t, r.url, size)
	time.Sleep(50 * time.Millisecond)
	if code, err := finishFirst(); err != nil || code != 200 {
		t.Fatalf("first: %d %v", code, err)
	}
	if code, err := finishThird(); err != nil || code != 200 {
		t.Errorf("a body that waited for room: %d %v", code, err)
	}
	var busy int
	for _, ev := range r.stop() {
		if rj, ok := ev.(Rejected); ok && rj.Status == 503 {
			busy++
		}
	}
	if busy != 1 {
		t.Errorf("%d busy rejections reported, want 1", busy)
	}
}
