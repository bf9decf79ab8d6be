// Command bare is the benchmark's baseline: the least a Go program must do to validate
// deliveries with a JSON Schema library. It compiles one schema once (whk's generated
// provider schema, which dispatches on the event type with if/then), then validates
// every *.json file of a directory, or every line of an NDJSON file, across all cores,
// and prints the invalid file names (or line numbers), sorted. It uses
// santhosh-tekuri/jsonschema/v5, or v6 when built with -tags bare_v6.
//
//	go run ./internal/validation/bench/bare schemas/clment.schema.json DIR
//	go run -tags bare_v6 ./internal/validation/bench/bare -ndjson schemas/clment.schema.json FILE
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

func main() {
	ndjson := flag.Bool("ndjson", false, "the input is one NDJSON file")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: bare [-ndjson] SCHEMA DIR|FILE")
		os.Exit(2)
	}
	valid, err := compile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	type job struct {
		name string
		data []byte
	}
	jobs := make(chan job, 256)
	var (
		mu  sync.Mutex
		bad []string
		wg  sync.WaitGroup
	)
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				data := j.data
				if data == nil {
					if data, err = os.ReadFile(j.name); err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(2)
					}
				}
				var v any
				if err := json.Unmarshal(data, &v); err != nil || !valid(v) {
					mu.Lock()
					bad = append(bad, filepath.Base(j.name))
					mu.Unlock()
				}
			}
		}()
	}
	if *ndjson {
		f, err := os.Open(flag.Arg(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 10<<20)
		for n := 1; sc.Scan(); n++ {
			jobs <- job{fmt.Sprint(n), bytes.Clone(sc.Bytes())}
		}
	} else {
		entries, err := os.ReadDir(flag.Arg(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") {
				jobs <- job{name: filepath.Join(flag.Arg(1), e.Name())}
			}
		}
	}
	close(jobs)
	wg.Wait()
	sort.Slice(bad, func(i, j int) bool {
		if len(bad[i]) != len(bad[j]) {
			return len(bad[i]) < len(bad[j])
		}
		return bad[i] < bad[j]
	})
	fmt.Println(strings.Join(bad, "\n"))
}
