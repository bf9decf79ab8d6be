package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// SignOptions are the inputs of `whk sign`.
type SignOptions struct {
	Provider *catalog.Provider
	Scheme   signing.Scheme
	Keys     *cmdutil.Keys
	Body     []byte
	// Input is the FILE argument ("" or "-" for stdin).
	Input  string
	Format string // headers, json or curl
	Params signing.Params
	// Pinned lists the pin flags given (--id, --timestamp, --nonce, --event-id).
	Pinned []string
	URL    string
	Out    io.Writer
	ErrOut io.Writer
}

// Sign output formats.
var signFormats = []string{"headers", "json", "curl"}

// NewCmdSign builds `whk sign [FILE|-] -p P`.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{}
	var (
		keys                          cmdutil.KeyFlags
		format                        *cmdutil.FormatFlags
		id, ts, nonce, eventID, input string
	)
	cmd := &cobra.Command{
		Use:   "sign [FILE|-] -p PROVIDER",
		Short: "Print the signature headers a provider would attach to a body",
		Long: `Sign a body exactly as the provider does and print what it would attach: the
header lines (Name: value), or for Oneflow the body with its signature field set.

The bytes signed are the input bytes exactly: no re-encoding, no added newline. Read
FILE, or stdin when FILE is - or omitted.

The secret comes from --secret, --secret-file or $WHK_SECRET (for CM.com Sign it is the
token, which travels in a header by design and so is printed). Ironclad signs with
--private-key, or by default with whk's local test key pair, whose public key path is
printed on stderr.

--id and --timestamp (Standard Webhooks) and --nonce and --event-id (Ironclad) pin the
values a scheme signs besides the body, so the output is reproducible.`,
		Example: `  printf '%s' '{"test": 2432232314}' | whk sign -p stdwh --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_p5jXN8AQM9LWM0D4loKWxJek --timestamp 1614265330
  whk sign fixtures/clment/contract.created.json -p clment --secret-file secret.txt --format curl
  whk sign fixtures/ironclad/workflow_launched.json -p ironclad --event-id evt_1 --nonce n1 --json
  printf '%s' '{"callback_id":"cb1","events":[]}' | whk sign -p oneflow --secret my-sign-key`,
		Args: maxArgs(1, "give one body FILE, or - for stdin"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.RequireProvider(cmd)
			if err != nil {
				return err
			}
			opts.Provider = p
			if opts.Format, err = format.Resolve(cmd); err != nil {
				return err
			}
			if len(args) == 1 {
				input = args[0]
			}
			opts.Input = input
			if opts.Scheme, err = signing.For(p, keys.AuthHeader); err != nil {
				return err
			}
			opts.Params = signing.Params{ID: id, Nonce: nonce, EventID: eventID}
			if ts != "" {
				if opts.Params.Timestamp, err = ParseTimestamp(ts); err != nil {
					return err
				}
			} else {
				opts.Params.Timestamp = f.Now()
			}
			for _, name := range []string{"id", "timestamp", "nonce", "event-id"} {
				if cmd.Flags().Changed(name) {
					opts.Pinned = append(opts.Pinned, name)
				}
			}
			if opts.Body, err = cmdutil.ReadInput(cmd.Context(), f, input, 0); err != nil {
				return err
			}
			if opts.Keys, err = keys.SigningKeys(f, p); err != nil {
				return err
			}
			opts.Out, opts.ErrOut = f.IOStreams.Out, f.IOStreams.ErrOut
			if runF != nil {
				return runF(opts)
			}
			return runSign(opts)
		},
	}
	cmdutil.AddSigningKeyFlags(cmd, &keys)
	fl := cmd.Flags()
	format = cmdutil.AddFormatFlags(cmd, signFormats, "headers, json or curl")
	fl.StringVar(&id, "id", "", "Standard Webhooks: the webhook-id to sign (default: a fresh msg_ id)")
	fl.StringVar(&ts, "timestamp", "", "Standard Webhooks: the `time` to sign, Unix seconds or RFC 3339 (default: now)")
	fl.StringVar(&nonce, "nonce", "", "Ironclad: the nonce to sign (default: random)")
	fl.StringVar(&eventID, "event-id", "", "Ironclad: the X-Ironclad-Webhook-Event-Id to sign (default: random)")
	fl.StringVar(&opts.URL, "to", "http://127.0.0.1:8080/", "curl format: the `URL` to post to")
	return cmd
}

// maxArgs accepts at most n positional arguments, as a usage error with a hint.
func maxArgs(n int, hint string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return cmdutil.WithHint(fmt.Errorf("%s takes at most %d argument(s), got %d", cmd.CommandPath(), n, len(args)), hint)
		}
		return nil
	}
}

// ParseTimestamp reads Unix seconds or an RFC 3339 time.
func ParseTimestamp(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, cmdutil.WithHint(fmt.Errorf("invalid --timestamp %q", s), "use Unix seconds (1614265330) or RFC 3339 (2021-02-25T15:02:10Z)")
}

func runSign(o *SignOptions) error {
	facts, _ := signing.FactsOf(o.Scheme)
	for _, name := range o.Pinned {
		if !slices.Contains(facts.Pins, name) {
			fmt.Fprintf(o.ErrOut, "whk: note: --%s has no effect: %s (%s) does not sign it\n", name, o.Provider.Name, o.Provider.Scheme.Name)
		}
	}
	signed, err := o.Scheme.Sign(o.Body, o.Keys.Keys, o.Params)
	if errors.Is(err, signing.ErrNoKey) {
		return cmdutil.WithHint(err, "pass --secret-file PATH, --secret S, or set WHK_SECRET")
	}
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("%s: %w", o.Provider.Name, err), "")
	}
	if o.Keys.Note != "" {
		fmt.Fprintln(o.ErrOut, "whk: note: "+o.Keys.Note)
	}
	req := render.SignedRequest{
		Headers:     signed.Headers,
		Body:        signed.Body,
		BodyChanged: facts.Field != "" || string(signed.Body) != string(o.Body),
		URL:         o.URL,
		ContentType: o.Provider.ContentType,
	}
	if o.Input != "" && o.Input != "-" {
		req.BodyFile = o.Input
	}
	switch o.Format {
	case "json":
		if !utf8.Valid(signed.Body) {
			fmt.Fprintln(o.ErrOut, "whk: warning: the body is not valid UTF-8, so the JSON \"body\" string cannot hold it exactly; use --format headers or curl")
		}
		return render.SignJSON(o.Out, req)
	case "curl":
		return render.SignCurl(o.Out, req)
	}
	return render.SignHeaders(o.Out, req)
}
