package main

import (
	"fmt"
	"strings"
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
		d := editDistance(ls, strings.ToLower(k))
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

// editDistance is the Damerau–Levenshtein distance (optimal string alignment) of a and b in bytes:
// insertions, deletions, substitutions and swaps of two adjacent bytes each count 1.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
