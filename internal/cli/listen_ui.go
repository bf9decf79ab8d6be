package cli

import (
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/whk-cli/whk/internal/inspector"
	"github.com/whk-cli/whk/internal/listener"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
)

// listenUI is `whk listen --ui`: the inspector over the deliveries listen receives. It
// takes the events the printer would take, so the records, the tally and the summary
// are listen's own; only stdout changes hands.
type listenUI struct {
	prog *tea.Program
	done chan struct{} // closed when the program has ended
}

// startListenUI opens the inspector when --ui was given and stdout is a terminal; nil
// otherwise, and listen prints as it always does. stop ends listening when the user
// quits the UI.
func startListenUI(o *ListenOptions, stop func()) *listenUI {
	if !o.UI || !o.IO.IsStdoutTTY() {
		return nil
	}
	m := inspector.New(nil, inspector.Options{Colour: o.IO.ColourEnabled(), SaveDir: ".", Title: "whk listen",
		ForwardTo: forwardTarget(o), Replayer: o.replayer})
	u := &listenUI{done: make(chan struct{})}
	u.prog = tea.NewProgram(m, tea.WithAltScreen(), tea.WithOutput(o.IO.Out), tea.WithInputTTY())
	go func() {
		defer close(u.done)
		u.prog.Run()
		stop()
	}()
	return u
}

// forwardTarget is where a delivery was relayed: its route's --forward-to, else
// listen's.
func forwardTarget(o *ListenOptions) func(*record.Record) string {
	routes := map[string]string{}
	for _, rt := range o.Routes {
		routes[rt.Path] = rt.ForwardTo
	}
	return func(r *record.Record) string {
		if to := routes[r.Route]; to != "" {
			return to
		}
		return o.ForwardTo
	}
}

// run hands the listener's events to the UI until the listener closes them, counting
// them as the printer does; then it ends the UI, if the user has not, and waits for it
// to give the terminal back.
func (u *listenUI) run(o *ListenOptions, events <-chan listener.Event, tally *render.ListenTally, shown *atomic.Int64) {
	for ev := range events {
		switch ev := ev.(type) {
		case listener.Ready:
			u.prog.Send(inspector.Listening{URL: ev.URL, Notes: o.Notes})
		case *listener.Delivery:
			tally.Add(ev)
			u.prog.Send(inspector.Delivered{Record: ev.Record})
			shown.Add(1)
			if len(ev.Warnings) > 0 {
				u.prog.Send(inspector.Notice(strings.Join(ev.Warnings, "; ")))
			}
		case listener.Rejected:
			u.prog.Send(inspector.Notice(strings.TrimSpace(render.Rejected(ev))))
		case listener.Error:
			u.prog.Send(inspector.Notice("warning: " + ev.Err.Error()))
		}
	}
	u.prog.Quit()
	<-u.done
}
