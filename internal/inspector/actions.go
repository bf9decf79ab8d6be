package inspector

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/whk-cli/whk/internal/atomicfile"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// copyPane shows the delivery as a command to paste: curl sends the recorded request
// byte for byte; the whk send line re-signs the body with the secret of the shell it
// runs in. The inspector never touches the system clipboard.
func (m *Model) copyPane(i int) *pane {
	form, groupsOf := " as a curl command (c: as whk send)", curlGroups
	if m.copyForm == 1 {
		form, groupsOf = " as a whk send line (c: as curl)", sendGroups
	}
	r, p := m.deliveryPane(paneCopy, i, form)
	groups := groupsOf(r, m.copyTarget(r))
	m.copied = strings.Join(groups, " ")
	for i, g := range groups {
		if i > 0 {
			g = "  " + g
		}
		if i < len(groups)-1 {
			g += " \\"
		}
		p.lines = append(p.lines, line{plain, render.SafeText(g)})
	}
	p.lines = append(p.lines, line{plain, ""}, line{faint, "whk inspect prints the last command shown here when it quits."})
	return p
}

// Copied is the last command `c` showed, for the command to print when the UI quits;
// empty when c was not used. Control characters are already quoted as $'\xNN'; C1
// controls and bidi overrides from the recording come back escaped, as on screen.
func (m *Model) Copied() string { return render.SafeText(m.copied) }

// skipHeaders are set by curl or the transport, or would be wrong for a resent body.
var skipHeaders = map[string]bool{
	"Content-Length": true, "Host": true, "Connection": true, "Accept-Encoding": true,
}

// CurlCommand is a curl command line that POSTs r's headers and raw body to url.
func CurlCommand(r *record.Record, url string) string {
	return strings.Join(curlGroups(r, url), " ")
}

// curlGroups are CurlCommand's words, quoted, one option with its value to a group, so
// the pane can show one group a line with shell continuations.
func curlGroups(r *record.Record, url string) []string {
	method := r.Method
	if method == "" {
		method = "POST"
	}
	groups := []string{"curl -X " + shellQuote(method) + " " + shellQuote(url)}
	names := make([]string, 0, len(r.Headers))
	for n := range r.Headers {
		if !skipHeaders[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range r.Headers[n] {
			groups = append(groups, "-H "+shellQuote(n+": "+v))
		}
	}
	return append(groups, "--data-binary "+shellQuote(string(r.Body)))
}

// SendCommand is a `whk send` line that sends r's body as its event to url, signed
// afresh with the secret of the shell it runs in.
func SendCommand(r *record.Record, url string) string {
	return strings.Join(sendGroups(r, url), " ")
}

func sendGroups(r *record.Record, url string) []string {
	// With --data, send takes the event type from the body: naming it too is an error.
	send := "whk send"
	if r.Provider != "" {
		send += " -p " + shellQuote(r.Provider)
	}
	return []string{
		"printf %s " + shellQuote(string(r.Body)) + " |",
		send,
		"--to " + shellQuote(url) + " --data -",
	}
}

// shellQuote quotes s for a POSIX shell; text with control characters uses bash's $'…'
// so the line stays one line and the bytes stay exact.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, shellSafe) == "" {
		return s
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) < 0 {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for _, c := range []byte(s) {
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=%@,+"

// save writes delivery i as a record file into the save directory, never over an
// existing file, and says where in the status line.
func (m *Model) save(i int) {
	name, err := Save(m.recs[i], m.opt.SaveDir)
	if err != nil {
		m.status = "not saved: " + render.SafeText(err.Error())
		return
	}
	m.status = "saved #" + strconv.Itoa(i+1) + " as " + render.SafeText(name) + " (for whk replay / whk validate)"
}

// Save writes r as a record file in dir, atomically, named after its time, provider, type
// and id as listen --record names them, and returns the file name.
func Save(r *record.Record, dir string) (string, error) {
	data, err := r.Marshal()
	if err != nil {
		return "", err
	}
	data = append(data, '\n')
	base := r.ReceivedAt.UTC().Format("20060102T150405.000000Z")
	for _, part := range []string{r.Provider, r.Type, r.ID} {
		if part != "" {
			base += "-" + safeName(part)
		}
	}
	for n := 1; n < 1000; n++ {
		name := base + ".json"
		if n > 1 {
			name = base + "-" + strconv.Itoa(n) + ".json"
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return name, atomicfile.Write(path, data, 0o600)
		}
	}
	return "", errors.New("too many saved copies of " + base)
}

// safeName keeps a file name portable: letters, digits, '.', '_' and '-', at most 64
// bytes, never starting with a dot and never holding "..".
func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() >= 64 {
			break
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteRune(c)
		case c == '.' && b.Len() > 0 && !strings.HasSuffix(b.String(), "."):
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
