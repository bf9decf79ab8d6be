package validation

import "unicode/utf8"

// ParseJSON decodes data into the same Go values as encoding/json.Unmarshal into an
// `any` does, in one pass and with fewer allocations (see parse). ok is false when
// data is not one JSON value or is not valid UTF-8 (which encoding/json accepts,
// replacing the bad bytes): callers then ask encoding/json, for the value or the error.
// `whk listen` decodes every body with it.
func ParseJSON(data []byte) (v any, ok bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	return parse(data)
}
