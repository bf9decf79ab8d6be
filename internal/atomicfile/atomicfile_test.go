package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f.json")
	if err := Write(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "two" || st.Mode().Perm() != 0o600 {
		t.Fatalf("content %q mode %v", b, st.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".*tmp*"))
	if len(left) > 0 {
		t.Fatalf("temp files left: %v", left)
	}
	// A target inside a file (not a directory) fails and leaves nothing behind.
	if err := Write(filepath.Join(p, "x"), []byte("x"), 0o600); err == nil {
		t.Fatal("write under a file succeeded")
	}
}

func TestWriteUnsynced(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := WriteUnsynced(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Flush(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if err := WriteUnsynced(filepath.Join(dir, "missing", "r.json"), []byte("x"), 0o644); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func TestWriteUnsyncedModesAndTakenTempName(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	// A temporary file left by a crash under the name WriteUnsynced would use.
	left := filepath.Join(dir, ".r.json.tmp")
	if err := os.WriteFile(left, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteUnsynced(p, []byte("whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "whole" {
		t.Fatalf("content %q", b)
	}
	if b, _ := os.ReadFile(left); string(b) != "half" {
		t.Fatalf("the leftover was changed: %q", b)
	}
	for _, perm := range []os.FileMode{0o600, 0o640, 0o444} {
		q := filepath.Join(dir, perm.String()+".json")
		if err := WriteUnsynced(q, []byte("x"), perm); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(q); st.Mode().Perm() != perm {
			t.Errorf("mode %v, want %v", st.Mode().Perm(), perm)
		}
	}
	all, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(all) != 1 || all[0] != left {
		t.Fatalf("hidden files %v, want only the leftover", all)
	}
}

func TestJoinInside(t *testing.T) {
	dir := filepath.Join("out", "schemas")
	tests := []struct {
		name, in, want string
	}{
		{"a file", "clment.schema.json", filepath.Join(dir, "clment.schema.json")},
		{"a file in a subdirectory", "clment/review.completed.schema.json", filepath.Join(dir, "clment", "review.completed.schema.json")},
		{"dots inside a name", "a..b.json", filepath.Join(dir, "a..b.json")},
		{"climbing out", "../../../PWNED.schema.json", ""},
		{"climbing out from a subdirectory", "../../x/a.schema.json", ""},
		{"climbing back in is still refused", "x/../../schemas/a.json", ""},
		{"parent itself", "..", ""},
		{"absolute", "/etc/passwd", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JoinInside(dir, tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("JoinInside(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("JoinInside(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
