package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"
)

// parsedJUnit is a JUnit document as a CI reader sees it.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   *int     `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     *int            `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, b []byte) parsedJUnit {
	t.Helper()
	var doc parsedJUnit
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	return doc
}

// What goes in comes out of an XML reader unchanged, whatever the characters; those XML
// cannot carry become U+FFFD.
func TestJUnitWriterRoundTrip(t *testing.T) {
	awkward := "quote \" apos ' <tag> & amp\nline\ttab\r\x00nul"
	var j junitWriter
	cases := []junitCase{
		{Name: awkward, Classname: "c", Failure: &junitMessage{Message: awkward, Type: "invalid", Text: awkward}},
		{Name: "skipped", Classname: "c", Time: "0.001", Skipped: &junitMessage{Message: awkward}},
		{Name: "passed", Classname: "c", SystemOut: junitText(awkward)},
	}
	for _, c := range cases {
		if err := j.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := j.End(&b, junitSuite{Command: "whk x", Name: "whk x y", Tests: 3, Failures: 1, Skipped: 1, Time: 1500 * time.Millisecond,
		Properties: []junitProperty{{"url", awkward}}}); err != nil {
		t.Fatal(err)
	}
	doc := parseJUnit(t, b.Bytes())
	s := doc.Suites[0]
	if doc.Name != "whk x" || s.Name != "whk x y" || doc.Time != "1.500" {
		t.Errorf("names %q, %q, time %q", doc.Name, s.Name, doc.Time)
	}
	for _, counts := range [][3]int{{doc.Tests, doc.Failures, doc.Skipped}, {s.Tests, s.Failures, s.Skipped}} {
		if counts != [3]int{3, 1, 1} {
			t.Errorf("counts %v, want [3 1 1]", counts)
		}
	}
	if doc.Errors == nil || *doc.Errors != 0 || s.Errors == nil || *s.Errors != 0 {
		t.Error(`errors="0" missing`)
	}
	want := strings.ReplaceAll(awkward, "\x00", "\uFFFD")
	// XML readers normalise a literal CR in text to LF; the writer escapes it so it survives.
	if s.Cases[0].Name != want || s.Cases[0].Failure.Message != want || s.Cases[0].Failure.Text != want || s.Cases[0].Failure.Type != "invalid" {
		t.Errorf("failure case = %+v", s.Cases[0])
	}
	if s.Cases[1].Skipped == nil || s.Cases[1].Skipped.Message != want || s.Cases[1].Time != "0.001" {
		t.Errorf("skipped case = %+v", s.Cases[1])
	}
	if string(s.Cases[2].SystemOut) != want || s.Cases[2].Failure != nil {
		t.Errorf("passed case = %+v", s.Cases[2])
	}
	if len(s.Properties) != 1 || s.Properties[0].Value != want {
		t.Errorf("properties = %+v", s.Properties)
	}
}

// Past spillSize the cases go to a temporary file; the document is the same and in order.
func TestJUnitWriterSpills(t *testing.T) {
	var j junitWriter
	detail := strings.Repeat("x", 1000)
	n := spillSize/1000 + 100
	for i := 0; i < n; i++ {
		if err := j.Add(junitCase{Name: fmt.Sprint(i), Classname: "c", SystemOut: junitText(detail)}); err != nil {
			t.Fatal(err)
		}
	}
	if j.spill == nil {
		t.Fatal("no spill file after more than spillSize of cases")
	}
	var b bytes.Buffer
	if err := j.End(&b, junitSuite{Command: "whk x", Name: "whk x", Tests: n}); err != nil {
		t.Fatal(err)
	}
	cases := parseJUnit(t, b.Bytes()).Suites[0].Cases
	if len(cases) != n || cases[0].Name != "0" || cases[n-1].Name != fmt.Sprint(n-1) {
		t.Fatalf("%d cases, first %q, last %q", len(cases), cases[0].Name, cases[len(cases)-1].Name)
	}
}

// A suite with no cases is still a well-formed document.
func TestJUnitWriterEmpty(t *testing.T) {
	var j junitWriter
	var b bytes.Buffer
	if err := j.End(&b, junitSuite{Command: "whk validate", Name: "whk validate"}); err != nil {
		t.Fatal(err)
	}
	if doc := parseJUnit(t, b.Bytes()); doc.Tests != 0 || len(doc.Suites[0].Cases) != 0 {
		t.Fatalf("%+v", doc)
	}
}
