// Command gen writes docs/reference/ and docs/man/ from whk's command tree. Run it with
// `go generate ./...` from the repository root. Release builds run it with -man DIR
// -date YYYY-MM-DD to put dated man pages into the archives.
package main

import (
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/docgen"
)

func main() {
	manOnly := flag.String("man", "", "write only the man pages, into `DIR`")
	date := flag.String("date", "", "date the man pages (`YYYY-MM-DD`); default: no date")
	flag.Parse()
	if err := run(*manOnly, *date); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(manOnly, date string) error {
	var o docgen.Options
	if date != "" {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return fmt.Errorf("-date: %w", err)
		}
		o.ManDate = &d
	}
	files, err := docgen.Generate(docgen.NewRoot(), o)
	if err != nil {
		return err
	}
	dirs := map[string]string{docgen.ReferenceDir: docgen.ReferenceDir, docgen.ManDir: docgen.ManDir}
	if manOnly != "" {
		dirs = map[string]string{docgen.ManDir: manOnly}
	}
	// Both directories hold nothing but generated files: start them empty so a removed
	// command leaves no page behind.
	for _, dst := range dirs {
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
	}
	for _, f := range files {
		dst, ok := dirs[path.Dir(f.Path)]
		if !ok {
			continue
		}
		p := filepath.Join(filepath.FromSlash(dst), path.Base(f.Path))
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	if manOnly != "" {
		fmt.Fprintf(os.Stderr, "docgen: wrote man pages to %s\n", strings.TrimSuffix(manOnly, "/"))
	}
	return nil
}
