package inspector

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// target is a local receiver that keeps what it was sent and answers 202.
type target struct {
	*httptest.Server
	mu   sync.Mutex
	got  []*http.Request
	body [][]byte
}

func newTarget(t *testing.T) *target {
	tg := &target{}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		tg.got, tg.body = append(tg.got, r), append(tg.body, b)
		tg.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) requests() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return len(tg.got)
}

var secret = []byte("inspector-test-secret")

// replayModel is a model over one clment delivery, signed with secret as clment signs,
// whose replays go to url.
func replayModel(t *testing.T, url string) (*Model, *catalog.Provider) {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Provider("clment")
	if err != nil {
		t.Fatal(err)
	}
	scheme, err := signing.For(p, "")
	if err != nil {
		t.Fatal(err)
	}
	r := rec(0, "clment", "review.completed", "evt_8f3a", `{"id":"evt_8f3a","type":"review.completed","data":{"review":{"id":"rev_1","status":"completed"}}}`)
	r.Headers.Set("X-Clment-Signature", "sha256=recorded-not-valid")
	rp := &Replayer{
		Catalog: c,
		Signer: func(p *catalog.Provider, keep bool) (delivery.Signer, string, error) {
			return delivery.Signer{Scheme: scheme, Keys: signing.Keys{Secret: secret}}, "", nil
		},
		Now: func() time.Time { return t0.Add(time.Minute) },
	}
	m := New([]*record.Record{r}, Options{SaveDir: t.TempDir(), Location: time.UTC, Target: url, Replayer: rp})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	// The editor runs here without a terminal; Bubble Tea would release it first.
	m.exec = func(c *exec.Cmd, done tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return done(c.Run()) }
	}
	return m, p
}

// drive sends msgs and runs the commands they return, as the program would, until
// none is left.
func drive(m *Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		for cmd != nil {
			_, cmd = m.Update(cmd())
		}
	}
}

// stable hides the measured time and the test server's port in a frame.
func stable(frame string) string {
	frame = regexp.MustCompile(`\d+\.\d ms`).ReplaceAllString(frame, "N ms")
	return regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(frame, "127.0.0.1:PORT")
}

func TestReplayReSignsWithTheGivenSecret(t *testing.T) {
	tg := newTarget(t)
	m, p := replayModel(t, tg.URL+"/hooks")
	drive(m, key("r"))
	if tg.requests() != 1 {
		t.Fatalf("r sent %d requests, want 1", tg.requests())
	}
	got, body := tg.got[0], tg.body[0]
	if got.URL.Path != "/hooks" {
		t.Errorf("sent to %s, want the --to URL's path /hooks", got.URL.Path)
	}
	scheme, _ := signing.For(p, "")
	res, err := scheme.Verify(body, got.Header, signing.Keys{Secret: secret}, signing.VerifyOptions{Now: time.Now()})
	if err != nil || !res.Valid {
		t.Errorf("the replay's signature does not verify with the secret: %+v %v", res, err)
	}
	if got.Header.Get("X-Clment-Signature") == "sha256=recorded-not-valid" {
		t.Error("r sent the recorded signature, want a fresh one")
	}
	if !strings.Contains(string(body), `"id":"evt_8f3a"`) {
		t.Errorf("the replay lost the delivery id: %s", body)
	}
	if !strings.HasPrefix(m.status, "#1 sent again, re-signed: 202 in ") {
		t.Errorf("status %q does not give the answer and its time", m.status)
	}
	checkFrame(t, "replay", 80, 24, stable(m.View()))
	press(m, "enter")
	checkFrame(t, "replay-detail", 80, 24, stable(m.View()))
}

func TestReplayByteForByte(t *testing.T) {
	tg := newTarget(t)
	m, _ := replayModel(t, tg.URL)
	drive(m, key("R"))
	if tg.requests() != 1 {
		t.Fatalf("R sent %d requests, want 1", tg.requests())
	}
	want := m.recs[0]
	if string(tg.body[0]) != string(want.Body) {
		t.Errorf("R sent body %s, want the recorded %s", tg.body[0], want.Body)
	}
	if got := tg.got[0].Header.Get("X-Clment-Signature"); got != "sha256=recorded-not-valid" {
		t.Errorf("R sent signature %q, want the recorded one", got)
	}
	if !strings.HasPrefix(m.status, "#1 sent again, byte for byte: 202 in ") || !strings.HasSuffix(m.status, ", to "+tg.URL) {
		t.Errorf("status %q does not say how and where it was sent", m.status)
	}
}

func TestReplayFromTheDetailRedrawsIt(t *testing.T) {
	tg := newTarget(t)
	m, _ := replayModel(t, tg.URL)
	drive(m, key("enter"), key("r"))
	if !strings.Contains(m.View(), "sent again 202 in ") {
		t.Errorf("the detail does not show the replay:\n%s", m.View())
	}
}

func TestReplayWithoutATargetSendsNothing(t *testing.T) {
	m, _ := replayModel(t, "")
	drive(m, key("r"))
	if !strings.HasPrefix(m.status, "nowhere to send #1: pass --to URL") {
		t.Errorf("status %q does not say where to send", m.status)
	}
}

func TestReplayToNobodySaysWhy(t *testing.T) {
	tg := newTarget(t)
	tg.Close()
	m, _ := replayModel(t, tg.URL)
	drive(m, key("r"))
	if !strings.HasPrefix(m.status, "#1 sent again, re-signed: connection refused after ") {
		t.Errorf("status %q does not say the connection was refused", m.status)
	}
}

// editorScript writes an $EDITOR that runs sh code on the file ($1), noting the file's
// mode and path in a file beside the script.
func editorScript(t *testing.T, code string) (note string) {
	t.Helper()
	dir := t.TempDir()
	note = filepath.Join(dir, "note")
	script := filepath.Join(dir, "editor")
	body := "#!/bin/sh\nstat -c '%a %n' \"$1\" > " + note + "\n" + code + "\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", script)
	return note
}

func TestEditSendsTheEditedBodyReSigned(t *testing.T) {
	tg := newTarget(t)
	m, p := replayModel(t, tg.URL)
	note := editorScript(t, `sed -i 's/"completed"/"reopened"/' "$1"`)
	drive(m, key("e"))
	if tg.requests() != 1 {
		t.Fatalf("e sent %d requests, want 1 (status %q)", tg.requests(), m.status)
	}
	body := tg.body[0]
	if !strings.Contains(string(body), `"status": "reopened"`) {
		t.Errorf("e sent %s, want the edited body", body)
	}
	scheme, _ := signing.For(p, "")
	if res, err := scheme.Verify(body, tg.got[0].Header, signing.Keys{Secret: secret}, signing.VerifyOptions{Now: time.Now()}); err != nil || !res.Valid {
		t.Errorf("the edited body's signature does not verify: %+v %v", res, err)
	}
	if !strings.HasPrefix(m.status, "#1 sent again, edited, re-signed: 202 in ") {
		t.Errorf("status %q does not say the body was edited", m.status)
	}
	seen, err := os.ReadFile(note)
	if err != nil {
		t.Fatal(err)
	}
	mode, path, _ := strings.Cut(strings.TrimSpace(string(seen)), " ")
	if mode != "600" {
		t.Errorf("the editor got a file of mode %s, want 600", mode)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("the edit's directory %s is still there (%v)", filepath.Dir(path), err)
	}
}

func TestEditThatChangesNothingSendsNothing(t *testing.T) {
	cases := []struct {
		name, code, status string
	}{
		{"unchanged", "true", "the body is unchanged: nothing sent"},
		{"emptied", `: > "$1"`, "the edited body is empty: nothing sent"},
		{"editor fails", "exit 3", "the editor failed (exit status 3): nothing sent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := newTarget(t)
			m, _ := replayModel(t, tg.URL)
			editorScript(t, c.code)
			drive(m, key("e"))
			if tg.requests() != 0 {
				t.Errorf("sent %d requests, want none", tg.requests())
			}
			if m.status != c.status {
				t.Errorf("status %q, want %q", m.status, c.status)
			}
		})
	}
}

func TestLiveDeliveriesAppendAndTheCursorFollows(t *testing.T) {
	m := New(nil, Options{Location: time.UTC, Title: "whk listen"})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(m, Listening{URL: "http://127.0.0.1:8080/", Notes: []string{"no secret given: signatures are unchecked"}})
	checkFrame(t, "live-empty", 80, 24, m.View())
	recs := sample()
	for _, r := range recs[:3] {
		drive(m, Delivered{r})
	}
	if i, _ := m.selected(); m.recs[i] != recs[2] {
		t.Errorf("cursor on %s, want the newest delivery", m.recs[i].ID)
	}
	checkFrame(t, "live", 80, 24, m.View())
	press(m, "up")
	drive(m, Delivered{recs[3]})
	if i, _ := m.selected(); m.recs[i] != recs[1] {
		t.Errorf("a new delivery moved the cursor off the row the user chose, to %s", m.recs[i].ID)
	}
	press(m, "/")
	typeText(m, "invalid")
	press(m, "enter")
	drive(m, Delivered{recs[4]}, Delivered{recs[5]})
	if got := shownIDs(m); len(got) != 2 || len(m.recs) != 6 {
		t.Errorf("with the filter, %d deliveries and rows %v; want 6 and the two invalid ones", len(m.recs), got)
	}
}

func TestLiveListScalesTo10k(t *testing.T) {
	m := New(nil, Options{Location: time.UTC})
	for _, r := range manyRecords(10000) {
		m.Update(Delivered{r})
	}
	if len(m.recs) != 10000 || len(m.shown) != 10000 || m.cur != 9999 {
		t.Errorf("%d deliveries, %d rows, cursor %d; want 10000, 10000, 9999", len(m.recs), len(m.shown), m.cur)
	}
}
