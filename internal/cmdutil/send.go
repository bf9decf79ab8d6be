package cmdutil

import (
	"errors"
	"time"

	"github.com/spf13/cobra"
)

// SendFlags are the flags of every command that posts deliveries to a receiver (send,
// replay, scenario run), so that each words them, checks them and signs the same way.
type SendFlags struct {
	To      string
	Timeout time.Duration
	JSON    bool
	Keys    KeyFlags
}

// AddSendFlags registers --to, --timeout, --json and the signing key flags.
func AddSendFlags(cmd *cobra.Command, f *SendFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.To, "to", "", "the receiver's `URL` (no scheme means http://)")
	fl.DurationVar(&f.Timeout, "timeout", 0, "per-attempt timeout (default: the provider's, else 30s)")
	fl.BoolVar(&f.JSON, "json", false, "print one JSON object per delivery")
	AddSigningKeyFlags(cmd, &f.Keys)
}

// AddSetFlag registers --set, the body overrides of send and replay.
func AddSetFlag(cmd *cobra.Command, sets *[]string) {
	cmd.Flags().StringArrayVar(sets, "set", nil, "override a body field in every delivery: `path=value` (dot path from the root; value parsed as JSON when it parses)")
}

// ResolveTo checks --to and rewrites it as an http(s) URL; hint says what to pass when
// it is missing.
func (f *SendFlags) ResolveTo(hint string) error {
	if f.To == "" {
		return WithHint(errors.New("no receiver given"), hint)
	}
	to, err := HTTPURL("--to", f.To)
	if err != nil {
		return err
	}
	f.To = to
	return nil
}
