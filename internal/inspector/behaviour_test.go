package inspector

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/whk-cli/whk/internal/record"
)

func shownIDs(m *Model) []string {
	var ids []string
	for _, i := range m.shown {
		ids = append(ids, m.recs[i].Provider+" "+m.recs[i].Type)
	}
	return ids
}

func TestFilterWords(t *testing.T) {
	cases := []struct {
		name, filter string
		want         []string
	}{
		{"type glob", "review.*", []string{"clment review.completed", "clment review.completed"}},
		{"provider", "cm-sign", []string{"cm-sign dossier.completed"}},
		{"verdict word on signature or schema", "invalid", []string{"contract-as-code contract.signed", "cm-sign dossier.completed"}},
		{"unsigned", "unsigned", []string{"standard-webhooks invoice.paid"}},
		{"unknown type", "unknown-type", []string{"oneflow contract:frobnicated"}},
		{"duplicate", "duplicate", []string{"clment review.completed"}},
		{"words must all match", "clment dup", []string{"clment review.completed"}},
		{"part of an id", "lac_", []string{"contract-as-code contract.signed"}},
		{"case does not matter", "CLMENT", []string{"clment review.completed", "clment review.completed"}},
		{"nothing", "zzz", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, 80, 24, sample())
			press(m, "/")
			typeText(m, c.filter)
			press(m, "enter")
			if got := shownIDs(m); !reflect.DeepEqual(got, c.want) {
				t.Errorf("filter %q shows %v, want %v", c.filter, got, c.want)
			}
		})
	}
}

func TestFilterEscClears(t *testing.T) {
	m := newModel(t, 80, 24, sample())
	press(m, "/")
	typeText(m, "cm-sign")
	press(m, "enter")
	if len(m.shown) != 1 {
		t.Fatalf("filter shows %d rows, want 1", len(m.shown))
	}
	press(m, "esc")
	if len(m.shown) != 6 || m.filter != "" {
		t.Errorf("esc left filter %q and %d rows, want none and 6", m.filter, len(m.shown))
	}
}

func TestListNewestLastAndCursorOnNewest(t *testing.T) {
	recs := sample()
	reversed := []*record.Record{recs[5], recs[4], recs[3], recs[2], recs[1], recs[0]}
	m := newModel(t, 80, 24, reversed)
	for i := 1; i < len(m.recs); i++ {
		if m.recs[i].ReceivedAt.Before(m.recs[i-1].ReceivedAt) {
			t.Fatalf("row %d arrived before row %d", i+1, i)
		}
	}
	if i, _ := m.selected(); m.recs[i] != recs[5] {
		t.Errorf("cursor on %s, want the newest delivery", m.recs[i].Type)
	}
}

func TestSaveWritesARecordReplayCanRead(t *testing.T) {
	dir := t.TempDir()
	m := New(sample(), Options{SaveDir: dir, Location: time.UTC})
	press(m, "home", "s", "s")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 2 {
		t.Fatalf("saving twice wrote %v, want two files (never over the first)", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := record.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want := m.recs[0]
		if !reflect.DeepEqual(got.Body, want.Body) || got.ID != want.ID || got.Headers.Get("X-Clment-Signature") != want.Headers.Get("X-Clment-Signature") {
			t.Errorf("%s reads back as %+v, want %+v", f, got, want)
		}
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	if !strings.HasPrefix(m.status, "saved #1 as ") {
		t.Errorf("status %q does not say what was saved", m.status)
	}
}

func TestSaveNamesStayInTheDirectory(t *testing.T) {
	dir := t.TempDir()
	r := sample()[0]
	r.Provider, r.Type, r.ID = "../../x", "..", "a/b\x00c"
	name, err := Save(r, dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(name, "/\x00") || strings.Contains(name, "..") {
		t.Errorf("file name %q escapes or is unportable", name)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Error(err)
	}
}

func TestShellQuoteRoundTrip(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to check $'…' quoting:", err)
	}
	for _, s := range []string{
		"plain", "", "with space", "it's", `back\slash`, "new\nline", "esc\x1b[2J", `{"a":"b c"}`, "tab\there", "ünïcode",
	} {
		out, err := exec.Command(bash, "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("%q quoted as %s: %v", s, shellQuote(s), err)
		}
		if string(out) != s {
			t.Errorf("%q quoted as %s reads back as %q", s, shellQuote(s), out)
		}
	}
}

func TestCurlCommand(t *testing.T) {
	r := sample()[0]
	r.Headers.Set("Content-Length", "99")
	got := CurlCommand(r, "http://localhost:3000/hooks")
	want := `curl -X POST http://localhost:3000/hooks -H 'Content-Type: application/json' -H 'User-Agent: clment-webhooks/1.0' -H 'X-Clment-Signature: sha256=4f1c0d9e' --data-binary '` + string(r.Body) + `'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCopyPrintsTheLastCommandWhole(t *testing.T) {
	m := newModel(t, 80, 24, sample())
	press(m, "home", "c", "c")
	if want := SendCommand(m.recs[0], DefaultTarget+"/hooks"); m.Copied() != want {
		t.Errorf("Copied() = %q, want %q", m.Copied(), want)
	}
}

func TestLineDiff(t *testing.T) {
	cases := []struct {
		name string
		a, b []string
		want []string
	}{
		{"equal is empty", []string{"x", "y"}, []string{"x", "y"}, nil},
		{"changed line", []string{"a", "b", "c"}, []string{"a", "B", "c"}, []string{"  a", "- b", "+ B", "  c"}},
		{"added at end", []string{"a"}, []string{"a", "b"}, []string{"  a", "+ b"}},
		{"removed at start", []string{"a", "b"}, []string{"b"}, []string{"- a", "  b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := texts(nil)
			for _, l := range lineDiff(c.a, c.b) {
				got = append(got, l.text)
			}
			if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestPrettyBodyMarksErrorPointers(t *testing.T) {
	lines, ok := prettyBody([]byte(`{"a":{"b/c":[1,{"d":2}]}}`), map[string][]string{"/a/b~1c/1/d": {"too big"}, "": {"root problem"}})
	if !ok {
		t.Fatal("valid JSON reported as not JSON")
	}
	var marked []string
	for _, l := range lines {
		if strings.HasPrefix(l.text, "!") {
			marked = append(marked, l.text)
		}
	}
	want := []string{"! {  ◀ root problem", `!         "d": 2  ◀ too big`}
	if !reflect.DeepEqual(marked, want) {
		t.Errorf("marked %q, want %q", marked, want)
	}
}

func TestResizeKeepsCursorVisible(t *testing.T) {
	m := newModel(t, 120, 40, manyRecords(100))
	press(m, "home")
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	press(m, "pgdown", "pgdown")
	if m.cur < m.top || m.cur >= m.top+m.rows() {
		t.Errorf("cursor %d outside the visible rows %d..%d", m.cur, m.top, m.top+m.rows()-1)
	}
	if !strings.Contains(m.View(), "> ") {
		t.Error("the cursor row is not on screen")
	}
}

func manyRecords(n int) []*record.Record {
	base := sample()
	recs := make([]*record.Record, n)
	for i := range recs {
		r := *base[i%len(base)]
		r.ReceivedAt = t0.Add(time.Duration(i) * time.Millisecond)
		recs[i] = &r
	}
	return recs
}

// BenchmarkListView10k renders one frame of a 10,000-delivery list: only the visible
// rows are built, so the cost does not grow with the number of deliveries.
func BenchmarkListView10k(b *testing.B) {
	m := New(manyRecords(10000), Options{Location: time.UTC, Colour: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(key("up"))
		_ = m.View()
	}
}

func TestKeysTypedFastCountOneByOne(t *testing.T) {
	m := newModel(t, 80, 24, sample())
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kk")})
	if m.cur != 3 {
		t.Errorf("kk in one message left the cursor on row %d, want 3 (two up from 5)", m.cur)
	}
	m.Update(key("enter"))
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("qq")}); m.pane != nil || cmd == nil || cmd() != tea.Quit() {
		t.Errorf("qq in one message did not close the detail and quit")
	}
}
