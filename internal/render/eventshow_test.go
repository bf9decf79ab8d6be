package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/whk-cli/whk/internal/catalog"
)

func showEvent() (*catalog.Provider, *catalog.Event) {
	p := &catalog.Provider{ID: "acme", Name: "Acme\x1b[31m", Envelope: []catalog.Field{{Name: "id", Type: "string", Required: true}}}
	e := &catalog.Event{
		Type:        "doc.signed",
		Description: "A document was signed.",
		Fields: []catalog.Field{
			{Name: "state", Type: "string", Nullable: true, Enum: []json.RawMessage{[]byte(`"open"`), []byte(`"closed"`)}},
			{Name: "ref", Type: "string", Pattern: "^d_"},
		},
		Rules:   []catalog.Rule{{When: catalog.Condition{Field: "state", Equals: "closed"}, NotNull: []string{"ref"}}},
		Example: json.RawMessage(`{"id":"e1","state":"closed","ref":"d_1"}`),
	}
	return p, e
}

func TestEventShow(t *testing.T) {
	p, e := showEvent()
	var b bytes.Buffer
	if err := EventShow(&b, p, e); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Acme\\x1b[31m doc.signed\n\nA document was signed.\n\n",
		"Payload: not documented by Acme\\x1b[31m.",
		"  NAME   TYPE    REQUIRED  NULLABLE  ENUM               FORMAT\n",
		"  id     string  yes       no        -                  -\n",
		"  state  string  no        yes       \"open\" | \"closed\"  -\n",
		"  ref    string  no        no        -                  pattern ^d_\n",
		"  when state is \"closed\": ref must not be null\n",
		"Example:\n{\n  \"id\": \"e1\",",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("an escape from the catalog reached the terminal:\n%q", out)
	}
}

func TestEventShowJSON(t *testing.T) {
	p, e := showEvent()
	e.Documented = true
	var b bytes.Buffer
	if err := EventShowJSON(&b, p, e); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Provider   string
		Type       string
		Documented bool
		Fields     []map[string]any
		Example    map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, b.String())
	}
	if got.Provider != "acme" || got.Type != "doc.signed" || !got.Documented || len(got.Fields) != 3 || got.Example["ref"] != "d_1" {
		t.Fatalf("got %+v", got)
	}
	if got.Fields[2]["name"] != "ref" || got.Fields[2]["format"] != "pattern ^d_" {
		t.Fatalf("ref field %v", got.Fields[2])
	}
}

func TestEventsJSON(t *testing.T) {
	var b bytes.Buffer
	rows := []EventRow{{Provider: "acme", Type: "a<b", Documented: true, Description: "one"}, {Provider: "acme", Type: "c", Description: "two"}}
	if err := EventsJSON(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := `{"provider":"acme","type":"a<b","description":"one","documented":true}` + "\n" +
		`{"provider":"acme","type":"c","description":"two","documented":false}` + "\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}
