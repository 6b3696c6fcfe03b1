package units

import (
	"math"
	"strings"
)

// maxSuggestLen bounds the names suggest compares, keeping errors for long
// garbage cheap.
const maxSuggestLen = 32

// lowerNames holds names in lower case, index for index.
var lowerNames = func() []string {
	l := make([]string, len(names))
	for i, n := range names {
		l[i] = strings.ToLower(n)
	}
	return l
}()

// suggest returns the unit name the user probably meant by the unknown name
// s, or "" when nothing is close. Brian2's display forms that are not names
// map to their long name ("uV" → "uvolt", "s" → "second"); otherwise the
// nearest name by edit distance ignoring case wins, ties broken by the
// case-sensitive distance, then the shorter name, then alphabetical order.
func suggest(s string) string {
	if long, ok := symbolForms[s]; ok {
		return long
	}
	if len(s) > maxSuggestLen {
		return ""
	}
	limit := 1
	switch n := len(s); {
	case n > 6:
		limit = 3
	case n > 3:
		limit = 2
	}
	best, bestFold, bestExact := "", limit, math.MaxInt
	ls := strings.ToLower(s)
	for i, n := range names {
		fold := editDistance(ls, lowerNames[i], bestFold)
		if fold > bestFold {
			continue
		}
		exact := editDistance(s, n, math.MaxInt)
		if fold < bestFold || exact < bestExact || exact == bestExact && len(n) < len(best) {
			best, bestFold, bestExact = n, fold, exact
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes, or
// some value above bound once it is sure to exceed bound. One of a and b
// must be at most maxSuggestLen bytes long.
func editDistance(a, b string, bound int) int {
	if d := len(a) - len(b); d > bound || -d > bound {
		return bound + 1
	}
	if len(b) > len(a) {
		a, b = b, a // the distance is symmetric; keep the rows short
	}
	var pbuf, cbuf [maxSuggestLen + 1]int // suggest passes no longer s
	prev, cur := pbuf[:len(b)+1], cbuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > bound {
			return bound + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
