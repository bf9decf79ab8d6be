// Package bench holds what the benchmark programs under internal/delivery/bench and
// internal/listener/bench share: a receiver that prints its URL and runs until a
// signal, and the one POST every load generator sends.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// Serve answers with h on addr, prints the URL on stdout (the scripts read it from
// there), and returns after SIGTERM or SIGINT once the requests in flight are done.
// A listen error ends the program.
func Serve(addr string, h http.Handler) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: h}
	fmt.Printf("http://%s/\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Shutdown(context.Background())
}

// Request is a JSON POST of body to url carrying one signature header.
func Request(url string, body []byte, header, signature string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, signature)
	return req
}

// Do sends req and reads the answer to its end, so the connection is reused.
func Do(client *http.Client, req *http.Request) (status int, err error) {
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}
