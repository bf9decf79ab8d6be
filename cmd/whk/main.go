// Command whk tests, signs, verifies and validates contract and e-signature webhooks.
package main

import (
	"os"

	"github.com/whk-cli/whk/internal/cli"
)

func main() { os.Exit(cli.Main()) }
