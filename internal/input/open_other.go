//go:build !unix

package input

import "os"

func open(path string) (*os.File, error) { return os.Open(path) }

func openRaw(path string) (*os.File, error) { return os.Open(path) }
