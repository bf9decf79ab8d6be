#!/bin/sh
# Writes whk's man pages into manpages/ (for the release archives), dated with the date of
# the commit being built so that two builds of one commit give the same pages.
# Run from the repository root; goreleaser runs it as a before hook.
set -eu
date=$(git log -1 --format=%cs 2>/dev/null || true)
go run ./internal/docgen/gen -man manpages ${date:+-date "$date"}
