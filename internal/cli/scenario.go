package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/delivery"
	"github.com/whk-cli/whk/internal/render"
	"github.com/whk-cli/whk/internal/scenario"
)

// NewCmdScenario builds `whk scenario` and its list and run subcommands.
func NewCmdScenario(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario <command>",
		Short: "Send whole lifecycles, in order or deliberately out of it",
		Long: `A scenario is an ordered list of deliveries to one receiver: each step an event of the
catalog, built, signed and posted as 'whk send' does, with --set-style overrides and
values shared between steps (${steps.NAME.body.path.to.field}, ${steps.NAME.id}).
Built-in scenarios follow each provider's lifecycle; --shuffle, --duplicate, --drop
and --delay deliver it the way real providers sometimes do.`,
		Example: `  whk scenario list
  whk scenario run cm-sign-lifecycle --to http://127.0.0.1:8080/ --secret-file cm.token
  whk scenario run my-flow.json --to http://127.0.0.1:8080/ --shuffle --duplicate 0.3 --seed 7`,
		Args: noArgsOrUnknown,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdScenarioList(f, nil), NewCmdScenarioRun(f, nil))
	return cmd
}

// ScenarioListOptions are the inputs of `whk scenario list`.
type ScenarioListOptions struct {
	Factory  *cmdutil.Factory
	Provider *catalog.Provider // nil: every provider
	JSON     bool
}

// NewCmdScenarioList builds `whk scenario list`.
func NewCmdScenarioList(f *cmdutil.Factory, runF func(*ScenarioListOptions) error) *cobra.Command {
	opts := &ScenarioListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios (of -p P)",
		Long: `List the built-in scenarios, one line each: name, provider, number of steps and a
description that says where the order comes from (where the provider's documents give
none, whk says so). With --json, one {"name","provider","steps","events","description"}
object per line.`,
		Example: `  whk scenario list
  whk scenario list -p ironclad --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.Provider(cmd)
			if err != nil {
				return err
			}
			opts.Provider = p
			if runF != nil {
				return runF(opts)
			}
			return runScenarioList(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object per scenario")
	return cmd
}

func runScenarioList(o *ScenarioListOptions) error {
	c, err := o.Factory.Catalog()
	if err != nil {
		return err
	}
	all, err := scenario.Builtins(c)
	if err != nil {
		return err
	}
	var list []*scenario.Scenario
	for _, sc := range all {
		if o.Provider == nil || sc.Provider.ID == o.Provider.ID {
			list = append(list, sc)
		}
	}
	out := o.Factory.IOStreams.Out
	if !o.JSON {
		return render.ScenarioList(out, list, o.Factory.IOStreams.TerminalWidth())
	}
	for _, sc := range list {
		if err := render.ScenarioListJSON(out, sc); err != nil {
			return err
		}
	}
	return nil
}

// ScenarioRunOptions are the inputs of `whk scenario run`.
type ScenarioRunOptions struct {
	Ctx      context.Context
	Factory  *cmdutil.Factory
	Provider *catalog.Provider // nil: the scenario's
	Scenario string            // FILE or built-in NAME
	Chaos    scenario.Chaos
	SeedSet  bool
	Scale    float64
	cmdutil.SendFlags
}

// NewCmdScenarioRun builds `whk scenario run FILE|NAME --to URL`.
func NewCmdScenarioRun(f *cmdutil.Factory, runF func(*ScenarioRunOptions) error) *cobra.Command {
	opts := &ScenarioRunOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "run FILE|NAME --to URL",
		Short: "Send a scenario's deliveries to a receiver",
		Long: `Run sends the steps of a scenario file (JSON) or of the built-in scenario NAME ('whk
scenario list'), one delivery at a time, each built, signed and posted exactly as
'whk send' does: the provider's headers, signature, timeout and success rule.

A scenario file:

  {"name": "signed-flow", "provider": "cm-sign", "description": "…",
   "steps": [
     {"name": "prepared", "event": "dossier.prepared"},
     {"event": "dossier.state.updated", "wait": "500ms",
      "set": ["dossier.id=${steps.prepared.body.dossier.id}", "dossier.state=completed"]}]}

"set" holds --set path=value overrides; a value may refer to an earlier step's body
(${steps.NAME.body.PATH}, a dot path as --set writes it) or delivery id
(${steps.NAME.id}). A value that is one reference takes the referenced JSON value
with its type. "wait" (a Go duration) comes before the step. The file is checked
before anything is sent: an unknown key or event, a reference to an unknown or later
step, or to a field the referenced body does not have, is one error line (exit 2).

--shuffle sends the steps out of order; --duplicate RATE sends each delivery again
with that chance, right after or after later ones (the same bytes); --drop N loses the
first N deliveries and retries each later (same id and body, signed again); --delay D
waits a random time up to D before each send. --seed N makes all of it repeatable;
without one, whk picks a seed and prints it. --time-scale F multiplies waits and
delays.

One line per delivery on stdout (NDJSON with --json), then a summary on stderr. Exit
1 when any delivery was not acknowledged; Ctrl-C prints the summary so far (exit 130).`,
		Example: `  whk scenario run cm-sign-lifecycle --to http://127.0.0.1:8080/ --secret-file cm.token
  whk scenario run ironclad-lifecycle --to http://127.0.0.1:3000/hooks --shuffle --duplicate 0.5 --seed 7
  whk scenario run flow.json --to http://127.0.0.1:8080/ --drop 2 --delay 200ms --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.WithHint(fmt.Errorf("%s takes one FILE or scenario NAME, got %d arguments", cmd.CommandPath(), len(args)), "see 'whk scenario list'")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.Provider(cmd)
			if err != nil {
				return err
			}
			opts.Provider, opts.Scenario, opts.Ctx = p, args[0], cmd.Context()
			opts.SeedSet = cmd.Flags().Changed("seed")
			if runF != nil {
				return runF(opts)
			}
			return runScenarioRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Chaos.Shuffle, "shuffle", false, "send the steps in a random order")
	fl.Float64Var(&opts.Chaos.Duplicate, "duplicate", 0, "send each delivery again with chance `RATE` (0 to 1), right after or after later ones")
	fl.IntVar(&opts.Chaos.Drop, "drop", 0, "lose the first `N` deliveries and retry each later (same id and body)")
	fl.DurationVar(&opts.Chaos.Delay, "delay", 0, "wait a random time up to `D` before each send")
	fl.Uint64Var(&opts.Chaos.Seed, "seed", 0, "seed `N` for --shuffle, --duplicate, --drop and --delay (default: random, printed)")
	fl.Float64Var(&opts.Scale, "time-scale", 1, "multiply every wait and delay by `F`")
	cmdutil.AddSendFlags(cmd, &opts.SendFlags)
	return cmd
}

func runScenarioRun(o *ScenarioRunOptions) error {
	f := o.Factory
	ios := f.IOStreams
	c := o.Chaos
	if err := o.ResolveTo("pass --to URL"); err != nil {
		return err
	}
	switch {
	case c.Duplicate < 0 || c.Duplicate > 1:
		return cmdutil.Usagef("--duplicate must be between 0 and 1, got %v", c.Duplicate)
	case c.Drop < 0:
		return cmdutil.Usagef("--drop must not be negative, got %d", c.Drop)
	case c.Delay < 0:
		return cmdutil.Usagef("--delay must not be negative, got %s", c.Delay)
	case o.Scale <= 0:
		return cmdutil.Usagef("--time-scale must be above 0, got %v", o.Scale)
	}
	sc, err := loadScenario(o)
	if err != nil {
		return err
	}
	built, err := sc.Build(f.Now)
	if err != nil {
		return cmdutil.WithHint(err, "")
	}
	signer, err := o.Keys.Signer(f, sc.Provider)
	if err != nil {
		return err
	}
	chaotic := c.Shuffle || c.Duplicate > 0 || c.Drop > 0 || c.Delay > 0
	seed := ""
	if chaotic {
		if !o.SeedSet {
			c.Seed = rand.Uint64N(1 << 31)
		}
		seed = strconv.FormatUint(c.Seed, 10)
	}
	plan := scenario.Plan(len(built), c)

	client := f.HTTPClient()
	client.CheckRedirect = noRedirects
	poster := &delivery.Poster{Client: client, URL: o.To, Timeout: o.Timeout, Now: f.Now}
	out := ios.Out
	st := render.NewStyles(out, ios.ColourEnabled())
	emit := func(r scenario.Result) { render.ScenarioLine(out, st, r) }
	if o.JSON {
		emit = func(r scenario.Result) { render.ScenarioJSON(out, r) }
	}
	sum := scenario.Run(o.Ctx, sc, built, plan, scenario.Options{
		Post: poster.Post, Signer: signer, Scale: o.Scale, Now: f.Now,
	}, emit)
	est := render.NewStyles(ios.ErrOut, ios.StderrColourEnabled())
	render.ScenarioSummary(ios.ErrOut, est, sc.Name, len(sc.Steps), sum, seed)
	return cmdutil.BatchError(sum.Interrupted, sum.Failed)
}

// loadScenario reads the scenario file, or the built-in scenario of that name. An
// argument that names an existing path, or looks like one, is a file.
func loadScenario(o *ScenarioRunOptions) (*scenario.Scenario, error) {
	c, err := o.Factory.Catalog()
	if err != nil {
		return nil, err
	}
	arg := o.Scenario
	_, statErr := os.Stat(arg)
	if statErr == nil || strings.HasSuffix(arg, ".json") || strings.ContainsRune(arg, os.PathSeparator) || strings.Contains(arg, "/") {
		sc, err := scenario.ReadFile(c, arg, o.Provider)
		if err != nil {
			return nil, cmdutil.WithHint(err, "")
		}
		return sc, nil
	}
	sc, err := scenario.Builtin(c, arg)
	if err != nil {
		return nil, err
	}
	if sc == nil {
		all, _ := scenario.Builtins(c)
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
		}
		hint := "name a file, or one of: " + strings.Join(names, ", ")
		if s := cmdutil.Closest(arg, names); s != "" {
			hint = "did you mean " + s + "?"
		}
		return nil, cmdutil.WithHint(fmt.Errorf("no scenario file or built-in scenario named %q", arg), hint)
	}
	if o.Provider != nil && o.Provider.ID != sc.Provider.ID {
		return nil, cmdutil.Usagef("%s is a %s scenario, -p names %s", sc.Name, sc.Provider.ID, o.Provider.ID)
	}
	return sc, nil
}
