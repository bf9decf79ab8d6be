package input

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IsStreamName says whether a file holds one delivery per line by its extension.
func IsStreamName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".ndjson" || ext == ".jsonl"
}

// IsHARName says whether a file is a HAR capture by its extension.
func IsHARName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".har") }

// IsDeliveryName says whether a file found in a directory holds deliveries: *.json,
// *.ndjson, *.jsonl or *.har, in any case.
func IsDeliveryName(name string) bool {
	return IsStreamName(name) || IsHARName(name) || strings.EqualFold(filepath.Ext(name), ".json")
}

// Walk calls file for each delivery file under dir (IsDeliveryName), in lexical order.
// It skips hidden directories (.git, a tool's .cache) and anything that is not a
// regular file, also behind a symbolic link: a FIFO or a link to /dev/zero would hang
// or never end. Links to directories are not followed. Entries that cannot be listed
// go to bad. Either callback returns false to stop the walk.
func Walk(dir string, file func(path string) bool, bad func(path string, err error) bool) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !bad(path, err) {
				return filepath.SkipAll
			}
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !IsDeliveryName(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A dangling link goes to file, whose read reports it.
			if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if !file(path) {
			return filepath.SkipAll
		}
		return nil
	})
}
