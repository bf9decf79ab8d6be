package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/iostreams"
	"github.com/whk-cli/whk/internal/record"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/signing"
)

// VerifyOptions are the inputs of `whk verify`.
type VerifyOptions struct {
	Catalog *catalog.Catalog
	// Provider is -p or $WHK_PROVIDER; nil means detect it from the request.
	Provider *catalog.Provider
	// Body and Header are the request as given (FILE or --request, then -H).
	Body   []byte
	Header http.Header
	// RecordProvider is the provider a delivery record names, if any.
	RecordProvider string
	Signature      string
	HasSignature   bool
	AuthHeader     string
	Tolerance      time.Duration
	JSON           bool
	Now            func() time.Time
	// Keys resolves the verifying key of the chosen provider (a usage error when absent).
	Keys func(p *catalog.Provider) (*cmdutil.Keys, error)
	IO   *iostreams.IOStreams
}

// NewCmdVerify builds `whk verify [FILE|-] -p P`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{}
	var (
		keys    cmdutil.KeyFlags
		headers []string
		request string
	)
	cmd := &cobra.Command{
		Use:   "verify [FILE|-] -p PROVIDER",
		Short: "Check a delivery's signature and explain why it does not match",
		Long: `Check the signature of a body the way the provider's receivers must, with a
constant-time comparison.

The body is FILE (stdin when FILE is - or omitted), or the body of --request FILE, a
delivery record from 'whk listen --record' or a raw HTTP/1.1 request as captured. The
signature comes from --signature, from -H 'Name: value' headers, or from the request.
Without -p the provider is detected from the headers or the body's shape.

On a mismatch whk re-checks the signature under the usual mistakes and names the one
that explains it: body re-serialised (whitespace, key order, escaping), trailing newline
added or removed, hex vs base64 or upper-case hex, missing sha256= or v1, prefix, a
whsec_ secret used raw or decoded the wrong way, a secret with whitespace or a newline,
a signature made with another provider's scheme, or a Standard Webhooks timestamp
outside --tolerance. Oneflow's signature does not cover the body: whk always says so.

Exit status: 0 valid; 1 invalid, missing or malformed signature; 2 usage error (such as
a missing secret or key).`,
		Example: `  # A newline added after signing: verify names it.
  echo '{"id":"evt_8f3a","type":"review.completed","occurredAt":"2026-06-16T14:32:07.120Z","organizationId":"org_a1b2","payload":{}}' | \
    whk verify -p clment --secret clment_test_secret --signature sha256=db7c5c70481a362a562d59a3eef293a7d86b6fef9340712923c438ede4941724
  printf '%s' '{"test": 2432232314}' | whk verify -p stdwh --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --tolerance 1000000h \
    -H 'webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek' -H 'webhook-timestamp: 1614265330' --signature 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
  whk verify --request recordings/0001.json --secret-file secret.txt --json`,
		Args: maxArgs(1, "give one body FILE, or - for stdin; with --request the body comes from the request"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Catalog, opts.Provider, err = f.CatalogAndProvider(cmd); err != nil {
				return err
			}
			if opts.Tolerance <= 0 {
				return cmdutil.WithHint(fmt.Errorf("--tolerance must be positive, got %s", opts.Tolerance), "use a Go duration such as 5m or 1h")
			}
			if !cmd.Flags().Changed("tolerance") {
				opts.Tolerance = 0 // the scheme's own: its catalog tolerance, else the default
			}
			opts.HasSignature = cmd.Flags().Changed("signature")
			opts.AuthHeader = keys.AuthHeader
			switch {
			case request != "" && len(args) == 1:
				return cmdutil.WithHint(errors.New("give the body as FILE or with --request, not both"), "--request takes the body from the request")
			case request != "":
				b, err := cmdutil.ReadInput(cmd.Context(), f, request, 0)
				if err != nil {
					return err
				}
				rec, err := record.ParseRequest(b)
				if err != nil {
					hint := "pass a delivery record from 'whk listen --record', a raw HTTP/1.1 request or a HAR capture"
					switch {
					case errors.Is(err, record.ErrNotHAR):
						hint = "save the capture again from the dev tools or proxy: whk reads HAR 1.2"
					case record.IsHAR(b):
						hint = "export a HAR that holds the webhook's request alone, or replay or validate the whole capture"
					}
					return cmdutil.WithHint(fmt.Errorf("%s: %w", request, err), hint)
				}
				opts.Body, opts.RecordProvider, opts.Header = rec.Body, rec.Provider, rec.Headers
				if opts.Header == nil {
					opts.Header = http.Header{}
				}
			default:
				input := ""
				if len(args) == 1 {
					input = args[0]
				}
				if opts.Body, err = cmdutil.ReadInput(cmd.Context(), f, input, 0); err != nil {
					return err
				}
			}
			if opts.Header == nil {
				opts.Header = http.Header{}
			}
			for _, line := range headers {
				name, value, err := record.ParseHeaderLine(line)
				if err != nil {
					return cmdutil.WithHint(err, "write -H 'Name: value'")
				}
				opts.Header.Set(name, value)
			}
			opts.Now, opts.IO = f.Now, f.IOStreams
			opts.Keys = func(p *catalog.Provider) (*cmdutil.Keys, error) { return keys.VerifyingKeys(f, p, true) }
			if runF != nil {
				return runF(opts)
			}
			return runVerify(opts)
		},
	}
	cmdutil.AddVerifyingKeyFlags(cmd, &keys)
	fl := cmd.Flags()
	fl.StringVar(&opts.Signature, "signature", "", "the signature `VALUE` as the provider sends it (the signature header's value; Oneflow: the body's signature field)")
	fl.StringArrayVarP(&headers, "header", "H", nil, "a request header, `'Name: value'` (repeatable)")
	fl.StringVar(&request, "request", "", "read the request from `FILE`: a delivery record, a raw HTTP/1.1 request, or a HAR capture holding one delivery")
	fl.DurationVar(&opts.Tolerance, "tolerance", signing.DefaultTolerance, "Standard Webhooks: how far webhook-timestamp may be from now")
	fl.BoolVar(&opts.JSON, "json", false, `print {"valid","provider","scheme","reason","hints"} as JSON`)
	return cmd
}

// detectProvider picks the provider of a request by catalog.ProviderOf: the record's,
// else from the headers and body shape.
func detectProvider(o *VerifyOptions) (*catalog.Provider, error) {
	var doc any
	_ = json.Unmarshal(o.Body, &doc)
	p, err := o.Catalog.ProviderOf(nil, o.RecordProvider, o.Header, doc)
	if err != nil {
		var amb *catalog.AmbiguousError
		if errors.As(err, &amb) {
			return nil, cmdutil.WithHint(fmt.Errorf("cannot tell the provider: the request matches %s", strings.Join(amb.Choices, ", ")), "pass -p")
		}
		return nil, cmdutil.WithHint(errors.New("cannot detect the provider from this request"), "pass -p with one of: "+strings.Join(o.Catalog.IDs(), ", "))
	}
	return p, nil
}

// verifyRequest checks the request and, on a mismatch, diagnoses it.
func verifyRequest(o *VerifyOptions) (render.Verification, error) {
	p := o.Provider
	if p == nil {
		var err error
		if p, err = detectProvider(o); err != nil {
			return render.Verification{}, err
		}
	}
	s, err := signing.For(p, o.AuthHeader)
	if err != nil {
		return render.Verification{}, err
	}
	k, err := o.Keys(p)
	if err != nil {
		return render.Verification{}, err
	}
	if k.Note != "" {
		fmt.Fprintln(o.IO.ErrOut, "whk: note: "+k.Note)
	}
	body, h := o.Body, o.Header.Clone()
	if o.HasSignature {
		if body, err = signing.Present(s, body, h, o.Signature); err != nil {
			return render.Verification{}, cmdutil.WithHint(fmt.Errorf("cannot put --signature in the body: %w", err), p.Name+"'s signature is a field of the JSON body")
		}
	}
	if name := signing.TokenHeader(s); name != "" && h.Get(name) == record.Redacted {
		return render.Verification{}, cmdutil.WithHint(fmt.Errorf("the recorded %s header was redacted by whk listen", name), "pass the token the request carried with --signature")
	}
	vo := signing.VerifyOptions{Now: o.Now(), Tolerance: o.Tolerance}
	r, err := signing.Check(signing.DiagnoseInput{Scheme: s, Provider: p.Name, Body: body, Header: h, Keys: k.Keys, Options: vo, Others: signing.Alternatives(o.Catalog, p)})
	if err != nil {
		return render.Verification{}, cmdutil.WithHint(err, "check the secret or key")
	}
	return render.Verification{Provider: p.ID, Name: p.Name, Scheme: s.Name(),
		Valid: r.Valid, Reason: r.Reason, Warnings: r.Warnings, Findings: r.Findings}, nil
}

func runVerify(o *VerifyOptions) error {
	v, err := verifyRequest(o)
	if err != nil {
		return err
	}
	if o.JSON {
		err = render.VerifyJSON(o.IO.Out, v)
	} else {
		err = render.VerifyText(o.IO.Out, render.NewStyles(o.IO.Out, o.IO.ColourEnabled()), v, o.IO.TerminalWidth())
	}
	if err != nil {
		return err
	}
	if !v.Valid {
		return cmdutil.ErrCheckFailed
	}
	return nil
}
