// Command bare is the floor of the listen benchmark: a net/http handler that only reads
// the body and answers 200. With -record DIR it is the fair anchor of listen --record
// DIR: it also writes each body as its own file in DIR, the way a careful receiver
// would (a temp file, then a rename to a unique name), before answering. It prints its
// URL on stdout and runs until SIGTERM/SIGINT.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"github.com/whk-cli/whk/internal/bench"
)

func main() {
	dir := flag.String("record", "", "write each body to its own file in `DIR`")
	flag.Parse()
	var seq atomic.Int64
	handler := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		handler = func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err == nil {
				name := filepath.Join(*dir, strconv.FormatInt(seq.Add(1), 10)+".json")
				err = writeFile(name, body)
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		}
	}
	bench.Serve("127.0.0.1:0", http.HandlerFunc(handler))
}

// writeFile writes data to a temp file next to name and renames it into place.
func writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
