package main

import (
	"fmt"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

// didYouMean returns " (did you mean X?)" naming the entry of known closest to s, when one is close
// enough to be a slip (an edit distance of 1 for names under five characters, 2 under ten, and so
// on; s at least two characters; no other entry as close), or when s is the start of exactly one
// entry; else "".
func didYouMean(s string, known []string) string {
	if best := closest(s, known); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}

// unknownValue is the usage error for a value of a flag (or a command) that is not one of known:
// it names the value, suggests the closest known one and lists them all.
func unknownValue(what, value string, known []string) error {
	return usagef("unknown %s %q%s; known: %s", what, value, didYouMean(value, known), strings.Join(known, ", "))
}

// closest is the entry of known that didYouMean suggests for s, or "".
func closest(s string, known []string) string {
	ls := strings.ToLower(strings.TrimSpace(s))
	if len(ls) < 2 {
		return ""
	}
	best, bestD, ties := "", 1<<30, 0
	for _, k := range known {
		d := classify.EditDistance(ls, strings.ToLower(k), 1<<30)
		switch {
		case d < bestD:
			best, bestD, ties = k, d, 0
		case d == bestD:
			ties++
		}
	}
	if limit := 1 + len(ls)/5; best != "" && bestD <= limit && ties == 0 {
		return best
	}
	var prefixed []string
	for _, k := range known {
		if strings.HasPrefix(strings.ToLower(k), ls) {
			prefixed = append(prefixed, k)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}
