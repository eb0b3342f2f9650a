package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// renderOutputs renders res as report.html, summary.md and summary.json.
func renderOutputs(t *testing.T, res *Result) (html, md, js string) {
	t.Helper()
	var h, m, j bytes.Buffer
	if err := RenderHTML(&h, res, HTMLOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&m, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(&j, res); err != nil {
		t.Fatal(err)
	}
	return h.String(), m.String(), j.String()
}

// TestMixedFormatsInOutputs: a file whose lines were read in several formats says so in every
// output; a file read in one format adds nothing.
func TestMixedFormatsInOutputs(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {10, 10}})
	html, md, js := renderOutputs(t, res)
	for _, out := range []string{html, md, js} {
		if strings.Contains(out, "formats") || strings.Contains(out, "several formats") {
			t.Errorf("one format per file, yet the output mentions formats:\n%s", out)
		}
	}
	res.Input.Files = append(res.Input.Files,
		FileInput{Path: "mixed_<b>.log", Format: "combined", Lines: 1003, Requests: 1003,
			Formats: map[string]int64{"combined": 990, "haproxy": 10, "envoy-text": 3}})
	html, md, js = renderOutputs(t, res)
	for _, c := range []struct{ name, out, want string }{
		{"html", html, "<td class=\"l\">combined<br><small>lines read as combined 990 · haproxy 10 · envoy-text 3</small></td>"},
		{"html", html, "<code>mixed_&lt;b&gt;.log</code>"},
		{"summary.md", md, "Lines in several formats, each read in its own: mixed\\_&lt;b&gt;.log (combined 990 · haproxy 10 · envoy-text 3)."},
		{"summary.json", js, `"formats": {
          "combined": 990,
          "envoy-text": 3,
          "haproxy": 10
        }`},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.name, c.want, c.out)
		}
	}
}
