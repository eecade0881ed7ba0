// This file implements the fuzz test of Parse: no input may panic it, and
// a configuration it accepts must answer every lookup.

package config

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, pat := range []string{"../testdata/config/errors/*.yml", "../testdata/config/hls4ml-ref/KERAS_3layer/*/*.yml"} {
		files, _ := filepath.Glob(pat)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("LayerName: {&a fc1: {Precision: *a}}\n"))
	f.Add([]byte("Model: {Precision: {default: 'fixed<16,6>', <<: {}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, errs := parse("fuzz.yml", data)
		for _, e := range append(errs, c.Warnings()...) {
			if CodeOf(e) == CodeNone {
				t.Errorf("problem without a code: %v", e)
			}
			_ = e.Error()
		}
		for _, layer := range []string{"fc1", "FC1", "", "output_softmax"} {
			for _, v := range []string{"result", "accum", "default", "exp_table"} {
				p := c.Precision(layer, "Dense", v)
				_ = p.Source.String()
				if !p.Auto && !p.Type.Valid() {
					t.Errorf("Precision(%s, %s): invalid type without auto", layer, v)
				}
			}
			c.ReuseFactor(layer, "Dense")
			c.Strategy(layer, "Dense")
			c.TableSize(layer, "Softmax")
			c.Implementation(layer, "Softmax")
		}
		c.IOType()
		c.ClockPeriod()
		_ = c.CheckNames([]string{"fc1"}, []string{"Dense"})
	})
}
