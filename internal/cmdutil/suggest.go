package cmdutil

import "strings"

// Closest returns the choice a user most likely meant by name: one that name is the
// start of (--cat for --catalog), else one within an edit distance of 2 that is not a
// rewrite of the whole name; "" when none is close. Ties go to the earlier choice.
func Closest(name string, choices []string) string {
	name = strings.ToLower(name)
	best, bestScore := "", -1
	for _, c := range choices {
		score := levenshtein(name, strings.ToLower(c))
		switch {
		case score == 0:
			return c
		case len(name) >= 2 && strings.HasPrefix(strings.ToLower(c), name):
			score = 0 // a prefix beats any typo
		case score > 2 || score >= len(name):
			continue
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// levenshtein is the edit distance between a and b (insertions, deletions, substitutions).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
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
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
