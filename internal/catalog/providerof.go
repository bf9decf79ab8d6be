package catalog

import "net/http"

// ProviderOf picks the provider of one delivery, in the order every reader of
// deliveries (validate, replay, verify) follows: forced (-p) when given; else the
// provider a delivery record names, when the catalog knows it, because listen chose it
// when it received the request (told with -p, or detected); else Detect on the headers
// and the decoded body.
func (c *Catalog) ProviderOf(forced *Provider, recorded string, h http.Header, doc any) (*Provider, error) {
	if forced != nil {
		return forced, nil
	}
	if recorded != "" {
		if p, err := c.Provider(recorded); err == nil {
			return p, nil
		}
	}
	return c.Detect(h, doc)
}
