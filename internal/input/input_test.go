package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSniff(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     Kind
	}{
		{"one line of JSON", `{"a":1}`, Document},
		{"one line and a trailing newline", "{\"a\":1}\n\n", Document},
		{"pretty-printed JSON", "{\n  \"a\": 1\n}\n", Document},
		{"NDJSON", "{\"a\":1}\n{\"a\":2}\n", Lines},
		{"NDJSON with a bad second line", "{\"a\":1}\nnope\n", Lines},
		{"not JSON", "hello\nworld\n", Document},
		{"a raw HTTP request", "POST /hook HTTP/1.1\r\nHost: x\r\n\r\n{}", HTTPRequest},
		{"a raw HTTP request with bare newlines", "POST / HTTP/1.0\nHost: x\n\n{}", HTTPRequest},
		{"empty", "", Document},
		{"a HAR as browsers save it", "{\n  \"log\": {\n    \"version\": \"1.2\",", HAR},
		{"a HAR on one line", `{"log":{"version":"1.2","entries":[]}}` + "\n", HAR},
		{"a body whose first member is a log line", `{"log":"started"}`, Document},
		{"a record that has a log member later", `{"kind":"delivery","log":{}}`, Document},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.in)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSplitLines(t *testing.T) {
	got := SplitLines([]byte("a\r\n\n  \nb\nc"))
	want := []Line{{1, []byte("a")}, {4, []byte("b")}, {5, []byte("c")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SplitLines = %+v, want %+v", got, want)
	}
}

// A line over the limit is reported on its own: not cut, not merged with the next.
func TestLineReaderLongLine(t *testing.T) {
	in := strings.Repeat("x", 100<<10) + "\nshort\n"
	lr := NewLineReader(strings.NewReader(in), 1000)
	if l, n, long, err := lr.Next(); l != nil || n != 1 || !long || err != nil {
		t.Fatalf("line 1: %d bytes, n %d, long %v, err %v", len(l), n, long, err)
	}
	if l, n, long, err := lr.Next(); string(l) != "short" || n != 2 || long || err != nil {
		t.Fatalf("line 2: %q, n %d, long %v, err %v", l, n, long, err)
	}
	if _, _, _, err := lr.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestReadAllBounded(t *testing.T) {
	if b, err := ReadAll(strings.NewReader("12345"), 5); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	_, err := ReadAll(strings.NewReader("123456"), 5)
	var big *TooLargeError
	if !errors.As(err, &big) || err.Error() != "larger than 5 bytes" {
		t.Errorf("over the limit: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	os.WriteFile(small, []byte(`{}`), 0o600)
	if b, err := ReadFile(small, 10); err != nil || string(b) != "{}" {
		t.Errorf("small file: %q, %v", b, err)
	}
	var big *TooLargeError
	if _, err := ReadFile(small, 1); !errors.As(err, &big) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFile(dir, 10); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	var rd Reader
	if b, err := rd.Read(small, 10); err != nil || string(b) != "{}" {
		t.Errorf("Reader: %q, %v", b, err)
	}
	if _, err := rd.Read(small, 1); !errors.As(err, &big) {
		t.Errorf("Reader over the limit: %v", err)
	}
}

func TestReadRegular(t *testing.T) {
	fsys := fstest.MapFS{"a.json": {Data: []byte("{}")}, "d": {Mode: os.ModeDir}, "p.json": {Mode: os.ModeNamedPipe}}
	if b, err := ReadRegular(fsys, "a.json", 10); err != nil || string(b) != "{}" {
		t.Errorf("regular: %q, %v", b, err)
	}
	if _, err := ReadRegular(fsys, "p.json", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FIFO: %v", err)
	}
	var big *TooLargeError
	if _, err := ReadRegular(fsys, "a.json", 1); !errors.As(err, &big) {
		t.Errorf("over the limit: %v", err)
	}
}

func TestSizeString(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MiB", 64 << 10: "64 KiB", 1500: "1500 bytes"} {
		if got := SizeString(n); got != want {
			t.Errorf("SizeString(%d) = %q, want %q", n, got, want)
		}
	}
}

// Whatever a file holds, Sniff and SplitLines never panic, and the lines are the file's
// non-blank lines.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"a\":2}\n"))
	f.Add([]byte("POST / HTTP/1.1\r\n\r\n"))
	f.Add([]byte(`{ "log" : {"entries":[]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Sniff(b)
		for _, l := range SplitLines(b) {
			if len(strings.TrimSpace(string(l.Data))) == 0 || l.N < 1 {
				t.Fatalf("blank or unnumbered line %+v", l)
			}
		}
	})
}
