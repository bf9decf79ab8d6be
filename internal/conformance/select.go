package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/whk-cli/whk/internal/delivery"
)

// UnknownCheckError is a check id that names no check.
type UnknownCheckError struct{ ID string }

func (e *UnknownCheckError) Error() string { return fmt.Sprintf("unknown check %q", e.ID) }

// ErrNoCheck means the selection leaves no check to run.
var ErrNoCheck = errors.New("--only and --skip leave no check to run")

// Select applies only and then skip, in the order the checks run; nil means every
// check. An id that names no check is an *UnknownCheckError; a selection that leaves
// nothing is ErrNoCheck.
func Select(only, skip []string) ([]string, error) {
	known := map[string]bool{}
	for _, c := range Checks {
		known[c.ID] = true
	}
	in, out := map[string]bool{}, map[string]bool{}
	for _, l := range []struct {
		ids []string
		set map[string]bool
	}{{only, in}, {skip, out}} {
		for _, id := range l.ids {
			if !known[id] {
				return nil, &UnknownCheckError{id}
			}
			l.set[id] = true
		}
	}
	if len(only) == 0 && len(skip) == 0 {
		return nil, nil
	}
	ids := []string{}
	for _, c := range Checks {
		if (len(only) == 0 || in[c.ID]) && !out[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil, ErrNoCheck
	}
	return ids, nil
}

// UnreachableError says the endpoint cannot be reached at all, and what to look at.
type UnreachableError struct {
	URL  string
	Kind delivery.ErrKind
	Hint string
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s: %s", e.URL, e.Kind)
}

// Reachable dials the endpoint once before the suite, so that an endpoint that is not
// running is one line ("connection refused") rather than every check failing with it.
// Only a refused connection or an unknown host is an *UnreachableError; anything else
// (a slow dial, a proxy in between) is left to the checks, which report it with their
// times.
func Reachable(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	if p, _ := http.ProxyFromEnvironment(&http.Request{URL: u}); p != nil {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		switch kind := delivery.Classify(err); kind {
		case delivery.ErrRefused:
			return &UnreachableError{raw, kind, "is the endpoint running and listening on that port?"}
		case delivery.ErrDNS:
			return &UnreachableError{raw, kind, "check the host name in --to"}
		}
		return nil
	}
	return conn.Close()
}
