package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/whk-cli/whk/internal/catalog"
)

// fieldRow is one field of an event as `whk events show --json` lists it.
type fieldRow struct {
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Required bool              `json:"required"`
	Nullable bool              `json:"nullable"`
	Enum     []json.RawMessage `json:"enum,omitempty"`
	Format   string            `json:"format,omitempty"`
	Note     string            `json:"description,omitempty"`
}

// fieldRows are e's fields as `events show` lists them: a pattern stands in for a
// missing format.
func fieldRows(p *catalog.Provider, e *catalog.Event) []fieldRow {
	var rows []fieldRow
	for _, f := range p.FieldPaths(e) {
		format := f.Format
		if format == "" && f.Pattern != "" {
			format = "pattern " + f.Pattern
		}
		rows = append(rows, fieldRow{f.Path, f.Type, f.Required, f.Nullable, f.Enum, format, f.Description})
	}
	return rows
}

// EventShowJSON prints `whk events show --json`: the event's description, fields and
// example as one JSON object.
func EventShowJSON(w io.Writer, p *catalog.Provider, e *catalog.Event) error {
	out := struct {
		Provider    string          `json:"provider"`
		Type        string          `json:"type"`
		Description string          `json:"description"`
		Documented  bool            `json:"documented"`
		Fields      []fieldRow      `json:"fields"`
		Example     json.RawMessage `json:"example"`
	}{p.ID, e.Type, e.Description, e.Documented, fieldRows(p, e), e.Example}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// EventShow prints `whk events show`: the description, a table of fields, the rules
// that tie fields together and the example. A --catalog file is input: its text goes
// through Safe, SafeText and SafeBlock.
func EventShow(w io.Writer, p *catalog.Provider, e *catalog.Event) error {
	fmt.Fprintf(w, "%s %s\n\n%s\n\n", SafeText(p.Name), Safe(e.Type), SafeText(e.Description))
	if !e.Documented {
		fmt.Fprintf(w, "Payload: not documented by %s. Only the envelope is known and checked.\n\n", SafeText(p.Name))
	}
	fmt.Fprintln(w, "Fields:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tTYPE\tREQUIRED\tNULLABLE\tENUM\tFORMAT")
	for _, r := range fieldRows(p, e) {
		var enum []string
		for _, v := range r.Enum {
			enum = append(enum, string(v))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", Safe(r.Name), Safe(r.Type), yesNo(r.Required), yesNo(r.Nullable), dash(SafeText(strings.Join(enum, " | "))), dash(SafeText(r.Format)))
	}
	tw.Flush()
	for _, r := range e.Rules {
		if len(r.NotNull) > 0 {
			fmt.Fprintf(w, "  when %s is %q: %s must not be null\n", Safe(r.When.Field), r.When.Equals, SafeText(strings.Join(r.NotNull, ", ")))
		}
		if len(r.Null) > 0 {
			fmt.Fprintf(w, "  when %s is %q: %s are null\n", Safe(r.When.Field), r.When.Equals, SafeText(strings.Join(r.Null, ", ")))
		}
	}
	var ex bytes.Buffer
	if err := json.Indent(&ex, e.Example, "", "  "); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nExample:\n%s\n", SafeBlock(ex.String()))
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
