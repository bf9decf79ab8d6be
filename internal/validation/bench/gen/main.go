// Command gen writes the validate benchmark's corpus: realistic Clment deliveries built
// from the catalog (fresh ids and timestamps, compact JSON as sent), a share of them with
// exactly one mutation (missing field, wrong type, bad enum, bad date-time), as one file
// each and as one NDJSON file, plus the list of the deliveries that must fail.
//
//	go run ./internal/validation/bench/gen -n 20000 -out DIR
//	go run ./internal/validation/bench/gen -bigsize 1GiB -big DIR/big.ndjson
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
)

func main() {
	n := flag.Int("n", 20000, "number of deliveries")
	out := flag.String("out", "", "write files/, corpus.ndjson, expected-invalid.txt and expected-invalid-lines.txt under `DIR`")
	rate := flag.Float64("mutate", 0.05, "share of deliveries with one mutation")
	big := flag.String("big", "", "also write an NDJSON file of about -bigsize bytes to `PATH`")
	bigSize := flag.String("bigsize", "256MiB", "size of the -big file")
	flag.Parse()
	if err := run(*n, *out, *rate, *big, *bigSize); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// mutations, in turn; each leaves the delivery invalid for every tool.
var mutations = []string{"missing field", "wrong type", "bad enum", "bad date-time"}

func run(n int, out string, rate float64, big, bigSize string) error {
	p, err := catalog.MustBuiltin().Provider("clment")
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 6, 16, 14, 0, 0, 0, time.UTC)
	var bodies [][]byte
	var invalid []int
	step := int(1 / rate)
	for i := 0; i < n; i++ {
		e := p.Events[rng.IntN(len(p.Events))]
		mut := ""
		if rate > 0 && i%step == step/2 {
			mut = mutations[len(invalid)%len(mutations)]
			if mut == "bad enum" {
				e, _ = p.Event("user.mentioned") // the one Clment field with an enum
			}
		}
		at := base.Add(time.Duration(i) * time.Second)
		d, err := delivery.FromExample(p, e, delivery.BuildOptions{Now: func() time.Time { return at }})
		if err != nil {
			return err
		}
		body := d.Body
		if mut != "" {
			if body, err = mutate(body, e, mut, rng); err != nil {
				return err
			}
			invalid = append(invalid, i)
		}
		bodies = append(bodies, body)
	}
	if out != "" {
		if err := writeCorpus(out, bodies, invalid); err != nil {
			return err
		}
	}
	if big != "" {
		size, err := cmdutil.ParseSize(bigSize)
		if err != nil {
			return err
		}
		return writeBig(big, bodies, size)
	}
	return nil
}

// mutate applies one mutation to a payload field (or the envelope's date-time).
func mutate(body []byte, e *catalog.Event, kind string, rng *rand.Rand) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	payload := doc["payload"].(map[string]any)
	pick := func(ok func(catalog.Field) bool) catalog.Field {
		var fs []catalog.Field
		for _, f := range e.Fields {
			if ok(f) {
				fs = append(fs, f)
			}
		}
		return fs[rng.IntN(len(fs))]
	}
	switch kind {
	case "missing field":
		delete(payload, pick(func(f catalog.Field) bool { return f.Required }).Name)
	case "wrong type":
		f := pick(func(f catalog.Field) bool { return f.Type == "string" || f.Type == "integer" })
		if f.Type == "string" {
			payload[f.Name] = 42
		} else {
			payload[f.Name] = "42"
		}
	case "bad enum":
		payload["context"] = "comment"
	case "bad date-time":
		doc["occurredAt"] = "16/06/2026 14:32"
	}
	// Key order changes, which no validator cares about.
	return json.Marshal(doc)
}

func writeCorpus(dir string, bodies [][]byte, invalid []int) error {
	files := filepath.Join(dir, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return err
	}
	nd, err := os.Create(filepath.Join(dir, "corpus.ndjson"))
	if err != nil {
		return err
	}
	defer nd.Close()
	w := bufio.NewWriter(nd)
	for i, b := range bodies {
		if err := os.WriteFile(filepath.Join(files, name(i)), b, 0o644); err != nil {
			return err
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var names, lines []byte
	for _, i := range invalid {
		names = fmt.Appendf(names, "%s\n", name(i))
		lines = fmt.Appendf(lines, "%d\n", i+1)
	}
	if err := os.WriteFile(filepath.Join(dir, "expected-invalid.txt"), names, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "expected-invalid-lines.txt"), lines, 0o644)
}

func name(i int) string { return fmt.Sprintf("d%06d.json", i+1) }

// writeBig repeats the corpus until the file reaches size bytes.
func writeBig(path string, bodies [][]byte, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var n int64
	for n < size {
		for _, b := range bodies {
			w.Write(b)
			w.WriteByte('\n')
			n += int64(len(b)) + 1
			if n >= size {
				break
			}
		}
	}
	return w.Flush()
}
