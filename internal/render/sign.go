package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/whk-cli/whk/internal/jsontree"
	"github.com/whk-cli/whk/internal/signing"
)

// SignedRequest is what `whk sign` prints: the headers a provider attaches and the body
// it sends (changed only by Oneflow, which puts its signature in the body).
type SignedRequest struct {
	Headers []signing.Header
	Body    []byte
	// BodyChanged says the scheme set a field in the body (Oneflow).
	BodyChanged bool
	// BodyFile is the file the body came from, for curl's --data-binary @FILE; "" for stdin.
	BodyFile string
	// URL and ContentType fill in the curl command.
	URL         string
	ContentType string
}

// SignHeaders prints one "Name: value" line per header; a scheme that signs in the body
// (Oneflow) prints the body exactly as it would be sent, without an added newline.
func SignHeaders(w io.Writer, r SignedRequest) error {
	if r.BodyChanged {
		_, err := w.Write(r.Body)
		return err
	}
	for _, h := range r.Headers {
		if _, err := fmt.Fprintf(w, "%s: %s\n", h.Name, h.Value); err != nil {
			return err
		}
	}
	return nil
}

// SignJSON prints {"headers":{...},"body":"..."} on one line, headers in the order the
// provider sends them.
func SignJSON(w io.Writer, r SignedRequest) error {
	var b strings.Builder
	b.WriteString(`{"headers":{`)
	for i, h := range r.Headers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalString(h.Name))
		b.WriteByte(':')
		b.Write(marshalString(h.Value))
	}
	b.WriteString(`},"body":`)
	b.Write(marshalString(string(r.Body)))
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func marshalString(s string) []byte {
	b, _ := jsontree.Marshal(s) // a string always encodes
	return b
}

// SignCurl prints a curl command that sends the signed body byte for byte: from the
// input file with --data-binary @FILE when the body is unchanged, else inline and
// single-quoted for a POSIX shell.
func SignCurl(w io.Writer, r SignedRequest) error {
	var b strings.Builder
	inline := r.BodyFile == "" || r.BodyChanged
	if inline && strings.HasPrefix(string(r.Body), "@") {
		// curl reads "@name" as a file name: pipe such a body in instead.
		b.WriteString("printf '%s' " + ShellQuote(string(r.Body)) + " |\n  ")
	}
	b.WriteString("curl -sS -X POST " + ShellQuote(r.URL))
	if r.ContentType != "" {
		b.WriteString(" \\\n  -H " + ShellQuote("Content-Type: "+r.ContentType))
	}
	for _, h := range r.Headers {
		b.WriteString(" \\\n  -H " + ShellQuote(h.Name+": "+h.Value))
	}
	switch {
	case !inline:
		b.WriteString(" \\\n  --data-binary " + ShellQuote("@"+r.BodyFile))
	case strings.HasPrefix(string(r.Body), "@"):
		b.WriteString(" \\\n  --data-binary @-")
	default:
		b.WriteString(" \\\n  --data-binary " + ShellQuote(string(r.Body)))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// ShellQuote quotes s for a POSIX shell: inside single quotes, each single quote is
// closed, escaped with a backslash and reopened.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
