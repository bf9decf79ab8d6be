// Package inspector is the interactive view over recorded deliveries behind
// `whk inspect`: a list of deliveries, a detail pane, a filter, a diff of two
// deliveries, and actions that copy a delivery as a command or save it as a record.
// It is a Bubble Tea model: Update takes key and size messages, View renders a frame,
// and neither touches the terminal, so tests drive it directly.
package inspector

import (
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// Options are the choices the command makes for the model.
type Options struct {
	// Colour is the iostreams decision (TTY, NO_COLOR, --no-color).
	Colour bool
	// SaveDir is where `s` writes record files.
	SaveDir string
	// Target is --to: where r and e send and where the commands c shows post to. Empty:
	// the delivery's forward target; c then falls back on listen's default address
	// with the recorded path.
	Target string
	// ForwardTo is the target listen --forward-to (or a route) relays a delivery to;
	// nil over recordings, which do not name it.
	ForwardTo func(*record.Record) string
	// Replayer sends deliveries again for r, R and e; nil: those keys say so.
	Replayer *Replayer
	// Title names the view in the list's title: "whk inspect" (default), "whk listen".
	Title string
	// Location is the time zone of the list's times (time.Local when nil).
	Location *time.Location
}

// DefaultTarget is where copied commands send when there is no target: listen's
// default address (with the recorded path).
const DefaultTarget = "http://127.0.0.1:8080"

type paneKind int

const (
	paneDetail paneKind = iota + 1
	paneDiff
	paneHelp
	paneCopy
)

// pane is a scrollable full-screen text: a delivery's detail, a diff, help, a command.
type pane struct {
	kind   paneKind
	rec    int // the delivery shown (detail, copy)
	title  string
	lines  []line
	scroll int
	prev   *pane // what esc returns to; nil: the list
}

// Model is the inspector's state.
type Model struct {
	opt  Options
	st   styles
	recs []*record.Record // oldest first, as the list shows them

	shown     []int // indexes into recs that pass the filter
	cur, top  int   // cursor and first visible row, as indexes into shown
	w, h      int
	filter    string
	filtering bool
	mark      int // delivery marked for a diff, or -1
	raw       bool
	copyForm  int    // 0 curl, 1 whk send
	copied    string // the last command c showed
	status    string
	url       string         // where listen --ui receives
	replays   map[int]string // the last replay of a delivery, for its detail

	// exec runs the editor; tests run it without a terminal.
	exec func(*exec.Cmd, tea.ExecCallback) tea.Cmd

	pane    *pane
	wrapped []line // pane.lines wrapped at the width
}

// New returns a model over recs, sorted by the time they arrived (newest last), with the
// cursor on the newest.
func New(recs []*record.Record, opt Options) *Model {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Title == "" {
		opt.Title = "whk inspect"
	}
	if opt.SaveDir == "" {
		opt.SaveDir = "."
	}
	sorted := append([]*record.Record(nil), recs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ReceivedAt.Before(sorted[j].ReceivedAt) })
	m := &Model{opt: opt, st: newStyles(opt.Colour), recs: sorted, w: 80, h: 24, mark: -1,
		replays: map[int]string{}, exec: tea.ExecProcess}
	m.applyFilter()
	return m
}

// Init starts nothing: recordings are read before the program starts, and listen
// sends its deliveries as messages.
func (m *Model) Init() tea.Cmd { return nil }

// Delivered adds a delivery listen received: newest last, live.
type Delivered struct{ Record *record.Record }

// Listening says where listen receives (shown in the title) and what it has to say
// about its keys (shown in the status line).
type Listening struct {
	URL   string
	Notes []string
}

// Notice is a line for the status line: a request listen rejected, a record not written.
type Notice string

// add appends a live delivery; the cursor follows when it was on the newest row.
func (m *Model) add(r *record.Record) {
	follow := len(m.shown) == 0 || m.cur == len(m.shown)-1
	m.recs = append(m.recs, r)
	if parseFilter(m.filter).match(r) {
		m.shown = append(m.shown, len(m.recs)-1)
		if follow {
			m.cur = len(m.shown) - 1
		}
		m.follow()
	}
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case Delivered:
		m.add(msg.Record)
	case Listening:
		m.url = msg.URL
		m.status = render.SafeText(strings.Join(msg.Notes, "; "))
	case Notice:
		m.status = render.SafeText(string(msg))
	case replayedMsg:
		m.replayed(msg)
	case editedMsg:
		return m, m.edited(msg)
	case tea.WindowSizeMsg:
		m.w, m.h = max(msg.Width, 20), max(msg.Height, 6)
		m.follow()
		m.rewrap()
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			return m, tea.Quit
		}
		if m.filtering {
			m.filterKey(msg)
			return m, nil
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m, m.eachKey(msg.Runes)
		}
		m.status = ""
		if m.pane != nil {
			return m, m.paneKey(msg.String())
		}
		return m, m.listKey(msg.String())
	}
	return m, nil
}

// eachKey handles keys typed faster than the terminal is read ("qq" arrives as one
// message) one at a time, as they were typed.
func (m *Model) eachKey(keys []rune) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range keys {
		if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	switch len(cmds) {
	case 0:
		return nil
	case 1:
		return cmds[0]
	}
	return tea.Sequence(cmds...)
}

func (m *Model) rows() int { return m.h - 3 }

func (m *Model) listKey(k string) tea.Cmd {
	switch k {
	case "q":
		return tea.Quit
	case "up", "k":
		m.move(-1)
	case "down", "j":
		m.move(1)
	case "pgup", "ctrl+b":
		m.move(-m.rows())
	case "pgdown", "ctrl+f", " ":
		m.move(m.rows())
	case "home", "g":
		m.move(-len(m.shown))
	case "end", "G":
		m.move(len(m.shown))
	case "/":
		m.filtering = true
	case "esc":
		if m.filter != "" {
			m.filter = ""
			m.applyFilter()
		}
	case "enter", "right", "l", "d", "c", "s", "r", "R", "e":
		i, ok := m.selected()
		if !ok {
			break
		}
		switch k {
		case "r", "R", "e":
			return m.sendKey(k, i)
		case "d":
			m.diffKey(i)
		case "c":
			m.open(m.copyPane(i))
		case "s":
			m.save(i)
		default:
			m.open(m.detailPane(i))
		}
	case "?":
		m.open(helpPane())
	}
	return nil
}

func (m *Model) paneKey(k string) tea.Cmd {
	p := m.pane
	page := m.h - 2
	switch k {
	case "esc", "q", "backspace", "left", "h":
		m.pane = p.prev
		m.rewrap()
	case "up", "k":
		m.scroll(-1)
	case "down", "j":
		m.scroll(1)
	case "pgup", "ctrl+b":
		m.scroll(-page)
	case "pgdown", "ctrl+f", " ":
		m.scroll(page)
	case "home", "g":
		m.scroll(-len(m.wrapped))
	case "end", "G":
		m.scroll(len(m.wrapped))
	case "?":
		if p.kind != paneHelp {
			m.open(helpPane())
		}
	case "b":
		if p.kind == paneDetail {
			m.raw = !m.raw
			m.replace(m.detailPane(p.rec))
		}
	case "c":
		switch p.kind {
		case paneDetail:
			m.open(m.copyPane(p.rec))
		case paneCopy:
			m.copyForm = 1 - m.copyForm
			m.replace(m.copyPane(p.rec))
		}
	case "s":
		if p.kind == paneDetail || p.kind == paneCopy {
			m.save(p.rec)
		}
	case "r", "R", "e":
		if p.kind == paneDetail || p.kind == paneCopy {
			return m.sendKey(k, p.rec)
		}
	case "d":
		if p.kind == paneDetail {
			m.diffKey(p.rec)
		}
	}
	return nil
}

// sendKey runs r (replay re-signed), R (byte for byte) and e (edit, then send).
func (m *Model) sendKey(k string, i int) tea.Cmd {
	switch k {
	case "r":
		return m.replay(i, nil, howSigned)
	case "R":
		return m.replay(i, nil, howKept)
	case "e":
		return m.edit(i)
	}
	return nil
}

// open shows p over what is on screen; esc comes back.
func (m *Model) open(p *pane) {
	p.prev = m.pane
	m.pane = p
	m.rewrap()
}

// replace swaps the pane on screen for p, keeping where esc goes and the scroll.
func (m *Model) replace(p *pane) {
	p.prev, p.scroll = m.pane.prev, m.pane.scroll
	m.pane = p
	m.rewrap()
}

func (m *Model) rewrap() {
	if m.pane == nil {
		m.wrapped = nil
		return
	}
	m.wrapped = wrapLines(m.pane.lines, m.w)
	m.scroll(0)
}

func (m *Model) scroll(n int) {
	p := m.pane
	p.scroll = min(max(p.scroll+n, 0), max(len(m.wrapped)-(m.h-2), 0))
}

func (m *Model) move(n int) {
	m.cur = min(max(m.cur+n, 0), max(len(m.shown)-1, 0))
	m.follow()
}

// follow scrolls the list so the cursor row is visible.
func (m *Model) follow() {
	rows := m.rows()
	if m.cur < m.top {
		m.top = m.cur
	}
	if m.cur >= m.top+rows {
		m.top = m.cur - rows + 1
	}
	m.top = max(min(m.top, len(m.shown)-rows), 0)
}

func (m *Model) selected() (int, bool) {
	if len(m.shown) == 0 {
		return 0, false
	}
	return m.shown[m.cur], true
}

// diffKey marks the first delivery of a diff, or diffs the marked one against i.
func (m *Model) diffKey(i int) {
	switch {
	case m.mark < 0:
		m.mark = i
		m.status = "marked #" + itoa(i+1) + " for a diff: press d on another delivery"
	case m.mark == i:
		m.mark = -1
		m.status = "diff mark cleared"
	default:
		a := m.mark
		m.mark = -1
		m.open(m.diffPane(a, i))
	}
}

func (m *Model) filterKey(k tea.KeyMsg) {
	switch k.Type {
	case tea.KeyEnter:
		m.filtering = false
	case tea.KeyEsc:
		m.filtering = false
		m.filter = ""
	case tea.KeyBackspace:
		if r := []rune(m.filter); len(r) > 0 {
			m.filter = string(r[:len(r)-1])
		}
	case tea.KeyRunes, tea.KeySpace:
		m.filter += string(k.Runes)
	default:
		return
	}
	m.applyFilter()
}

// applyFilter recomputes the rows that pass the filter and puts the cursor on the
// newest of them.
func (m *Model) applyFilter() {
	f := parseFilter(m.filter)
	m.shown = m.shown[:0]
	for i, r := range m.recs {
		if f.match(r) {
			m.shown = append(m.shown, i)
		}
	}
	m.cur = max(len(m.shown)-1, 0)
	m.follow()
}

// View renders the frame: exactly h lines, none wider than w.
func (m *Model) View() string {
	if m.pane != nil {
		return m.paneView()
	}
	return m.listView()
}

func (m *Model) footer(hints string) string {
	switch {
	case m.filtering:
		return fit("/"+render.SafeText(m.filter)+"_", m.w)
	case m.status != "":
		return m.st.status.paint(fit(m.status, m.w))
	}
	return m.st.dim.paint(fit(hints, m.w))
}

func (m *Model) paneView() string {
	p := m.pane
	var b strings.Builder
	b.Grow((m.w + 1) * m.h)
	b.WriteString(m.st.title.paint(fit(p.title, m.w)))
	b.WriteByte('\n')
	body := m.h - 2
	for i := 0; i < body; i++ {
		if j := p.scroll + i; j < len(m.wrapped) {
			b.WriteString(m.st.line(m.wrapped[j]))
		}
		b.WriteByte('\n')
	}
	hints := "↑↓ scroll  esc back  ? help"
	switch p.kind {
	case paneDetail:
		hints = "↑↓ scroll  b raw  r/R replay  e edit  c copy  s save  d diff  esc back"
	case paneCopy:
		hints = "c other form  s save  esc back  (select the text to copy it)"
	}
	if n := len(m.wrapped); n > body {
		hints += "  " + itoa(min(p.scroll+body, n)) + "/" + itoa(n)
	}
	b.WriteString(m.footer(hints))
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
