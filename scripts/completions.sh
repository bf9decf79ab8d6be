#!/bin/sh
# Writes whk's shell completion scripts into completions/ (for the release archives).
# Run from the repository root; goreleaser runs it as a before hook.
set -eu
rm -rf completions
mkdir -p completions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/whk" ./cmd/whk
"$tmp/whk" completion bash >completions/whk.bash
"$tmp/whk" completion zsh >completions/_whk
"$tmp/whk" completion fish >completions/whk.fish
"$tmp/whk" completion powershell >completions/whk.ps1
