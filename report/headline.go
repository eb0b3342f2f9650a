package report

import "fmt"

// headline is the verdict at a glance, on the chosen tier: the first line in the terminal and the
// first box of report.html.
type headline struct {
	// Status is the worst verdict of any bucket by minute or rolling peak ("" without traffic).
	Status string
	// Buckets over and near by the fixed-minute peak, and by the rolling 60-second peak, and with
	// traffic the tier does not offer; ids worst first.
	Over, Near, RollingOver, RollingNear, Unavailable []string
	// Throttled counts the requests the logs show answered HTTP 429, in ThrottledBuckets buckets.
	Throttled        int64
	ThrottledBuckets int
	Warn             int // the warning threshold, percent
}

// headlineOf is the headline of res on its chosen tier.
func headlineOf(res *Result) headline {
	h := headline{Warn: res.WarnPercent}
	for _, b := range sortedVerdicts(res) {
		v := b.Chosen(res.Tier)
		h.Status = worse(worse(h.Status, v.Status), v.RollingStatus)
		switch v.Status {
		case StatusOver:
			h.Over = append(h.Over, b.Bucket.ID)
		case StatusNear:
			h.Near = append(h.Near, b.Bucket.ID)
		case StatusUnavailable:
			h.Unavailable = append(h.Unavailable, b.Bucket.ID)
		}
		switch v.RollingStatus {
		case StatusOver:
			h.RollingOver = append(h.RollingOver, b.Bucket.ID)
		case StatusNear:
			h.RollingNear = append(h.RollingNear, b.Bucket.ID)
		}
		if b.Throttled > 0 {
			h.Throttled += b.Throttled
			h.ThrottledBuckets++
		}
	}
	return h
}

// Word is the verdict in a word or two: "over", "near", "ok", "not offered" ("no Okta traffic"
// without a bucket).
func (h headline) Word() string {
	switch h.Status {
	case "":
		return "no Okta traffic"
	case StatusUnavailable:
		return "not offered"
	}
	return h.Status
}

// Counts says how many buckets are over and near, by minute and by rolling peak, and the
// requests answered HTTP 429: "1 bucket over and 3 near by minute peak, 2 over and 2 near by
// rolling 60 s peak; 163 requests answered HTTP 429", or "every bucket below the 60 % warning
// threshold, by minute and by rolling 60 s peak".
func (h headline) Counts() string {
	if len(h.Over)+len(h.Near)+len(h.RollingOver)+len(h.RollingNear) == 0 {
		s := fmt.Sprintf("every bucket below the %d %% warning threshold, by minute and by rolling 60 s peak", h.Warn)
		if n := len(h.Unavailable); n > 0 {
			s = fmt.Sprintf("%s with traffic the tier does not offer; every other bucket below the %d %% warning threshold", count(int64(n), "bucket"), h.Warn)
		}
		if h.Throttled > 0 {
			s += fmt.Sprintf("; %s answered HTTP 429", count(h.Throttled, "request"))
		}
		return s
	}
	s := overNear(h.Over, h.Near, "bucket") + " by minute peak, " + overNear(h.RollingOver, h.RollingNear, "") + " by rolling 60 s peak"
	if n := len(h.Unavailable); n > 0 {
		s += fmt.Sprintf("; %s with traffic the tier does not offer", count(int64(n), "bucket"))
	}
	if h.Throttled > 0 {
		s += fmt.Sprintf("; %s answered HTTP 429", count(h.Throttled, "request"))
	}
	return s
}

// overNear says "2 buckets over and 1 near", "1 bucket over", "3 near", "no bucket over or near",
// with word after the first number when given.
func overNear(over, near []string, word string) string {
	n := func(ids []string) string {
		if word == "" {
			return fmt.Sprint(len(ids))
		}
		return count(int64(len(ids)), word)
	}
	switch {
	case len(over) == 0 && len(near) == 0:
		if word == "" {
			return "none over or near"
		}
		return "no " + word + " over or near"
	case len(near) == 0:
		return n(over) + " over"
	case len(over) == 0:
		return n(near) + " near"
	}
	return fmt.Sprintf("%s over and %d near", n(over), len(near))
}
