package inspector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// Replayer sends a delivery again with the engine of `whk replay` (delivery.Replay):
// re-signed with a fresh signature, or byte for byte.
type Replayer struct {
	Catalog *catalog.Catalog
	// Signer says how p's deliveries are signed, as whk replay resolves it; with keep
	// the delivery goes byte for byte and only CM.com Sign's redacted token is re-added.
	// A note (which test key signed) goes to the status line.
	Signer    func(p *catalog.Provider, keep bool) (sg delivery.Signer, note string, err error)
	Timeout   time.Duration
	Transport http.RoundTripper // nil: one keep-alive transport of its own
	Now       func() time.Time

	once sync.Once
}

// Replay sends r to url once, with body instead of the recorded one when body is not
// nil (an edit). Ids and timestamps are kept, as a provider's retry keeps them; the
// signature is made afresh unless keep.
func (rp *Replayer) Replay(ctx context.Context, r *record.Record, body []byte, url string, keep bool) (delivery.Result, string, error) {
	it := delivery.RecordItem(rp.Catalog, "inspector", r)
	if body != nil {
		it.Body = body
	}
	if it.Err != nil {
		return delivery.Result{}, "", it.Err
	}
	sg, note, err := rp.Signer(it.Provider, keep)
	if err != nil {
		return delivery.Result{}, "", err
	}
	rp.once.Do(func() {
		if rp.Transport == nil {
			rp.Transport = delivery.NewTransport(1)
		}
	})
	var res delivery.Result
	_, err = delivery.Replay(ctx, delivery.ReplayOptions{
		Items: []delivery.Item{it}, Poster: &delivery.Poster{Transport: rp.Transport, URL: url, Timeout: rp.Timeout, Now: rp.Now},
		Signers: map[string]delivery.Signer{it.Provider.ID: sg}, KeepIDs: true, KeepSignature: keep, Now: rp.Now,
	}, func(r delivery.Result) { res = r })
	if err == nil {
		err = res.Err
	}
	return res, note, err
}

// replayedMsg is a replay's outcome, back from the command that sent it.
type replayedMsg struct {
	rec    int
	url    string
	how    string // "re-signed", "byte for byte", "edited, re-signed"
	res    delivery.Result
	note   string
	err    error
	sentAt time.Time
}

// target is where r is sent again: --to, else its forward target (listen --ui).
func (m *Model) target(r *record.Record) string {
	if m.opt.Target != "" {
		return m.opt.Target
	}
	if m.opt.ForwardTo != nil {
		return m.opt.ForwardTo(r)
	}
	return ""
}

// copyTarget is the URL copied commands send r to: the replay target, else listen's
// default address with the recorded path.
func (m *Model) copyTarget(r *record.Record) string {
	if t := m.target(r); t != "" {
		return t
	}
	return DefaultTarget + r.Path
}

// replay sends delivery i again (body nil: as recorded) and says so in the status line;
// the outcome arrives as a replayedMsg.
func (m *Model) replay(i int, body []byte, how string) tea.Cmd {
	r := m.recs[i]
	url := m.target(r)
	switch {
	case m.opt.Replayer == nil:
		m.status = "replaying is not set up here"
		return nil
	case url == "":
		m.status = "nowhere to send #" + itoa(i+1) + ": pass --to URL (or listen --forward-to)"
		return nil
	}
	m.status = "sending #" + itoa(i+1) + " " + how + " to " + render.SafeText(url) + " …"
	rp, keep := m.opt.Replayer, how == howKept
	return func() tea.Msg {
		now := time.Now
		if rp.Now != nil {
			now = rp.Now
		}
		msg := replayedMsg{rec: i, url: url, how: how, sentAt: now()}
		msg.res, msg.note, msg.err = rp.Replay(context.Background(), r, body, url, keep)
		return msg
	}
}

const (
	howSigned = "re-signed"
	howKept   = "byte for byte"
	howEdited = "edited, re-signed"
)

// replayed shows a replay's outcome in the status line and in the delivery's detail.
func (m *Model) replayed(msg replayedMsg) {
	var s string
	if msg.err != nil {
		s = "not sent: " + render.SafeText(msg.err.Error())
	} else {
		a := msg.res.Attempt
		s = msg.res.Outcome() + " in " + strconv.FormatFloat(float64(a.Duration.Microseconds())/1000, 'f', 1, 64) + " ms"
		if a.Status == 0 && a.Err != nil {
			s = string(a.Kind) + " after " + strings.TrimPrefix(s, msg.res.Outcome()+" in ")
		}
	}
	to := ", to " + render.SafeText(msg.url)
	m.replays[msg.rec] = s + ", " + msg.how + to + " at " + msg.sentAt.In(m.opt.Location).Format("15:04:05")
	m.status = "#" + itoa(msg.rec+1) + " sent again, " + msg.how + ": " + s + to
	if msg.note != "" {
		m.status += "; " + render.SafeText(msg.note)
	}
	if m.pane != nil && m.pane.kind == paneDetail && m.pane.rec == msg.rec {
		m.replace(m.detailPane(msg.rec))
	}
}

// editedMsg is the body the editor left, back from $EDITOR.
type editedMsg struct {
	rec        int
	body, orig []byte // orig: what the editor was given
	err        error
}

// edit opens delivery i's body in $VISUAL or $EDITOR (vi when neither is set), in a
// file of its own (0600, in a fresh temporary directory removed afterwards); the
// edited body is re-signed and sent.
func (m *Model) edit(i int) tea.Cmd {
	r := m.recs[i]
	if m.target(r) == "" || m.opt.Replayer == nil {
		return m.replay(i, nil, howEdited) // says why nothing can be sent
	}
	dir, err := os.MkdirTemp("", "whk-edit-")
	if err != nil {
		m.status = "cannot edit: " + render.SafeText(err.Error())
		return nil
	}
	path := filepath.Join(dir, "body.json")
	// JSON opens indented, one member a line, for the editor; the bytes sent are the
	// file's as the editor leaves them.
	var pretty bytes.Buffer
	if json.Indent(&pretty, r.Body, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(r.Body)
	}
	pretty.WriteByte('\n')
	if err := os.WriteFile(path, pretty.Bytes(), 0o600); err != nil {
		os.RemoveAll(dir)
		m.status = "cannot edit: " + render.SafeText(err.Error())
		return nil
	}
	words := strings.Fields(editor())
	cmd := exec.Command(words[0], append(words[1:], path)...)
	return m.exec(cmd, func(err error) tea.Msg {
		defer os.RemoveAll(dir)
		msg := editedMsg{rec: i, err: err, orig: pretty.Bytes()}
		if err == nil {
			msg.body, msg.err = os.ReadFile(path)
		}
		return msg
	})
}

// editor is the user's editor command line.
func editor() string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := strings.TrimSpace(os.Getenv(v)); e != "" {
			return e
		}
	}
	return "vi"
}

// edited sends the edited body, unless the edit left it unchanged or empty.
func (m *Model) edited(msg editedMsg) tea.Cmd {
	body := bytes.TrimRight(msg.body, " \t\r\n")
	switch {
	case msg.err != nil:
		var ee *exec.ExitError
		if errors.As(msg.err, &ee) {
			m.status = "the editor failed (" + render.SafeText(msg.err.Error()) + "): nothing sent"
		} else {
			m.status = "cannot edit: " + render.SafeText(msg.err.Error())
		}
		return nil
	case len(bytes.TrimSpace(body)) == 0:
		m.status = "the edited body is empty: nothing sent"
		return nil
	case bytes.Equal(body, bytes.TrimRight(msg.orig, " \t\r\n")):
		m.status = "the body is unchanged: nothing sent"
		return nil
	}
	return m.replay(msg.rec, body, howEdited)
}
