package render

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/signing"
)

// widthDeliveries are one Clment delivery, one Oneflow delivery (with its warning) and
// one with a long signature reason and a long id, at the widths a split terminal has.
func widthDeliveries() []*listener.Delivery {
	at := time.Date(2026, 6, 16, 14, 32, 8, 123456000, time.UTC)
	all := sampleDeliveries()
	oneflow := &record.Record{Kind: "delivery", ReceivedAt: at.Add(5 * time.Second), Method: "POST", Path: "/",
		Headers:  http.Header{"Content-Type": {"application/json"}},
		Body:     []byte(`{"callback_id":"cb_77aa","contract":{"id":3042117},"events":[{"id":99001,"type":"contract:publish","created_time":"2026-06-16T14:32:12+00:00"}],"signature":"9d0c5cbb0b6a08d2f5fa1fa0c5fb52f0d3a2e6f1"}`),
		Provider: "oneflow", Type: "contract:publish", ID: "cb_77aa",
		Signature: &record.Signature{Status: "valid"}, Schema: &record.Schema{Status: "valid"}, Response: &record.Response{Status: 200}}
	long := *all[1].Record
	long.ID = "evt_3b1f0c9a7e5d4b2f8a6c1e0d9b7a5f3e1c0b9a8d7f6e5d4c"
	long.Signature = &record.Signature{Status: "invalid", Reason: "X-Clment-Signature holds sha256=0000000000000000000000000000000000000000000000000000000000000000, which does not match HMAC-SHA256 of the body with this secret; the secret from --secret-file clment.secret may be another environment's"}
	long.Stored = &record.Stored{Status: record.StoredFailed, Error: "open rec/20260616T143209.623456Z-ab12-000002-clment-review.completed.json: no space left on device"}
	return []*listener.Delivery{
		all[0],
		{Record: oneflow, Types: []string{"contract:publish"}, Warnings: []string{signing.NotCoveredWarning}},
		{Record: &long, Types: []string{"review.completed"}},
	}
}

func renderWidth(o ListenOptions, ds []*listener.Delivery) []byte {
	var buf bytes.Buffer
	p := NewListenPrinter(&buf, o)
	for _, d := range ds {
		buf.Write(p.Delivery(d))
	}
	return buf.Bytes()
}

// checkFits fails when a line of out is wider than width, and when a block line lost
// its gutter.
func checkFits(t *testing.T, out []byte, width int, gutter bool) {
	t.Helper()
	for i, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d columns wide, over %d: %q", i+1, w, width, l)
		}
		if gutter && l != "" && !strings.HasPrefix(ansi.Strip(l), "│") {
			t.Errorf("line %d lost the gutter: %q", i+1, l)
		}
	}
}

func TestListenBlockFitsTheWidth(t *testing.T) {
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			o := ListenOptions{Mode: ListenTTY, Width: width, Location: time.UTC, Verbose: true, ProviderWarnings: []string{signing.NotCoveredWarning}}
			out := renderWidth(o, widthDeliveries())
			checkFits(t, out, width, true)
			golden(t, fmt.Sprintf("listen-block-%d.golden", width), out)
			o.Colour = true
			coloured := renderWidth(o, widthDeliveries())
			checkFits(t, coloured, width, true)
			if !bytes.Equal([]byte(ansi.Strip(string(coloured))), out) {
				t.Error("colour changes the layout")
			}
		})
	}
}

func TestListenBlockWrapsAtWords(t *testing.T) {
	o := ListenOptions{Mode: ListenTTY, Width: 60, Location: time.UTC}
	out := string(renderWidth(o, widthDeliveries()[2:]))
	// The reason's words are whole on their lines, continuation lines under the value.
	for _, word := range []string{"HMAC-SHA256", "--secret-file", "environment's"} {
		if !strings.Contains(out, word) {
			t.Errorf("%q was cut: %s", word, out)
		}
	}
	if !strings.Contains(out, "\n│            ") {
		t.Errorf("no continuation line under the value column:\n%s", out)
	}
}

func TestListenCompactGolden(t *testing.T) {
	ds := append(sampleDeliveries(), widthDeliveries()[1:]...)
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			out := renderWidth(ListenOptions{Mode: ListenTTY, View: ViewCompact, Width: width, Location: time.UTC}, ds)
			if n := bytes.Count(out, []byte("\n")); n != len(ds) {
				t.Fatalf("%d lines for %d deliveries", n, len(ds))
			}
			checkFits(t, out, width, false)
			golden(t, fmt.Sprintf("listen-compact-%d.golden", width), out)
		})
	}
	piped := renderWidth(ListenOptions{Mode: ListenPlain, View: ViewCompact, Colour: true, Location: time.UTC}, ds)
	if bytes.Contains(piped, []byte("\x1b[")) {
		t.Fatal("piped compact output carries colour")
	}
	golden(t, "listen-compact-plain.golden", piped)
}

func TestListenQuietPrintsNoDelivery(t *testing.T) {
	for _, mode := range []ListenMode{ListenPlain, ListenTTY} {
		var buf bytes.Buffer
		p := NewListenPrinter(&buf, ListenOptions{Mode: mode, View: ViewQuiet, ProviderWarnings: []string{signing.NotCoveredWarning}})
		var warned strings.Builder
		for _, d := range append(widthDeliveries(), widthDeliveries()...) {
			buf.Write(p.Delivery(d))
			warned.WriteString(p.Warnings(d))
		}
		if buf.Len() != 0 {
			t.Errorf("quiet printed %q", buf.String())
		}
		if got, want := warned.String(), "whk: warning: "+signing.NotCoveredWarning+"\n"; got != want {
			t.Errorf("warnings %q, want the Oneflow warning once", got)
		}
	}
}

func TestCompactWarningWrapsAtWords(t *testing.T) {
	p := NewListenPrinter(&bytes.Buffer{}, ListenOptions{Mode: ListenTTY, View: ViewCompact, Width: 60})
	out := p.Warnings(widthDeliveries()[1])
	checkFits(t, []byte(out), 60, false)
	if !strings.HasPrefix(out, "whk: warning: Oneflow's") || !strings.Contains(out, "\n  and the sign key, not the body") {
		t.Errorf("warning not wrapped at words with an indent:\n%s", out)
	}
}

func TestProviderWarningOncePerRun(t *testing.T) {
	oneflow := widthDeliveries()[1]
	forward := sampleDeliveries()[3] // a forward that failed: its warning is the delivery's own
	for _, mode := range []ListenMode{ListenPlain, ListenTTY} {
		o := ListenOptions{Mode: mode, Width: 80, Location: time.UTC, ProviderWarnings: []string{signing.NotCoveredWarning}}
		out := string(renderWidth(o, []*listener.Delivery{oneflow, forward, oneflow, oneflow, forward, oneflow}))
		// The warning wraps in the block: count its first words.
		if n := strings.Count(out, "Oneflow's signature covers only"); n != 1 {
			t.Errorf("mode %d: the Oneflow warning is said %d times in 4 deliveries", mode, n)
		}
		if n := strings.Count(out, "connection refused"); n != 2 {
			t.Errorf("mode %d: a failed forward is said %d times for 2 deliveries", mode, n)
		}
	}
}

func TestListenSummaryGolden(t *testing.T) {
	var tally ListenTally
	ds := append(sampleDeliveries(), widthDeliveries()...)
	ds[3].Forward = &listener.Forward{URL: "http://localhost:3000/", Status: 502, Err: fmt.Errorf("connection refused")}
	for _, d := range ds {
		tally.Add(d)
	}
	out := ListenSummary("whk: received 7 deliveries, recorded 6 in rec, 1 could not be written", tally)
	var status bytes.Buffer
	for _, width := range []int{60, 80, 120} {
		line := ListenStatus(tally, 3.25, width)
		if w := ansi.StringWidth(line); w >= width {
			t.Errorf("status line %d columns at width %d", w, width)
		}
		status.WriteString(line + "\n")
	}
	golden(t, "listen-summary.golden", []byte(out+"\n"+status.String()))
	if got := ListenSummary("whk: received 0 deliveries", ListenTally{}); got != "whk: received 0 deliveries\n" {
		t.Errorf("empty summary %q", got)
	}
}

func TestWrapRanges(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		first, rest int
		want        []string
	}{
		{"fits", "a b c", 10, 10, []string{"a b c"}},
		{"no limit", "a b c", 0, 0, []string{"a b c"}},
		{"breaks at the last space that fits", "alpha beta gamma", 11, 11, []string{"alpha beta", "gamma"}},
		{"a narrower rest", "alpha beta gamma delta", 11, 6, []string{"alpha beta", "gamma", "delta"}},
		{"a long word is cut", "abcdefghij kl", 4, 4, []string{"abcd", "efgh", "ij", "kl"}},
		{"indentation stays with its line", "    abcdefghijkl", 8, 8, []string{"    abcd", "efghijkl"}},
		{"a break after the indentation", `    "key": "a value"`, 14, 14, []string{`    "key": "a`, `value"`}},
		{"wide characters count two cells", "日本語 日本語", 7, 7, []string{"日本語", "日本語"}},
		{"spaces at a break are dropped", "ab    cd", 3, 3, []string{"ab", "cd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapText(tt.in, tt.first, tt.rest)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
