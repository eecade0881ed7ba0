// This file tests the output names of keys.go.

package sim

import (
	"slices"
	"testing"
)

// TestKeys checks the trace names on the jet tagger: each Keras layer's
// name holds its output after the activation, the Dense part before it
// gets "_linear".
func TestKeys(t *testing.T) {
	g := loadRef(t, "KERAS_3layer", "")
	want := []string{
		"input_1",
		"fc1_relu_linear", "fc1_relu",
		"fc2_relu_linear", "fc2_relu",
		"fc3_relu_linear", "fc3_relu",
		"output_softmax_linear", "output_softmax",
	}
	if got := Keys(g); !slices.Equal(got, want) {
		t.Errorf("Keys = %q, want %q", got, want)
	}
}
