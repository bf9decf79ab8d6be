package iostreams

import "testing"

func TestDecideColour(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"terminal", true, nil, true},
		{"pipe", false, nil, false},
		{"NO_COLOR on a terminal", true, map[string]string{"NO_COLOR": "1"}, false},
		{"NO_COLOR beats CLICOLOR_FORCE", false, map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, false},
		{"CLICOLOR_FORCE on a pipe", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"CLICOLOR_FORCE=0 is not forcing", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"CLICOLOR=0 on a terminal", true, map[string]string{"CLICOLOR": "0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecideColour(tt.tty, func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("DecideColour = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStreamsDecideEachStreamOnce(t *testing.T) {
	tests := []struct {
		name                 string
		stdoutTTY, stderrTTY bool
		env                  map[string]string
		wantOut, wantErr     bool
	}{
		{"both terminals", true, true, nil, true, true},
		{"stdout piped, stderr a terminal: the summary keeps its colour", false, true, nil, false, true},
		{"stdout a terminal, stderr redirected to a file", true, false, nil, true, false},
		{"CLICOLOR_FORCE colours both pipes", false, false, map[string]string{"CLICOLOR_FORCE": "1"}, true, true},
		{"NO_COLOR turns both off", true, true, map[string]string{"NO_COLOR": "1"}, false, false},
		{"CLICOLOR=0 turns both off", true, true, map[string]string{"CLICOLOR": "0"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := decide(tt.stdoutTTY, tt.stderrTTY, func(k string) string { return tt.env[k] })
			if s.ColourEnabled() != tt.wantOut || s.StderrColourEnabled() != tt.wantErr {
				t.Errorf("stdout colour %v, stderr colour %v; want %v, %v", s.ColourEnabled(), s.StderrColourEnabled(), tt.wantOut, tt.wantErr)
			}
			s.DisableColour()
			if s.ColourEnabled() || s.StderrColourEnabled() {
				t.Error("DisableColour (--no-color) left colour on")
			}
		})
	}
}
