package listener

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/record/hartest"
	"github.com/whk-cli/whk/internal/signing"
)

// harIDs checks that the file is a HAR 1.2 document by the schema and returns the
// delivery ids of its entries, in order.
func harIDs(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := hartest.Check(b); err != nil {
		t.Fatalf("%s is not HAR 1.2: %v\n%s", path, err, b)
	}
	entries, err := record.ParseHAR(b)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, e := range entries {
		if e.Err != nil {
			t.Fatalf("entry %d: %v", e.N, e.Err)
		}
		var body struct{ ID string }
		if err := json.Unmarshal(e.Record.Body, &body); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, body.ID)
	}
	return ids
}

func openHAR(t testing.TB, path string) *HARRecorder {
	t.Helper()
	rec, err := NewHARRecorder(path, "9.9.9", func(err error) { t.Errorf("a record failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// After every Write the file is a whole HAR document holding every delivery so far; a
// second run adds to it.
func TestHARRecorderIsWholeAfterEveryDelivery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "caps", "run.har")
	rec := openHAR(t, path)
	if got := harIDs(t, path); len(got) != 0 {
		t.Fatalf("a new HAR holds %v", got)
	}
	var want []string
	for i := 1; i <= 3; i++ {
		id := fmt.Sprintf("evt_%d", i)
		r, line := testRecord(t, id)
		r.Response = &record.Response{Status: 200}
		if s := rec.Write(r, line); s.Status != record.StoredWritten || s.File != "run.har" {
			t.Fatalf("write %d: %+v", i, s)
		}
		want = append(want, id)
		if got := harIDs(t, path); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("after %d writes: %v", i, got)
		}
	}
	if n, err := rec.Close(); n != 3 || err != nil {
		t.Fatalf("close: %d, %v", n, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	rec = openHAR(t, path)
	r, line := testRecord(t, "evt_4")
	rec.Write(r, line)
	rec.Close()
	if got := harIDs(t, path); strings.Join(got, ",") != "evt_1,evt_2,evt_3,evt_4" {
		t.Fatalf("after a second run: %v", got)
	}
}

// Writers at once: every entry is there once, and the document is whole.
func TestHARRecorderConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.har")
	rec := openHAR(t, path)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				r, line := testRecord(t, fmt.Sprintf("w%d-%d", w, i))
				if s := rec.Write(r, line); s.Status != record.StoredWritten {
					t.Errorf("%+v", s)
				}
			}
		}()
	}
	wg.Wait()
	if n, err := rec.Close(); n != 160 || err != nil {
		t.Fatalf("close: %d, %v", n, err)
	}
	seen := map[string]bool{}
	for _, id := range harIDs(t, path) {
		if seen[id] {
			t.Fatalf("%s twice", id)
		}
		seen[id] = true
	}
	if len(seen) != 160 {
		t.Fatalf("%d entries, want 160", len(seen))
	}
}

// A file listen did not write (a browser's capture) or one cut short is refused and
// left as it was: adding to it would mean rewriting it.
func TestHARRecorderRefusesOtherFiles(t *testing.T) {
	chrome, err := os.ReadFile("../record/testdata/chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"a browser's capture", chrome},
		{"a HAR listen wrote, cut short", []byte(`{"log":{"version":"1.2","creator":{"name":"whk","version":"1"},"entries":[` + "\n{\"startedDate")},
		{"notes", []byte("my notes\n")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.har")
			os.WriteFile(path, tt.data, 0o600)
			if _, err := NewHARRecorder(path, "1", nil); !errors.Is(err, errNotWhkHAR) {
				t.Fatalf("err %v", err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, tt.data) {
				t.Fatal("the file was changed")
			}
		})
	}
}

// fullDisk writes at most room bytes past the end of the file, then fails, like a
// disk filling up; bytes written over the file's own blocks need no room.
type fullDisk struct {
	*os.File
	room int64
}

func (f *fullDisk) WriteAt(b []byte, off int64) (int, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if grow := off + int64(len(b)) - st.Size(); grow > f.room {
		n, _ := f.File.WriteAt(b[:int64(len(b))-grow+f.room], off)
		f.room = 0
		return n, errors.New("no space left on device")
	}
	f.room -= max(0, off+int64(len(b))-st.Size())
	return f.File.WriteAt(b, off)
}

// A write that fails half-way is reported at once, counted, and leaves the document
// whole with the entries before it; the next write that fits goes in.
func TestHARRecorderFailedWriteKeepsTheDocumentWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.har")
	var failures []error
	rec, err := NewHARRecorder(path, "1", func(err error) { failures = append(failures, err) })
	if err != nil {
		t.Fatal(err)
	}
	r1, l1 := testRecord(t, "evt_1")
	rec.Write(r1, l1)
	ff := &fullDisk{File: rec.f.(*os.File), room: 100}
	rec.f = ff
	r2, l2 := testRecord(t, "evt_2")
	if s := rec.Write(r2, l2); s.Status != record.StoredFailed || !strings.Contains(s.Error, "no space") {
		t.Fatalf("failed write: %+v", s)
	}
	if len(failures) != 1 {
		t.Fatalf("%d failures reported, want 1 at once", len(failures))
	}
	if got := harIDs(t, path); strings.Join(got, ",") != "evt_1" {
		t.Fatalf("after the failure: %v", got)
	}
	ff.room = 1 << 20
	r3, l3 := testRecord(t, "evt_3")
	if s := rec.Write(r3, l3); s.Status != record.StoredWritten {
		t.Fatalf("write after the failure: %+v", s)
	}
	if got := harIDs(t, path); strings.Join(got, ",") != "evt_1,evt_3" {
		t.Fatalf("after recovering: %v", got)
	}
	var lost *RecordsLostError
	if n, err := rec.Close(); n != 2 || !errors.As(err, &lost) || lost.Failed != 1 {
		t.Fatalf("close: %d, %v", n, err)
	}
}

// Through the listener: the entry's URL is where listen listened, the answer is in
// it, and the CM.com Sign token is redacted as in every record.
func TestListenRecordsHAR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.har")
	rec, err := NewRecorderAs(path, "", "1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.(*HARRecorder); !ok {
		t.Fatalf("%T for a .har path", rec)
	}
	r := start(t, Config{Keys: secret("cm-token-value"), Recorder: rec})
	post(t, r.url, signed(t, "cm-sign", "dossier.prepared", signing.Keys{Secret: []byte("cm-token-value")}))
	r.stop()
	if n, err := rec.Close(); n != 1 || err != nil {
		t.Fatalf("close: %d, %v", n, err)
	}
	b, _ := os.ReadFile(path)
	if err := hartest.Check(b); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("cm-token-value")) || !bytes.Contains(b, []byte(`"value":"[redacted]"`)) {
		t.Errorf("the token is not redacted:\n%s", b)
	}
	var doc struct {
		Log struct{ Entries []record.HAREntry }
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Log.Entries) != 1 {
		t.Fatalf("%v, %+v", err, doc)
	}
	e := doc.Log.Entries[0]
	if e.Request.URL != r.url || e.Response.Status != 200 || e.Whk == nil || e.Whk.Provider != "cm-sign" || e.Whk.Signature.Status != signing.StatusValid {
		t.Errorf("entry: url %s (want %s), status %d, whk %+v", e.Request.URL, r.url, e.Response.Status, e.Whk)
	}
}

// --record-format names the recorder whatever the path; an unknown one is refused.
func TestNewRecorderAsFormat(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		path, format, want string
	}{
		{"a.har", "", "*listener.HARRecorder"},
		{"a.HAR", "", "*listener.HARRecorder"},
		{"capture", "har", "*listener.HARRecorder"},
		{"log.har", "ndjson", "*listener.LogRecorder"},
		{"d.har", "dir", "*listener.DirRecorder"},
	} {
		rec, err := NewRecorderAs(filepath.Join(dir, tt.path), tt.format, "1", nil)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.path, tt.format, err)
		}
		if got := fmt.Sprintf("%T", rec); got != tt.want {
			t.Errorf("%s as %q: %s, want %s", tt.path, tt.format, got, tt.want)
		}
		rec.Close()
	}
	if _, err := NewRecorderAs(filepath.Join(dir, "x"), "xml", "1", nil); err == nil {
		t.Error("an unknown format was taken")
	}
}

var _ harFile = (*fullDisk)(nil)
