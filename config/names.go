// This file implements the checks that tie a configuration to a model:
// every LayerName entry must name a layer, because hls4ml silently ignores
// one that does not, and "did you mean" suggestions for misspellings.

package config

import (
	"fmt"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// CheckNames checks the configuration against a model's layer names and
// layer types (class names). Every LayerName key must match a layer
// (case-insensitively); one that does not is an error at its YAML position,
// with the closest layer name as a suggestion. A LayerType key that matches
// no type is an error only when it is close to one (a misspelling): a
// configuration shared between models may name types this model lacks.
// All problems are returned at once, as for Parse.
func (c *Config) CheckNames(layers []string, types []string) error {
	var errs ir.ErrorList
	check := func(order []*block, names []string, strict bool) {
		have := map[string]bool{}
		for _, n := range names {
			have[strings.ToLower(n)] = true
		}
		for _, b := range order {
			if have[strings.ToLower(b.key)] {
				continue
			}
			s, close := suggest(strings.ToLower(b.key), names)
			switch {
			case close:
				errs.Add(b.pos, &problem{CodeUnknownLayer,
					fmt.Sprintf("%s %q matches no layer of the model; did you mean %q?", b.level, b.key, s)})
			case strict:
				errs.Add(b.pos, &problem{CodeUnknownLayer,
					fmt.Sprintf("%s %q matches no layer of the model%s", b.level, b.key, listHint(names))})
			}
		}
	}
	check(c.nameOrder, layers, true)
	check(c.typeOrder, types, false)
	errs.Sort()
	return errs.Err()
}

// listHint lists a few of the valid names, so an error with no close match
// still shows what the model calls its layers.
func listHint(names []string) string {
	const max = 6
	switch {
	case len(names) == 0:
		return ""
	case len(names) <= max:
		return " (layers: " + strings.Join(names, ", ") + ")"
	}
	return " (layers: " + strings.Join(names[:max], ", ") + ", ...)"
}

// suggest returns the candidate closest to s (compared lower-cased, without
// underscores), if it is close enough to be a likely misspelling: at most one
// edit for names of up to four letters, two up to eight, three beyond.
func suggest(s string, candidates []string) (string, bool) {
	s = normKey(s)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(s, normKey(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 {
		return "", false
	}
	limit := 3
	switch n := len([]rune(s)); {
	case n <= 4:
		limit = 1
	case n <= 8:
		limit = 2
	}
	return best, bestDist <= limit
}

// editDistance is the Levenshtein distance between a and b, counting runes,
// with a transposition of neighbours as one edit ("Stratgey").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows suffice for the transposition rule.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// NamesLayer reports whether the LayerName section has an entry for layer
// (case-insensitively, as hls4ml matches names), whatever the entry sets.
// Passes that reproduce hls4ml's graph rewrites use it to tell which layers
// a configuration was written for.
func (c *Config) NamesLayer(layer string) bool {
	_, ok := c.names[strings.ToLower(layer)]
	return ok
}
