// Package interop speaks the ecosystem's webhook descriptions: it writes a provider's
// catalog as an OpenAPI 3.1 document (one `webhooks` entry per event) or an AsyncAPI 3.0
// document, and reads an OpenAPI `webhooks` (or 3.0 `x-webhooks`) section back into a
// catalog provider. It prints nothing; internal/cli writes what it returns.
package interop

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/schemagen"
	"github.com/whk-cli/whk/internal/signing"
)

// OpenAPIVersion and AsyncAPIVersion are the versions of the documents whk writes.
const (
	OpenAPIVersion  = "3.1.0"
	AsyncAPIVersion = "3.0.0"
)

// OpenAPI describes the provider's events as an OpenAPI 3.1 document: one Path Item per
// event under `webhooks`, whose POST carries the headers the provider sends, the
// event's schema (under components/schemas), its example and the statuses the provider
// counts as success. version goes into info.version.
func OpenAPI(p *catalog.Provider, version string) ([]byte, error) {
	schemas, err := eventSchemas(p)
	if err != nil {
		return nil, err
	}
	doc := object(
		"openapi", OpenAPIVersion,
		"info", info(p, version),
	)
	webhooks := object()
	components := object()
	for i, e := range p.Events {
		media := object(
			"schema", object("$ref", "#/components/schemas/"+componentName(e)),
			"example", json.RawMessage(e.Example),
		)
		op := object(
			"operationId", e.Type,
			"summary", e.Summary(),
			"description", e.Description,
			"parameters", headerParameters(p),
			"requestBody", object(
				"description", "The "+e.Type+" delivery body.",
				"required", true,
				"content", object(p.ContentType, media),
			),
			"responses", responses(p),
		)
		webhooks.Set(e.Type, object("post", op))
		components.Set(componentName(e), schemas[i])
	}
	doc.Set("webhooks", webhooks)
	doc.Set("components", object("schemas", components))
	return marshal(doc)
}

// AsyncAPI describes the provider's events as an AsyncAPI 3.0 document: a channel and
// a `receive` operation per event, whose message carries the headers the provider
// sends, the event's schema as payload and its example.
func AsyncAPI(p *catalog.Provider, version string) ([]byte, error) {
	schemas, err := eventSchemas(p)
	if err != nil {
		return nil, err
	}
	doc := object(
		"asyncapi", AsyncAPIVersion,
		"info", info(p, version),
		"defaultContentType", p.ContentType,
	)
	channels, operations, messages := object(), object(), object()
	headers := headerSchema(p)
	for i, e := range p.Events {
		name := componentName(e)
		msg := object(
			"name", e.Type,
			"title", e.Type,
			"summary", e.Summary(),
			"description", e.Description,
			"contentType", p.ContentType,
			"headers", headers,
			"payload", schemas[i],
			"examples", []any{object("name", "fixture", "payload", json.RawMessage(e.Example))},
		)
		messages.Set(name, msg)
		channels.Set(name, object(
			"description", "Deliveries of "+e.Type+" to the receiver's endpoint.",
			"messages", object(name, object("$ref", "#/components/messages/"+name)),
		))
		operations.Set("receive."+name, object(
			"action", "receive",
			"channel", object("$ref", "#/channels/"+name),
			"summary", e.Summary(),
			"messages", []any{object("$ref", "#/channels/"+name+"/messages/"+name)},
		))
	}
	doc.Set("channels", channels)
	doc.Set("operations", operations)
	doc.Set("components", object("messages", messages))
	return marshal(doc)
}

func info(p *catalog.Provider, version string) *jsontree.Object {
	desc := p.Name + " webhooks, from whk's catalog. Source: " + p.Source + "."
	for _, n := range p.Notes {
		desc += "\n\n" + n
	}
	return object("title", p.Name+" webhooks", "version", version, "description", desc)
}

// componentName names an event in components: Oneflow's colons are not allowed there,
// and FileName already turns them into dots.
func componentName(e *catalog.Event) string { return e.FileName() }

// eventSchemas are the generated schemas of each event, without $schema and $id: a
// Schema Object in OpenAPI 3.1 takes the document's dialect (a superset of draft
// 2020-12), and $id would move the base of every reference inside it.
func eventSchemas(p *catalog.Provider) ([]*jsontree.Object, error) {
	out := make([]*jsontree.Object, len(p.Events))
	for i, e := range p.Events {
		b, err := schemagen.EventSchema(p, e, schemagen.Options{})
		if err != nil {
			return nil, err
		}
		v, err := jsontree.Parse(b)
		if err != nil {
			return nil, err
		}
		s := v.(*jsontree.Object)
		out[i] = without(s, "$schema", "$id")
	}
	return out, nil
}

func without(o *jsontree.Object, keys ...string) *jsontree.Object {
	out := object()
	for _, k := range o.Keys {
		drop := false
		for _, d := range keys {
			drop = drop || k == d
		}
		if !drop {
			out.Set(k, o.Values[k])
		}
	}
	return out
}

// header is one header a delivery carries, with what whk knows of its value.
type header struct {
	name, description string
}

// headers are the headers the provider sends with every delivery: the catalog's own,
// then those its signing scheme attaches (learned by signing an empty body with
// throwaway keys, so no scheme is named here), then the header carrying the delivery
// id. The User-Agent and Content-Type are left to HTTP.
func headers(p *catalog.Provider) []header {
	var out []header
	seen := map[string]bool{}
	add := func(name, desc string) {
		if name == "" || seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		out = append(out, header{name, desc})
	}
	for _, h := range p.Headers {
		add(h.Name, "Sent as "+h.Value+".")
	}
	facts := signing.FactsFor(p)
	signed := "Set by the " + p.Scheme.Name + " signing scheme."
	if facts.Token {
		signed = "The shared token itself (" + p.Scheme.Name + " scheme): compare it in constant time."
	}
	if s, err := signing.For(p, ""); err == nil {
		if out, err := s.Sign([]byte("{}"), sampleKeys(), signing.Params{}); err == nil {
			for _, h := range out.Headers {
				add(h.Name, signed)
			}
		}
	}
	add(facts.Header, signed)
	if name, ok := strings.CutPrefix(p.IDAt, "header:"); ok {
		add(name, "The delivery id.")
	}
	return out
}

// sampleKeys sign a sample body only to learn which headers a scheme attaches; the
// values are thrown away.
func sampleKeys() signing.Keys {
	return signing.Keys{Secret: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), PrivateKey: shapeSigner{}}
}

// shapeSigner "signs" with zeros and claims an empty RSA public key: enough for a
// key-pair scheme to show its headers without generating a key.
type shapeSigner struct{}

func (shapeSigner) Public() crypto.PublicKey { return &rsa.PublicKey{} }

func (shapeSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return make([]byte, 256), nil
}

func headerParameters(p *catalog.Provider) []any {
	var out []any
	for _, h := range headers(p) {
		out = append(out, object(
			"name", h.name,
			"in", "header",
			"description", h.description,
			"required", true,
			"schema", object("type", "string"),
		))
	}
	if out == nil {
		out = []any{}
	}
	return out
}

func headerSchema(p *catalog.Provider) *jsontree.Object {
	props := object()
	var req []any
	for _, h := range headers(p) {
		props.Set(h.name, object("type", "string", "description", h.description))
		req = append(req, h.name)
	}
	s := object("type", "object", "properties", props)
	if req != nil {
		s.Set("required", req)
	}
	return s
}

// responses are the statuses the provider counts as success: exactly 200 or any 2xx.
func responses(p *catalog.Provider) *jsontree.Object {
	code, desc := "2XX", "Any 2xx status acknowledges the delivery."
	if p.Success.Rule == "200" {
		code, desc = "200", "Only 200 acknowledges the delivery; any other status is a failure."
	}
	if p.Success.StopNote != "" {
		desc += " " + p.Success.StopNote
	}
	return object(code, object("description", desc))
}

// object builds an ordered object from key, value pairs.
func object(kv ...any) *jsontree.Object {
	o := &jsontree.Object{Values: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

func marshal(v any) ([]byte, error) {
	b, err := jsontree.Marshal(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, fmt.Errorf("indent: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
