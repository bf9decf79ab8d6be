package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/validation"
)

func renderValidate(t *testing.T, format string, rs ...validation.Result) string {
	t.Helper()
	var b bytes.Buffer
	r, err := NewValidateRenderer(format, &b, false)
	if err != nil {
		t.Fatal(err)
	}
	st := validation.Stats{}
	for i := range rs {
		if err := r.Result(&rs[i]); err != nil {
			t.Fatal(err)
		}
		st.Checked++
		if !rs[i].Valid() {
			st.Invalid++
		}
	}
	if err := r.End(st, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var awkward = validation.Result{Source: "a,b:c%.json", Line: 3, Provider: "oneflow", Type: "contract:publish",
	Errors: []validation.Problem{{Pointer: "/events/0", Message: "bad\nvalue <&> \"q\" \x01"}}}

func TestValidateGitHubEscapes(t *testing.T) {
	got := renderValidate(t, "github", awkward)
	want := "::error file=a%2Cb%3Ac%25.json,line=3,title=oneflow contract%3Apublish::/events/0: bad%0Avalue <&> \"q\" \x01\n"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestValidateJUnitEscapes(t *testing.T) {
	got := renderValidate(t, "junit", awkward, validation.Result{Source: "-", Provider: "clment", Type: "review.completed"})
	for _, want := range []string{
		`<testsuites name="whk validate" tests="2" failures="1" errors="0" skipped="0" time="1.500">`,
		`<testcase name="a,b:c%.json:3" classname="oneflow.contract:publish">`,
		`<failure message="bad&#xA;value &lt;&amp;&gt; &#34;q&#34; ` + "\uFFFD" + `" type="invalid">a,b:c%.json:3: oneflow contract:publish: /events/0: bad` + "\n" + `value &lt;&amp;&gt; &#34;q&#34; ` + "\uFFFD\n</failure>",
		`<testcase name="&lt;stdin&gt;" classname="clment.review.completed">`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestValidateSummary(t *testing.T) {
	got := ValidateSummary(validation.Stats{Checked: 3, Valid: 1, Invalid: 2, Warned: 1, Unreadable: 1}, 41*time.Millisecond+300*time.Microsecond)
	if want := "checked 3 items in 41ms: 1 valid, 2 invalid (1 with warnings, 1 unreadable)"; got != want {
		t.Fatalf("got %q", got)
	}
}
