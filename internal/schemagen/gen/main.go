// Command gen writes schemas/ and fixtures/ from the built-in catalog. Run it with
// `go generate ./...` from the repository root.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/schemagen"
)

func main() {
	if err := run("."); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	c, err := catalog.Load()
	if err != nil {
		return err
	}
	files, err := schemagen.Generate(c)
	if err != nil {
		return err
	}
	// Start from empty trees so a removed event leaves no stale file behind.
	for _, dir := range []string{"schemas", "fixtures"} {
		if err := os.RemoveAll(filepath.Join(root, dir)); err != nil {
			return err
		}
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
