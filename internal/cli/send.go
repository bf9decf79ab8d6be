package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// SendOptions are the inputs of `whk send`.
type SendOptions struct {
	Ctx      context.Context
	Factory  *cmdutil.Factory
	Provider *catalog.Provider
	Event    string // "" = test.ping where defined
	Data     string // --data FILE|-
	Sets     []string
	Print    bool
	Verbose  bool
	Retry    bool
	Scale    float64
	cmdutil.SendFlags
}

// NewCmdSend builds `whk send [EVENT] -p P --to URL`.
func NewCmdSend(f *cmdutil.Factory, runF func(*SendOptions) error) *cobra.Command {
	opts := &SendOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "send [EVENT] -p PROVIDER --to URL",
		Short: "Send one delivery exactly as the provider would",
		Long: `Send builds one delivery of EVENT from the catalog example, with fresh ids and
timestamps in the provider's own formats, signs it, and POSTs it to --to with the
provider's headers, content type, user agent and timeout. EVENT defaults to test.ping
where the provider defines one.

Success follows the provider's rule: Oneflow wants exactly 200, the others any 2xx.
Anything else exits 1 with the status, time and the start of the response body;
connection refused, DNS failure, TLS error and timeout exit 1 saying which.

With --retry a failed delivery is re-sent (same delivery id) on the provider's retry
schedule, with the status semantics its documents give: Ironclad stops on 410 (the
webhook would be deleted), CM.com Sign retries only 5xx; Standard Webhooks stops on
410 (the endpoint would be disabled), reads 429, 502 and 504 as "slow down" and
honours a Retry-After header (seconds or an HTTP date): the next attempt comes no
sooner than asked, no sooner than the schedule says, and no later than the schedule's
longest delay or 1h. Other providers document no Retry-After: whk keeps their
schedule and says so. --time-scale compresses every wait, Retry-After's included.
Where a provider documents no schedule (Clment) or no exact delays (CM.com Sign), whk
says so and uses the Standard Webhooks example delays for the documented number of
attempts. Ctrl-C during a wait prints the attempts made so far and exits 130.

Timeouts: Clment 10s and Contract-as-Code 30s are documented; for the others whk
uses 30s (--timeout changes it). Providers that document no User-Agent get "whk".
Redirects are not followed: a 3xx is the answer. With --json the result is one
{"status","duration_ms","attempts":[...],"response_body"} object.`,
		Example: `  whk send -p lac --to http://127.0.0.1:8080/hooks --secret-file lac.secret
  whk send review.completed -p clment --to http://127.0.0.1:8080/ --set payload.overallRisk=high
  whk send workflow_launched -p ironclad --print
  whk send contract:publish -p oneflow --to https://staging.example.com/oneflow --retry --time-scale 0.001`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.WithHint(fmt.Errorf("%s takes at most one EVENT, got %d arguments", cmd.CommandPath(), len(args)), "see 'whk send --help'")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.RequireProvider(cmd)
			if err != nil {
				return err
			}
			opts.Provider, opts.Ctx = p, cmd.Context()
			if len(args) == 1 {
				opts.Event = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runSend(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Data, "data", "", "send the body in `FILE` (- for stdin) instead of the catalog example")
	fl.BoolVar(&opts.Print, "print", false, "print the request (headers and body) and send nothing")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "show request and response headers (on stderr)")
	fl.BoolVar(&opts.Retry, "retry", false, "retry on failure on the provider's schedule")
	fl.Float64Var(&opts.Scale, "time-scale", 1, "multiply every retry wait by `F` (0.001 turns minutes into milliseconds)")
	cmdutil.AddSendFlags(cmd, &opts.SendFlags)
	cmdutil.AddSetFlag(cmd, &opts.Sets)
	return cmd
}

func runSend(o *SendOptions) error {
	f, p := o.Factory, o.Provider
	errOut := f.IOStreams.ErrOut
	if o.To != "" || !o.Print {
		if err := o.ResolveTo("pass --to URL, or --print to see the request"); err != nil {
			return err
		}
	}
	if o.Scale <= 0 {
		return cmdutil.Usagef("--time-scale must be above 0, got %v", o.Scale)
	}
	d, err := buildSend(o)
	if err != nil {
		return err
	}
	signer, err := signerFor(f, &o.Keys, p)
	if err != nil {
		return err
	}
	if err := d.Sign(signer.Scheme, signer.Keys, signing.Params{}); err != nil {
		return cmdutil.WithHint(fmt.Errorf("signing: %w", err), "check the key")
	}
	out := f.IOStreams.Out
	if o.Print {
		if o.JSON {
			return render.SendRequestJSON(out, d, o.To)
		}
		return render.SendRequest(out, d, o.To)
	}

	st := render.NewStyles(out, f.IOStreams.ColourEnabled())
	est := render.NewStyles(errOut, f.IOStreams.StderrColourEnabled())
	timeout, documented := delivery.Timeout(p)
	if o.Timeout > 0 {
		timeout = o.Timeout
	}
	pol := delivery.NoRetry(p)
	if o.Retry {
		pol = delivery.RetryPolicy(p, o.Scale)
		if pol.Note != "" {
			fmt.Fprintln(errOut, "whk: "+pol.Note)
		}
	}
	if o.Verbose {
		if !documented && o.Timeout == 0 {
			fmt.Fprintf(errOut, "whk: %s documents no delivery timeout; whk uses %s\n", p.Name, timeout)
		}
		render.RequestHeaders(errOut, est, d, o.To, render.SecretHeader(signer.Scheme))
	}
	client := f.HTTPClient()
	client.CheckRedirect = noRedirects
	poster := &delivery.Poster{Client: client, URL: o.To, Timeout: timeout, Now: f.Now}
	var evs []delivery.AttemptEvent
	outcome := delivery.Deliver(o.Ctx, poster, d, pol, func(ev delivery.AttemptEvent) {
		evs = append(evs, ev)
		if o.Verbose {
			render.ResponseHeaders(errOut, est, ev.Attempt)
		}
		if !o.JSON {
			render.SendAttempt(out, st, ev, o.Retry)
		}
	})
	// Ctrl-C during a wait lands here too: the result shows the attempts made so far.
	if o.JSON {
		if err := render.SendJSON(out, d, outcome, evs); err != nil {
			return err
		}
	}
	if outcome.OK {
		return nil
	}
	if outcome.Stop == delivery.StopInterrupted {
		if !o.JSON {
			render.SendInterrupted(out, st, outcome)
		}
		return cmdutil.ErrInterrupted
	}
	return sendFailure(p, outcome, o.To, timeout, documented || o.Timeout > 0)
}

// sendFailure is the one error line for a delivery that was not acknowledged.
func sendFailure(p *catalog.Provider, out delivery.Outcome, to string, timeout time.Duration, documented bool) error {
	a := out.Last()
	tries := ""
	if n := len(out.Attempts); n > 1 {
		tries = fmt.Sprintf(" after %d attempts", n)
	}
	if a.Status == 0 {
		hint := ""
		switch a.Kind {
		case delivery.ErrRefused:
			hint = "is the receiver running and listening on that port?"
		case delivery.ErrDNS:
			hint = "check the host name in --to"
		case delivery.ErrTLS:
			hint = "check the receiver's certificate; a local receiver usually wants http://"
		case delivery.ErrTimeout:
			if documented {
				hint = fmt.Sprintf("no answer within %s", timeout)
			} else {
				hint = fmt.Sprintf("no answer within %s; %s documents no timeout, so this is whk's default (--timeout changes it)", timeout, p.Name)
			}
		}
		return &cmdutil.FailedError{Err: fmt.Errorf("%s: %s%s", a.Kind, to, tries), Hint: hint}
	}
	rule := p.Name + " accepts any 2xx"
	if p.Success.Rule == "200" {
		rule = p.Name + " accepts exactly 200"
	}
	msg := fmt.Sprintf("not acknowledged: %d %s%s", a.Status, http.StatusText(a.Status), tries)
	if a.Status >= 300 && a.Status < 400 {
		rule += "; whk does not follow redirects: point --to at the final URL"
	}
	if out.Stop == delivery.StopStatus && out.StopNote != "" {
		rule = out.StopNote
	}
	return &cmdutil.FailedError{Err: errors.New(msg), Hint: rule}
}

// buildSend builds the delivery from the catalog example or --data.
func buildSend(o *SendOptions) (*delivery.Delivery, error) {
	f, p := o.Factory, o.Provider
	bo := delivery.BuildOptions{Now: f.Now, Sets: o.Sets}
	if o.Data != "" {
		if o.Event != "" {
			return nil, cmdutil.WithHint(errors.New("EVENT and --data both name what to send"), "drop EVENT: the type comes from the body")
		}
		body, err := cmdutil.ReadInput(o.Ctx, f, o.Data, cmdutil.DefaultMaxInput)
		if err != nil {
			return nil, err
		}
		// A given body goes out as it is (byte for byte unless --set changes it).
		bo.KeepIDs = true
		d, err := delivery.FromBody(p, body, bo)
		if err != nil {
			return nil, cmdutil.WithHint(fmt.Errorf("--data %s: %w", o.Data, err), "")
		}
		return d, nil
	}
	typ := o.Event
	if typ == "" {
		if len(p.Events) == 0 {
			return nil, cmdutil.WithHint(fmt.Errorf("%s has no built-in events", p.Name), "pass the body with --data FILE")
		}
		if _, err := p.Event("test.ping"); err != nil {
			return nil, cmdutil.WithHint(fmt.Errorf("%s has no test.ping event: name one", p.Name),
				"choose one of: "+strings.Join(p.EventTypes(), ", "))
		}
		typ = "test.ping"
	}
	e, err := cmdutil.Event(p, typ)
	if err != nil {
		return nil, err
	}
	d, err := delivery.FromExample(p, e, bo)
	if err != nil {
		return nil, cmdutil.WithHint(err, "")
	}
	return d, nil
}

// signerFor resolves how p's deliveries are signed, and says on stderr where a key came
// from when the user should know (whk's test key, or none where the provider sends
// unsigned deliveries without one).
func signerFor(f *cmdutil.Factory, k *cmdutil.KeyFlags, p *catalog.Provider) (delivery.Signer, error) {
	sg, note, err := signerNote(f, k, p)
	if note != "" {
		fmt.Fprintln(f.IOStreams.ErrOut, "whk: "+note)
	}
	return sg, err
}

// signerNote is signerFor's signer and the note it says (which key signed, or why the
// delivery goes unsigned), for a caller that shows it elsewhere: the inspector.
func signerNote(f *cmdutil.Factory, k *cmdutil.KeyFlags, p *catalog.Provider) (delivery.Signer, string, error) {
	scheme, err := signing.For(p, k.AuthHeader)
	if err != nil {
		return delivery.Signer{}, "", err
	}
	note := ""
	sg := delivery.Signer{Scheme: scheme}
	if unsigned := signing.FactsFor(p).Unsigned; unsigned != "" {
		if _, err := k.Resolve(f.Getenv); errors.Is(err, cmdutil.ErrNoSecret) {
			sg.Scheme, note = delivery.Unsigned{}, unsigned
		}
	}
	if note == "" {
		keys, err := k.SigningKeys(f, p)
		if err != nil {
			return delivery.Signer{}, "", err
		}
		sg.Keys, note = keys.Keys, keys.Note
	}
	return sg, note, nil
}

// noRedirects keeps a 3xx as the answer: a POST that a client turns into a GET at
// another URL is not the delivery under test.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
