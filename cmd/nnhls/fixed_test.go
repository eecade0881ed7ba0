// This file implements tests of `nnhls fixed` on values worked out by hand.

package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCmd runs the command line and returns its output and error.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// fields returns the whitespace-separated fields of the output line that
// starts with prefix.
func fields(out, prefix string) []string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.Fields(line)
		}
	}
	return nil
}

func TestFixedValues(t *testing.T) {
	tests := []struct {
		typ   string
		value string
		want  []string // input, value, raw, result
	}{
		// 1.3 / 0.25 = 5.2, truncated to 5 LSB = 1.25.
		{"ap_fixed<4,2>", "1.3", []string{"1.3", "1.25", "0x5", "rounded"}},
		// 5 is above max 1.75.
		{"ap_fixed<4,2,AP_TRN,AP_SAT>", "5", []string{"5", "1.75", "0x7", "saturated"}},
		// -0.625 = -2.5 LSB: ties to even -2 LSB = -0.5, pattern 1110.
		{"fixed<4,2,RND_CONV,SAT>", "-0.625", []string{"-0.625", "-0.5", "0xe", "rounded"}},
		// 0x1.8p+1 = 3 = 12 LSB = 1100 -> -4 LSB = -1.
		{"ap_fixed<4,2>", "0x1.8p+1", []string{"0x1.8p+1", "-1", "0xc", "wrapped"}},
		// 0.75 is on the grid of ap_ufixed<8,3> (LSB 1/32).
		{"ufixed<8,3>", "0.75", []string{"0.75", "0.75", "0x18", "exact"}},
		// LSB 0.25: 2.125 = 8.5 LSB, a tie, which AP_RND rounds up to 9 = 2.25.
		{"ap_fixed<6,4,AP_RND,AP_SAT>", "2.125", []string{"2.125", "2.25", "0x9", "rounded"}},
		// A negative value after TYPE is a value, not a flag.
		{"ap_fixed<6,4,AP_RND,AP_SAT>", "-9", []string{"-9", "-8", "0x20", "saturated"}},
	}
	for _, tt := range tests {
		out, err := runCmd(t, "fixed", tt.typ, tt.value)
		if err != nil {
			t.Fatalf("fixed %s %s: %v", tt.typ, tt.value, err)
		}
		got := fields(out, tt.value+" ")
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("fixed %s %s: row %q, want %q\n%s", tt.typ, tt.value, got, tt.want, out)
		}
	}
}

func TestFixedInfo(t *testing.T) {
	out, err := runCmd(t, "fixed", "--info", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>")
	if err != nil {
		t.Fatal(err)
	}
	// Range of ap_fixed<16,6>: -2^5 .. 2^5 - 2^-10, step 2^-10.
	for prefix, want := range map[string]string{
		"type":   "type ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
		"hls4ml": "hls4ml fixed<16,6,RND_CONV,SAT>",
		"width":  "width 16 bits: 6 integer, 10 fraction",
		"min":    "min -32",
		"max":    "max 31.9990234375",
		"step":   "step 0.0009765625 (2^-10)",
	} {
		if got := strings.Join(fields(out, prefix+" "), " "); got != want {
			t.Errorf("info line %q = %q, want %q\n%s", prefix, got, want, out)
		}
	}
}

func TestFixedErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"fixed", "ap_fixed<16>", "1"}, `type "ap_fixed<16>": column 12: missing integer bits`},
		{[]string{"fixed", "ap_fixed<16,6>", "abc"}, `value "abc": not a decimal or hex-float number`},
		{[]string{"fixed", "ap_fixed<16,6>", "1e999"}, `value "1e999": outside the range of a double`},
		{[]string{"fixed"}, "requires at least 1 arg"},
	}
	for _, tt := range tests {
		_, err := runCmd(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.args, err, tt.want)
		}
	}
}
