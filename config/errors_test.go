// This file implements the error tests: YAML files under
// testdata/config/errors mark each offending line with a comment
// `# ERROR "regexp"` or `# WARNING "regexp"` (go/types style), and the test
// checks that exactly those problems are reported, on those lines.

package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/ir"
)

// expectation is one `# ERROR "..."` or `# WARNING "..."` comment.
type expectation struct {
	line    int
	warning bool
	re      *regexp.Regexp
	matched bool
}

var expectRE = regexp.MustCompile(`#\s*(ERROR|WARNING)\s+("(?:[^"\\]|\\.)*")`)

// expectations reads the marks of one file.
func expectations(t *testing.T, file string, data []byte) []*expectation {
	t.Helper()
	var out []*expectation
	for i, line := range strings.Split(string(data), "\n") {
		for _, m := range expectRE.FindAllStringSubmatch(line, -1) {
			// The pattern is a regexp between quotes, with \" for a quote.
			pat := strings.ReplaceAll(m[2][1:len(m[2])-1], `\"`, `"`)
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s:%d: bad regexp %q: %v", file, i+1, pat, err)
			}
			out = append(out, &expectation{line: i + 1, warning: m[1] == "WARNING", re: re})
		}
	}
	return out
}

func TestErrorFiles(t *testing.T) {
	files, err := filepath.Glob("../testdata/config/errors/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error test files: %v", err)
	}
	seen := map[Code]bool{CodeUnknownLayer: true} // CheckNames: TestCheckNames
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			exps := expectations(t, file, data)
			if len(exps) == 0 {
				t.Fatal("file marks no problem")
			}
			c, errs := parse(file, data)
			check := func(list ir.ErrorList, warning bool) {
				for _, e := range list {
					if e.Pos.File != file || e.Pos.Line == 0 {
						t.Errorf("problem without a position: %v", e)
					}
					code := CodeOf(e)
					if code == CodeNone || code.Warning() != warning {
						t.Errorf("%v: code %v (warning %v)", e, code, warning)
					}
					seen[code] = true
					found := false
					for _, x := range exps {
						if x.line == e.Pos.Line && x.warning == warning && x.re.MatchString(e.Err.Error()) {
							x.matched, found = true, true
							break
						}
					}
					if !found {
						t.Errorf("unexpected problem: %v", e)
					}
				}
			}
			check(errs, false)
			check(c.Warnings(), true)
			for _, x := range exps {
				if !x.matched {
					kind := "error"
					if x.warning {
						kind = "warning"
					}
					t.Errorf("%s:%d: no %s matching %q", file, x.line, kind, x.re)
				}
			}
			// Parse itself must fail with the same list.
			if _, err := Parse(file, data); err == nil && len(errs) > 0 {
				t.Errorf("Parse returned no error")
			}
		})
	}
	// Every code has an example in testdata, as its doc comment promises.
	for code := CodeNone + 1; code < numCodes; code++ {
		if !seen[code] {
			t.Errorf("no test file reports code %v", code)
		}
	}
}

// TestBadPrecisionColumn checks that an unreadable type is reported at the
// column of the bad token, not only at the start of the value.
func TestBadPrecisionColumn(t *testing.T) {
	src := "Model:\n  Precision: fixed<16,6,TRN,WRAPPED>\n"
	_, errs := parse("c.yml", []byte(src))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
	}
	// "  Precision: " is 13 characters, so the value starts at column 14;
	// WRAPPED is its 16th character, at column 14+15 = 29.
	if p := errs[0].Pos; p.Line != 2 || p.Col != 29 {
		t.Errorf("error at %d:%d, want 2:29: %v", p.Line, p.Col, errs[0])
	}
}

// TestCheckNames checks LayerName and LayerType keys against a model.
func TestCheckNames(t *testing.T) {
	src := `LayerType:
  Dense: {ReuseFactor: 2}
  Denes: {ReuseFactor: 2}
  Conv2D: {ReuseFactor: 2}
LayerName:
  fc1: {ReuseFactor: 2}
  FC2: {ReuseFactor: 2}
  fc4: {ReuseFactor: 2}
  something_else: {ReuseFactor: 2}
`
	c, err := Parse("n.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckNames([]string{"fc1", "fc2", "fc3", "output_softmax"}, []string{"Dense", "Softmax"})
	list, ok := err.(ir.ErrorList)
	if !ok || len(list) != 3 {
		t.Fatalf("got %v, want 3 errors", err)
	}
	want := []struct {
		line int
		msg  string
	}{
		{3, `LayerType "Denes" matches no layer of the model; did you mean "Dense"?`},
		{8, `LayerName "fc4" matches no layer of the model; did you mean "fc1"?`},
		{9, `LayerName "something_else" matches no layer of the model (layers: fc1, fc2, fc3, output_softmax)`},
	}
	for i, w := range want {
		if list[i].Pos.Line != w.line || list[i].Err.Error() != w.msg || CodeOf(list[i]) != CodeUnknownLayer {
			t.Errorf("error %d = %v, want line %d: %s", i, list[i], w.line, w.msg)
		}
	}
	if err := c.CheckNames([]string{"FC1", "fc2", "fc4", "something_else"}, nil); err != nil {
		t.Errorf("all names present: %v", err)
	}
}

// TestEditDistance pins the suggestion metric.
func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"precison", "precision", 1},
		{"stratgey", "strategy", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1},
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
	if _, ok := suggest("reuse", []string{"ReuseFactor"}); ok {
		t.Errorf("suggest should not offer ReuseFactor for reuse")
	}
}
