// Package whk embeds the generated schemas/ and fixtures/ trees, which go:embed cannot
// reach from the packages under internal/.
package whk

import "embed"

//go:generate go run ./internal/schemagen/gen
//go:generate go run ./internal/docgen/gen

// Generated holds schemas/ and fixtures/ exactly as checked in.
//
//go:embed schemas fixtures
var Generated embed.FS
