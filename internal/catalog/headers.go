package catalog

import (
	"strings"
	"time"
)

// DeliveryHeaders are the headers the provider sends with every delivery besides its
// signature: Content-Type, User-Agent (when documented) and the catalog's templated
// headers with {type}, {id} and {delivery_time} filled in.
func (p *Provider) DeliveryHeaders(typ, id string, at time.Time) []Header {
	var out []Header
	if p.ContentType != "" {
		out = append(out, Header{"Content-Type", p.ContentType})
	}
	if p.UserAgent != "" {
		out = append(out, Header{"User-Agent", p.UserAgent})
	}
	layout := p.DeliveryTimeLayout
	if layout == "" {
		layout = time.RFC3339
	}
	r := strings.NewReplacer("{type}", typ, "{id}", id, "{delivery_time}", at.UTC().Format(layout))
	for _, h := range p.Headers {
		out = append(out, Header{h.Name, r.Replace(h.Value)})
	}
	return out
}
