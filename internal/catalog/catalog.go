// Package catalog holds what whk knows about each webhook provider: how it signs and
// delivers, its envelope, and its events with their fields and examples. The data lives
// in data/*.json, one file per provider; users add more with --catalog DIR.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/whk-cli/whk/internal/input"
)

//go:embed data/*.json
var builtin embed.FS

// Scheme names, one per signing scheme whk implements.
const (
	SchemeHMACSHA256       = "hmac-sha256"
	SchemeIroncladRSA      = "ironclad-rsa"
	SchemeHeaderToken      = "header-token"
	SchemeOneflowSHA1      = "oneflow-sha1"
	SchemeStandardWebhooks = "standard-webhooks"
)

// Schemes lists the scheme names a provider may use.
var Schemes = []string{SchemeHMAC, SchemeHMACSHA256, SchemeIroncladRSA, SchemeHeaderToken, SchemeOneflowSHA1, SchemeStandardWebhooks}

// Catalog is the set of known providers.
type Catalog struct {
	providers []*Provider
	byName    map[string]*Provider
}

// Provider is one webhook sender: how it signs, delivers and retries, and what it sends.
type Provider struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases"`
	Source      string   `json:"source"`
	Scheme      Scheme   `json:"scheme"`
	ContentType string   `json:"content_type"`
	// UserAgent is empty when the provider does not document one.
	UserAgent string   `json:"user_agent,omitempty"`
	Headers   []Header `json:"headers"`
	// DeliveryTimeLayout formats {delivery_time} in Headers (Go time layout, UTC).
	DeliveryTimeLayout string `json:"delivery_time_layout,omitempty"`
	// Detect lists top-level body keys that, all present, identify this provider.
	Detect []string `json:"detect"`
	// TypeAt is a JSON pointer to the event type; "*" matches every array element.
	TypeAt string `json:"type_at"`
	// IDAt is a JSON pointer to the delivery id, or "header:Name" when it travels in a header.
	IDAt string `json:"id_at"`
	// PayloadAt is a JSON pointer to the object that holds the event's own fields ("" = root).
	PayloadAt string  `json:"payload_at"`
	Envelope  []Field `json:"envelope"`
	// Fresh says which values get new ids and timestamps when whk builds a delivery.
	Fresh   []Fresh  `json:"fresh"`
	Success Success  `json:"success"`
	Timeout Duration `json:"timeout,omitempty"`
	Retry   Retry    `json:"retry"`
	Notes   []string `json:"notes,omitempty"`
	// HTTPSOnly means the provider delivers only to https:// endpoints.
	HTTPSOnly bool `json:"https_only,omitempty"`
	// VersionSuffix is what the provider appends to an event type when it ships a
	// changed payload as a new type beside the old one (".v2"); "" when it does not.
	VersionSuffix string `json:"version_suffix,omitempty"`
	// Dedupe quotes the provider's documents where they ask receivers to process a
	// delivery at most once (the same id may arrive again); "" when they do not.
	Dedupe string `json:"dedupe,omitempty"`
	// MaxBody is the largest body, in bytes, the provider's documents say it sends; 0
	// when they state none.
	MaxBody int64    `json:"max_body,omitempty"`
	Events  []*Event `json:"events"`
}

// Scheme names a signing scheme and its parameters.
type Scheme struct {
	Name string `json:"name"`
	// Header carries the signature or token.
	Header   string `json:"header,omitempty"`
	Prefix   string `json:"prefix,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// EventIDHeader carries the event id that Ironclad signs.
	EventIDHeader string `json:"event_id_header,omitempty"`
	// Field is the body field holding Oneflow's signature; IDField the field it signs.
	Field   string `json:"field,omitempty"`
	IDField string `json:"id_field,omitempty"`

	// The declarative HMAC scheme's keys (name "hmac"; see HMACSpec, which holds them
	// checked and with their defaults).
	Signed          string   `json:"signed,omitempty"`
	Algorithm       string   `json:"algorithm,omitempty"`
	Key             string   `json:"key,omitempty"`
	Value           string   `json:"value,omitempty"`
	Separator       string   `json:"separator,omitempty"`
	TimestampHeader string   `json:"timestamp_header,omitempty"`
	IDHeader        string   `json:"id_header,omitempty"`
	Tolerance       Duration `json:"tolerance,omitempty"`
	IDPrefix        string   `json:"id_prefix,omitempty"`
	Ed25519Value    string   `json:"ed25519_value,omitempty"`
}

// Header is a delivery header; Value may hold {type}, {id} and {delivery_time}.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Fresh says how to renew one value of an example body.
type Fresh struct {
	At     string `json:"at"`
	Kind   string `json:"kind"` // prefixed, uuid, hex, time
	Prefix string `json:"prefix,omitempty"`
	Length int    `json:"length,omitempty"`
	Layout string `json:"layout,omitempty"`
}

// Success is the provider's rule for an acknowledged delivery.
type Success struct {
	// Rule is "2xx" (any 2xx) or "200" (exactly 200).
	Rule string `json:"rule"`
	// StopStatuses end retrying for good (Ironclad deletes the webhook on 410).
	StopStatuses []int `json:"stop_statuses,omitempty"`
	// RetryStatuses is "5xx" when only server errors are retried; empty means any failure.
	RetryStatuses string `json:"retry_statuses,omitempty"`
	StopNote      string `json:"stop_note,omitempty"`
}

// Retry is the provider's retry schedule as documented.
type Retry struct {
	Documented bool       `json:"documented"`
	Delays     []Duration `json:"delays,omitempty"`
	Base       Duration   `json:"base,omitempty"`
	Factor     float64    `json:"factor,omitempty"`
	Retries    int        `json:"retries,omitempty"`
	Note       string     `json:"note,omitempty"`
	// ThrottleStatuses are answers the provider reads as "slow down" (the receiver is
	// rate-limited or under load) rather than as a broken endpoint: it keeps to its
	// schedule and says so. Only where the provider's documents say it.
	ThrottleStatuses []int `json:"throttle_statuses,omitempty"`
	// RetryAfter means the provider's documents say a failed answer's Retry-After header
	// is taken into account when scheduling the next attempt; false is "not documented".
	RetryAfter bool `json:"retry_after,omitempty"`
}

// Throttles reports whether the provider reads status as a request to slow down.
func (r Retry) Throttles(status int) bool {
	return slices.Contains(r.ThrottleStatuses, status)
}

// Event is one event type a provider sends.
type Event struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	// Documented is false when no document describes the payload: schemas then check
	// the envelope only.
	Documented bool    `json:"documented"`
	Fields     []Field `json:"fields,omitempty"`
	Rules      []Rule  `json:"rules,omitempty"`
	// Schema is the JSON Schema of the whole delivery body, kept as an imported
	// description gave it (whk catalog import); when set, Fields and Rules are unused.
	Schema  json.RawMessage `json:"schema,omitempty"`
	Example json.RawMessage `json:"example"`
}

// Field describes one JSON value of an envelope or payload.
type Field struct {
	Name        string            `json:"name,omitempty"`
	Type        string            `json:"type"`
	Required    bool              `json:"required,omitempty"`
	Nullable    bool              `json:"nullable,omitempty"`
	Enum        []json.RawMessage `json:"enum,omitempty"`
	Const       json.RawMessage   `json:"const,omitempty"`
	Format      string            `json:"format,omitempty"`
	Pattern     string            `json:"pattern,omitempty"`
	Description string            `json:"description,omitempty"`
	Fields      []Field           `json:"fields,omitempty"`
	Items       *Field            `json:"items,omitempty"`
}

// Rule ties fields to the value of another field (Clment: findingId follows context).
type Rule struct {
	When    Condition `json:"when"`
	Null    []string  `json:"null,omitempty"`
	NotNull []string  `json:"not_null,omitempty"`
}

// Condition matches a payload field equal to a value.
type Condition struct {
	Field  string `json:"field"`
	Equals string `json:"equals"`
}

// Duration is a time.Duration written as Go syntax ("90s", "2h") in catalog files.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration in Go syntax.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnknownProviderError names a provider the catalog does not have.
type UnknownProviderError struct {
	Name    string
	Choices []string
}

func (e *UnknownProviderError) Error() string {
	return fmt.Sprintf("unknown provider %q (choose one of: %s)", e.Name, strings.Join(e.Choices, ", "))
}

// UnknownEventError names an event type a provider does not have.
type UnknownEventError struct {
	Provider string
	Type     string
}

func (e *UnknownEventError) Error() string {
	return fmt.Sprintf("unknown event %q for provider %s (run 'whk events list -p %s')", e.Type, e.Provider, e.Provider)
}

// Load reads the built-in catalog and then each extra directory. A file in an extra
// directory either adds a provider or, when its id names a known one, adds or replaces
// that provider's events.
func Load(extraDirs ...string) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Provider{}}
	if err := c.addFS(builtin, "data", "built-in catalog"); err != nil {
		return nil, err
	}
	for _, dir := range extraDirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("catalog directory %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("catalog %s is not a directory", dir)
		}
		if err := c.addFS(os.DirFS(dir), ".", dir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// MustBuiltin returns the built-in catalog; it panics only if the embedded data is broken,
// which the package tests rule out.
func MustBuiltin() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// maxCatalogFile bounds one catalog file; the built-in ones are under 100 KiB.
const maxCatalogFile = 4 << 20

func (c *Catalog) addFS(fsys fs.FS, dir, origin string) error {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		// Regular files only, bounded: a FIFO or a link to /dev/zero would hang the load.
		data, err := input.ReadRegular(fsys, name, maxCatalogFile)
		if err != nil {
			return fmt.Errorf("catalog %s: %w", filepath.Join(origin, filepath.Base(name)), err)
		}
		where := filepath.Join(origin, filepath.Base(name))
		var p Provider
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("catalog %s: %w", where, err)
		}
		if err := c.add(&p, where); err != nil {
			return err
		}
	}
	return nil
}

func (c *Catalog) add(p *Provider, where string) error {
	if err := checkProviderName("id", p.ID); err != nil {
		return fmt.Errorf("catalog %s: %w", where, err)
	}
	if old, ok := c.byName[p.ID]; ok && old.ID == p.ID {
		// Extending a known provider: merge its events, then check the merged set.
		for _, e := range p.Events {
			if err := checkEvent(e); err != nil {
				return fmt.Errorf("catalog %s: %w", where, err)
			}
		}
		events := append([]*Event(nil), old.Events...)
		for _, e := range p.Events {
			if i := eventIndex(events, e.Type); i >= 0 {
				events[i] = e
			} else {
				events = append(events, e)
			}
		}
		if err := checkFileNames(events); err != nil {
			return fmt.Errorf("catalog %s: provider %s: %w", where, p.ID, err)
		}
		old.Events = events
		return nil
	}
	if err := p.check(); err != nil {
		return fmt.Errorf("catalog %s: %w", where, err)
	}
	for _, n := range append([]string{p.ID}, p.Aliases...) {
		if _, dup := c.byName[n]; dup {
			return fmt.Errorf("catalog %s: provider name %q is already taken", where, n)
		}
		c.byName[n] = p
	}
	c.providers = append(c.providers, p)
	return nil
}

func (p *Provider) check() error {
	for _, a := range p.Aliases {
		if err := checkProviderName("alias", a); err != nil {
			return fmt.Errorf("provider %s: %w", p.ID, err)
		}
	}
	if err := p.checkHeaders(); err != nil {
		return fmt.Errorf("provider %s: %w", p.ID, err)
	}
	if err := p.checkNumbers(); err != nil {
		return fmt.Errorf("provider %s: %w", p.ID, err)
	}
	if err := checkFields("envelope", p.Envelope, 1); err != nil {
		return fmt.Errorf("provider %s: %w", p.ID, err)
	}
	known := false
	for _, s := range Schemes {
		known = known || s == p.Scheme.Name
	}
	if !known {
		return fmt.Errorf("provider %s: unknown scheme %q (one of %s)", p.ID, p.Scheme.Name, strings.Join(Schemes, ", "))
	}
	if _, _, err := p.Scheme.HMAC(); err != nil {
		return fmt.Errorf("provider %s: %w", p.ID, err)
	}
	if p.Success.Rule != "2xx" && p.Success.Rule != "200" {
		return fmt.Errorf("provider %s: success rule must be \"2xx\" or \"200\"", p.ID)
	}
	if err := p.checkPointers(); err != nil {
		return err
	}
	for _, e := range p.Events {
		if err := checkEvent(e); err != nil {
			return fmt.Errorf("provider %s: %w", p.ID, err)
		}
	}
	if err := checkFileNames(p.Events); err != nil {
		return fmt.Errorf("provider %s: %w", p.ID, err)
	}
	return nil
}

// checkFileNames refuses two events whose files would be one: the same type twice (the
// second could never be selected), or types that differ only in case or in ':' against
// '.', which share a file on a case-insensitive file system or after FileName.
func checkFileNames(events []*Event) error {
	files := map[string]string{}
	for _, e := range events {
		name := strings.ToLower(e.FileName())
		if other, dup := files[name]; dup {
			return fmt.Errorf("events %q and %q share a file name", other, e.Type)
		}
		files[name] = e.Type
	}
	return nil
}

func checkEvent(e *Event) error {
	if err := checkEventType(e.Type); err != nil {
		return err
	}
	if err := checkFields("event "+e.Type, e.Fields, 1); err != nil {
		return err
	}
	if len(e.Schema) > 0 {
		var s any
		if err := json.Unmarshal(e.Schema, &s); err != nil {
			return fmt.Errorf("event %s: schema is not JSON: %w", e.Type, err)
		}
		if _, ok := s.(map[string]any); !ok {
			return fmt.Errorf("event %s: schema must be a JSON object", e.Type)
		}
	}
	if len(e.Example) == 0 {
		return fmt.Errorf("event %s has no example", e.Type)
	}
	var v any
	if err := json.Unmarshal(e.Example, &v); err != nil {
		return fmt.Errorf("event %s: example is not JSON: %w", e.Type, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("event %s: example must be a JSON object", e.Type)
	}
	return nil
}

// Providers returns every provider in catalog order (built-ins first).
func (c *Catalog) Providers() []*Provider { return c.providers }

// IDs returns the provider ids in catalog order.
func (c *Catalog) IDs() []string {
	ids := make([]string, len(c.providers))
	for i, p := range c.providers {
		ids[i] = p.ID
	}
	return ids
}

// Provider finds a provider by id or alias.
func (c *Catalog) Provider(name string) (*Provider, error) {
	if p, ok := c.byName[strings.ToLower(strings.TrimSpace(name))]; ok {
		return p, nil
	}
	return nil, &UnknownProviderError{Name: name, Choices: c.IDs()}
}

// Event finds one of the provider's events.
func (p *Provider) Event(typ string) (*Event, error) {
	if i := p.eventIndex(typ); i >= 0 {
		return p.Events[i], nil
	}
	return nil, &UnknownEventError{Provider: p.ID, Type: typ}
}

func (p *Provider) eventIndex(typ string) int { return eventIndex(p.Events, typ) }

func eventIndex(events []*Event, typ string) int {
	for i, e := range events {
		if e.Type == typ {
			return i
		}
	}
	return -1
}

// EventTypes lists the provider's event types in catalog order.
func (p *Provider) EventTypes() []string {
	out := make([]string, len(p.Events))
	for i, e := range p.Events {
		out[i] = e.Type
	}
	return out
}

// Summary is the first sentence of the description, for one-line listings.
func (e *Event) Summary() string {
	d := e.Description
	if i := strings.Index(d, ". "); i >= 0 {
		d = d[:i+1]
	}
	return d
}

// FileName is the event's base name in schemas/ and fixtures/. Colons (Oneflow's
// subject:verb types) become dots: a colon is not allowed in module file paths.
func (e *Event) FileName() string { return strings.ReplaceAll(e.Type, ":", ".") }

// Schedule returns the delays before each retry and whether the provider documents them.
// Where it does not, whk uses the Standard Webhooks example delays for the provider's
// documented number of retries.
func (r Retry) Schedule() (delays []time.Duration, documented bool) {
	switch {
	case len(r.Delays) > 0:
		for _, d := range r.Delays {
			delays = append(delays, time.Duration(d))
		}
		return delays, r.Documented
	case r.Base > 0:
		d := time.Duration(r.Base)
		for i := 0; i < r.Retries; i++ {
			delays = append(delays, d)
			d = time.Duration(float64(d) * r.Factor)
		}
		return delays, r.Documented
	}
	n := r.Retries
	if n > len(StandardWebhooksDelays) {
		n = len(StandardWebhooksDelays)
	}
	return append([]time.Duration(nil), StandardWebhooksDelays[:n]...), false
}

// StandardWebhooksDelays is the retry schedule the Standard Webhooks specification gives
// as an example, after the immediate first attempt.
var StandardWebhooksDelays = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
}

// Acknowledged reports whether an HTTP status counts as success under the provider's rule.
func (s Success) Acknowledged(status int) bool {
	if s.Rule == "200" {
		return status == 200
	}
	return status >= 200 && status < 300
}

// Retryable reports whether the provider would retry after this status.
func (s Success) Retryable(status int) bool {
	if s.Acknowledged(status) {
		return false
	}
	for _, st := range s.StopStatuses {
		if st == status {
			return false
		}
	}
	if s.RetryStatuses == "5xx" {
		return status == 0 || status >= 500
	}
	return true
}
