package conformance_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/delivery"
)

func TestSelect(t *testing.T) {
	all := conformance.CheckIDs()
	tests := []struct {
		name       string
		only, skip []string
		want       string
		err        string
	}{
		{"all", nil, nil, "<nil>", ""},
		{"only keeps the suite's order", []string{"timeout", "duplicate"}, nil, "duplicate,timeout", ""},
		{"skip", nil, []string{"signed-delivery", "timeout"}, strings.Join(all[1:len(all)-1], ","), ""},
		{"only then skip", []string{"retry", "duplicate"}, []string{"retry"}, "duplicate", ""},
		{"nothing left", []string{"retry"}, []string{"retry"}, "", "--only and --skip leave no check to run"},
		{"unknown in only", []string{"dup"}, nil, "", `unknown check "dup"`},
		{"unknown in skip", nil, []string{"retry", "raw"}, "", `unknown check "raw"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := conformance.Select(tt.only, tt.skip)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := strings.Join(got, ",")
			if got == nil {
				s = "<nil>"
			}
			if s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestReachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := "http://" + ln.Addr().String() + "/"
	defer ln.Close()
	closedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + closedLn.Addr().String() + "/"
	closedLn.Close()
	tests := []struct {
		name, url string
		kind      delivery.ErrKind
	}{
		{"listening", open, ""},
		{"refused", closed, delivery.ErrRefused},
		{"unknown host", "http://endpoint.invalid/", delivery.ErrDNS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := conformance.Reachable(context.Background(), tt.url)
			var u *conformance.UnreachableError
			switch {
			case tt.kind == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.kind != "" && (!errors.As(err, &u) || u.Kind != tt.kind || u.Hint == ""):
				t.Errorf("err = %v, want an UnreachableError of kind %s with a hint", err, tt.kind)
			}
		})
	}
}
