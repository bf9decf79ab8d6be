package record

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the record as Marshal encodes it (one line, no newline), byte for
// byte, without reflection: `whk listen` encodes every delivery with it.
// FuzzAppendJSON holds the two to the same bytes.
func (r *Record) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"kind":`...)
	dst = appendString(dst, r.Kind)
	dst = append(dst, `,"received_at":"`...)
	var err error
	if dst, err = r.ReceivedAt.AppendText(dst); err != nil {
		// As json.Marshal: a year outside 0-9999 has no RFC 3339 form.
		return nil, err
	}
	dst = append(dst, `","method":`...)
	dst = appendString(dst, r.Method)
	dst = append(dst, `,"path":`...)
	dst = appendString(dst, r.Path)
	if r.Route != "" {
		dst = append(dst, `,"route":`...)
		dst = appendString(dst, r.Route)
	}
	dst = append(dst, `,"headers":`...)
	dst = appendHeaders(dst, r.Headers)
	dst = append(dst, `,"body":`...)
	if r.Body == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, r.Body)
		dst = append(dst, '"')
	}
	dst = appendOptional(dst, `,"provider":`, r.Provider)
	dst = appendOptional(dst, `,"type":`, r.Type)
	dst = appendOptional(dst, `,"id":`, r.ID)
	dst = append(dst, `,"duplicate":`...)
	dst = strconv.AppendBool(dst, r.Duplicate)
	if s := r.Signature; s != nil {
		dst = append(dst, `,"signature":{"status":`...)
		dst = appendString(dst, s.Status)
		dst = appendOptional(dst, `,"reason":`, s.Reason)
		dst = append(dst, '}')
	}
	if s := r.Schema; s != nil {
		dst = append(dst, `,"schema":{"status":`...)
		dst = appendString(dst, s.Status)
		dst = appendProblems(dst, `,"errors":[`, s.Errors)
		dst = appendProblems(dst, `,"warnings":[`, s.Warnings)
		dst = append(dst, '}')
	}
	if s := r.Response; s != nil {
		dst = append(dst, `,"response":{"status":`...)
		dst = strconv.AppendInt(dst, int64(s.Status), 10)
		dst = appendOptional(dst, `,"body":`, s.Body)
		if len(s.BodyBase64) > 0 {
			dst = append(dst, `,"body_base64":"`...)
			dst = base64.StdEncoding.AppendEncode(dst, s.BodyBase64)
			dst = append(dst, '"')
		}
		if s.Truncated {
			dst = append(dst, `,"truncated":true`...)
		}
		if s.DurationMS != 0 {
			if math.IsNaN(s.DurationMS) || math.IsInf(s.DurationMS, 0) {
				return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(s.DurationMS, 'g', -1, 64)}
			}
			dst = append(dst, `,"duration_ms":`...)
			dst = appendFloat(dst, s.DurationMS)
		}
		if len(s.Headers) > 0 {
			dst = append(dst, `,"headers":`...)
			dst = appendHeaders(dst, s.Headers)
		}
		dst = append(dst, '}')
	}
	if r.Stored != nil {
		dst = AppendStored(dst, r.Stored)
	}
	return append(dst, '}'), nil
}

// appendHeaders appends headers as json.Marshal does: null for nil, else an object
// with the names in sorted order.
func appendHeaders(dst []byte, h http.Header) []byte {
	if h == nil {
		return append(dst, "null"...)
	}
	var stack [32]string
	names := stack[:0]
	for n := range h {
		names = append(names, n)
	}
	slices.Sort(names)
	dst = append(dst, '{')
	for i, n := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, n)
		dst = append(dst, ':')
		dst = appendStrings(dst, h[n])
	}
	return append(dst, '}')
}

// appendFloat appends a finite float64 as encoding/json does: the shortest decimal,
// in exponent form below 1e-6 and from 1e21 on, with a one-digit negative exponent.
func appendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as json.Marshal writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendStrings appends a header's values as json.Marshal does: null for nil, else an
// array of strings.
func appendStrings(dst []byte, vs []string) []byte {
	if vs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, v)
	}
	return append(dst, ']')
}

// appendOptional appends key and the string v, the way `json:",omitempty"` does: not
// at all when v is empty.
func appendOptional(dst []byte, key, v string) []byte {
	if v == "" {
		return dst
	}
	return appendString(append(dst, key...), v)
}

// AppendStored appends the "record" member (with its leading comma) as AppendJSON
// writes it. Stored is the record's last member, so listen marks a line already
// encoded without it by cutting the closing brace and appending this and the brace.
func AppendStored(dst []byte, s *Stored) []byte {
	dst = append(dst, `,"record":{"status":`...)
	dst = appendString(dst, s.Status)
	dst = appendOptional(dst, `,"file":`, s.File)
	dst = appendOptional(dst, `,"error":`, s.Error)
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does without HTML escaping: control
// characters, '"' and '\' escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendProblems appends a problem list under its key (open names it, up to the
// bracket); an empty list is omitted.
func appendProblems(dst []byte, open string, ps []Problem) []byte {
	if len(ps) == 0 {
		return dst
	}
	dst = append(dst, open...)
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"pointer":`...)
		dst = appendString(dst, p.Pointer)
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, p.Message)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
