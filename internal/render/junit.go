package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"time"
)

// junitSuite is the one <testsuite> of a JUnit document; whk validate and whk test each
// write one. Every count is written, zero or not: Ant's JUnit schema requires errors,
// and CI readers differ on which absent count they assume.
type junitSuite struct {
	// Command names the document (<testsuites>); Name the suite.
	Command    string
	Name       string
	Tests      int
	Failures   int
	Skipped    int
	Time       time.Duration
	Properties []junitProperty
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr,omitempty"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut junitText     `xml:"system-out,omitempty"`
}

// junitMessage is a <failure> or <skipped>; its tags are how readers decode it.
type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// MarshalXML writes the message with its text as junitText does.
func (m junitMessage) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: m.Message})
	if m.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: m.Type})
	}
	return junitText(m.Text).MarshalXML(e, start)
}

// junitText is element text that keeps its line breaks as they are, so a multi-line
// failure reads as lines in the raw XML too (encoding/xml's chardata writes &#xA;).
type junitText string

// MarshalXML writes the text as one CharData token, which escapes &, <, >, quotes and
// characters XML cannot carry, and leaves line breaks and tabs alone.
func (t junitText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeToken(xml.CharData(t)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// junitSeconds is a JUnit time attribute: seconds with three decimals.
func junitSeconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitWriter writes one JUnit XML document through encoding/xml. The suite's header
// carries the counts, so test cases are encoded as they come and held until End: in
// memory up to spillSize, then in an unlinked temporary file, so a long run does not
// grow the process.
type junitWriter struct {
	cases bytes.Buffer
	spill *os.File
}

const spillSize = 4 << 20

// Add encodes one test case.
func (j *junitWriter) Add(c junitCase) error {
	enc := xml.NewEncoder(&j.cases)
	enc.Indent("    ", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	j.cases.WriteByte('\n')
	if j.cases.Len() < spillSize {
		return nil
	}
	if j.spill == nil {
		f, err := os.CreateTemp("", "whk-junit-*.xml")
		if err != nil {
			return err
		}
		os.Remove(f.Name()) // unlinked: it goes away with the process
		j.spill = f
	}
	_, err := j.cases.WriteTo(j.spill)
	return err
}

// End writes the document to w: the header with s's counts, the cases, the footer.
func (j *junitWriter) End(w io.Writer, s junitSuite) error {
	if j.spill != nil {
		defer j.spill.Close()
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	counts := func(name string) xml.StartElement {
		return xml.StartElement{Name: xml.Name{Local: name}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "tests"}, Value: fmt.Sprint(s.Tests)},
			{Name: xml.Name{Local: "failures"}, Value: fmt.Sprint(s.Failures)},
			{Name: xml.Name{Local: "errors"}, Value: "0"},
			{Name: xml.Name{Local: "skipped"}, Value: fmt.Sprint(s.Skipped)},
			{Name: xml.Name{Local: "time"}, Value: junitSeconds(s.Time)},
		}}
	}
	suites, suite := counts("testsuites"), counts("testsuite")
	suites.Attr = append([]xml.Attr{{Name: xml.Name{Local: "name"}, Value: s.Command}}, suites.Attr...)
	suite.Attr = append([]xml.Attr{{Name: xml.Name{Local: "name"}, Value: s.Name}}, suite.Attr...)
	if err := enc.EncodeToken(suites); err != nil {
		return err
	}
	if err := enc.EncodeToken(suite); err != nil {
		return err
	}
	if len(s.Properties) > 0 {
		props := struct {
			XMLName    xml.Name        `xml:"properties"`
			Properties []junitProperty `xml:"property"`
		}{Properties: s.Properties}
		if err := enc.EncodeElement(props, xml.StartElement{Name: xml.Name{Local: "properties"}}); err != nil {
			return err
		}
	}
	// The encoder is left with both elements open: the cases and the closing tags go
	// in as the text they already are.
	if err := enc.Flush(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	if j.spill != nil {
		if _, err := j.spill.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(w, j.spill); err != nil {
			return err
		}
	}
	if _, err := j.cases.WriteTo(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "  </testsuite>\n</testsuites>\n")
	return err
}
