package listener

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/record"
)

// testRecord is a delivery record whose id says which writer wrote it, and its line.
func testRecord(t testing.TB, id string) (*record.Record, []byte) {
	t.Helper()
	r := &record.Record{
		Kind: record.KindDelivery, ReceivedAt: time.Now(), Method: "POST", Path: "/",
		Body: []byte(`{"id":"` + id + `","type":"review.completed"}`), Provider: "clment", Type: "review.completed", ID: id,
	}
	line, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return r, line
}

func openLog(t testing.TB, path string) *LogRecorder {
	t.Helper()
	rec, err := NewLogRecorder(path, func(err error) { t.Errorf("a record failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// logLines reads the log's lines, each without its newline; a torn last line is kept.
func logLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// Writers at once: every record is one whole line that parses, none lost or doubled,
// and each writer's records come in the order it wrote them.
func TestLogRecorderKeepsEveryRecordInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "rec.ndjson")
	rec := openLog(t, path)
	const writers, each = 16, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r, line := testRecord(t, fmt.Sprintf("w%02d-%03d", w, i))
				// Half with the newline Delivery.Line has, half without.
				if i%2 == 0 {
					line = append(line, '\n')
				}
				st := rec.Write(r, line)
				if st.Status != record.StoredWritten || st.File != "rec.ndjson" {
					t.Errorf("%s: %+v", r.ID, st)
				}
			}
		}()
	}
	wg.Wait()
	written, err := rec.Close()
	if err != nil || written != writers*each {
		t.Fatalf("written %d, %v", written, err)
	}
	lines := logLines(t, path)
	if len(lines) != writers*each {
		t.Fatalf("%d lines, want %d", len(lines), writers*each)
	}
	next := map[string]int{}
	for n, l := range lines {
		r, err := record.Parse([]byte(l))
		if err != nil {
			t.Fatalf("line %d: %v: %s", n+1, err, l)
		}
		writer, i := r.ID[:3], 0
		fmt.Sscanf(r.ID[4:], "%d", &i)
		if i != next[writer] {
			t.Fatalf("line %d is %s, want %s-%03d next", n+1, r.ID, writer, next[writer])
		}
		next[writer]++
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("log has mode %v, want 0600", perm)
	}
}

// An existing log is appended to, never cut; a torn last line left by an earlier run
// is ended, so the record after it is whole, and readers report the torn line as one
// bad item among the good ones.
func TestLogRecorderAppendsAfterATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	_, first := testRecord(t, "evt_first")
	_, torn := testRecord(t, "evt_torn")
	old := append(append(first, '\n'), torn[:len(torn)/2]...)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	rec := openLog(t, path)
	r, line := testRecord(t, "evt_after")
	if st := rec.Write(r, line); st.Status != record.StoredWritten {
		t.Fatalf("%+v", st)
	}
	if written, err := rec.Close(); err != nil || written != 1 {
		t.Fatalf("written %d, %v", written, err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, old) {
		t.Fatal("the existing log was changed")
	}
	lines := logLines(t, path)
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	if back, err := record.Parse([]byte(lines[2])); err != nil || back.ID != "evt_after" {
		t.Fatalf("the record after the torn line: %v %v", back, err)
	}

	items, err := delivery.LoadItems(cat, nil, []string{path}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	good := 0
	for _, it := range items {
		if it.Err != nil {
			bad = append(bad, it.Source)
		} else {
			good++
		}
	}
	if good != 2 || len(bad) != 1 || bad[0] != path+":2" {
		t.Fatalf("replay reads %d good items and bad %v; want 2 and %s:2", good, bad, path)
	}
}

// failingFile is a log file whose writes fail from the given call on: the first of
// them writes keep bytes, then says why it stopped.
type failingFile struct {
	bytes.Buffer
	calls, from, keep int
	err               error
}

func (f *failingFile) Write(p []byte) (int, error) {
	f.calls++
	switch {
	case f.calls < f.from:
		return f.Buffer.Write(p)
	case f.calls == f.from && f.keep > 0:
		f.Buffer.Write(p[:f.keep])
		return f.keep, f.err
	}
	return 0, f.err
}

func (f *failingFile) Sync() error  { return nil }
func (f *failingFile) Close() error { return nil }

// A log recorder's failures follow the directory recorder's contract: each failed
// Write returns a failed Stored with the reason, the first is reported once at once,
// and Close counts them all in a *RecordsLostError that wraps the first.
func TestRecordersReportFailuresAlike(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "rec.ndjson", Err: syscall.ENOSPC}
	cases := []struct {
		name string
		open func(t *testing.T, firstFailure func(error)) Recorder
		want error // the failure's cause
	}{
		{"directory removed under the directory recorder", func(t *testing.T, firstFailure func(error)) Recorder {
			dir := filepath.Join(t.TempDir(), "rec")
			rec, err := NewDirRecorder(dir, 1, firstFailure)
			if err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(dir)
			return rec
		}, syscall.ENOENT},
		{"log recorder whose disk is full", func(t *testing.T, firstFailure func(error)) Recorder {
			return newLogRecorder("rec.ndjson", &failingFile{from: 1, err: enospc}, false, firstFailure)
		}, syscall.ENOSPC},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var reported []error
			var mu sync.Mutex
			rec := c.open(t, func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() })
			const n = 3
			for i := 0; i < n; i++ {
				r, line := testRecord(t, fmt.Sprintf("evt_%d", i))
				st := rec.Write(r, line)
				if st.Status != record.StoredFailed || st.File != "" || !strings.Contains(st.Error, c.want.Error()) {
					t.Errorf("record %d: %+v, want failed with %q", i, st, c.want)
				}
			}
			written, err := rec.Close()
			var lost *RecordsLostError
			if written != 0 || !errors.As(err, &lost) {
				t.Fatalf("Close: written %d, %v; want 0 and a *RecordsLostError", written, err)
			}
			if lost.Failed != n || lost.Path != rec.Path() || !errors.Is(lost, c.want) {
				t.Errorf("lost %+v (%v), want %d failed in %s, caused by %v", lost, lost.First, n, rec.Path(), c.want)
			}
			if len(reported) != 1 || !errors.Is(reported[0], c.want) {
				t.Errorf("reported %v, want the first failure once", reported)
			}
		})
	}
}

// A write cut short (a disk that fills mid-batch) fails the records not written whole
// and leaves a torn line; the next record starts a line of its own, so readers see the
// records before and after it and one bad line.
func TestLogRecorderRecoversFromAShortWrite(t *testing.T) {
	f := &failingFile{from: 2, keep: 10, err: syscall.ENOSPC}
	var reported []error
	rec := newLogRecorder("rec.ndjson", f, false, func(err error) { reported = append(reported, err) })
	want := []string{record.StoredWritten, record.StoredFailed, record.StoredWritten}
	var lines [][]byte
	for i, status := range want {
		r, line := testRecord(t, fmt.Sprintf("evt_%d", i))
		lines = append(lines, line)
		if i == 2 {
			f.from = 1 << 30 // the disk has room again
		}
		if st := rec.Write(r, line); st.Status != status {
			t.Errorf("record %d: %+v, want %s", i, st, status)
		}
	}
	written, err := rec.Close()
	var lost *RecordsLostError
	if written != 2 || !errors.As(err, &lost) || lost.Failed != 1 || len(reported) != 1 {
		t.Fatalf("written %d, %v, reported %v", written, err, reported)
	}
	got := f.String()
	wantLog := string(lines[0]) + "\n" + string(lines[1][:10]) + "\n" + string(lines[2]) + "\n"
	if got != wantLog {
		t.Fatalf("log:\n%s\nwant:\n%s", got, wantLog)
	}
}

// --record picks the log by the path's extension; a path that names a directory, or
// anything but a regular file, cannot be a log.
func TestNewRecorderPicksByPath(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		path string
		log  bool
	}{
		{"rec.ndjson", true}, {"rec.JSONL", true}, {"rec", false}, {"rec.json", false}, {"ndjson", false},
	} {
		rec, err := NewRecorder(filepath.Join(dir, c.path), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if _, isLog := rec.(*LogRecorder); isLog != c.log {
			t.Errorf("%s: %T, want a log: %v", c.path, rec, c.log)
		}
		rec.Close()
	}
	taken := filepath.Join(dir, "taken.ndjson")
	if err := os.Mkdir(taken, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := NewRecorder(taken, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory named like a log: %v", err)
	}
}
