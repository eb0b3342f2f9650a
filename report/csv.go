package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/ratecard/ratecard/classify"
)

// minutesCSVHeader is the header row of minutes.csv.
var minutesCSVHeader = []string{"minute", "bucket", "count", "limit", "utilisation", "status", "throttled"}

// WriteMinutesCSV writes minutes.csv: one row per bucket and UTC minute with at least one request,
// judged against the chosen tier, ordered by minute and then by bucket in catalog order. Columns:
// minute (RFC 3339, UTC, the minute's start), bucket id, count (exact), limit (empty where the tier does
// not offer the endpoint), utilisation (count / limit rounded to 4 decimals, empty where the limit is
// N/A), status (ok, near, over or unavailable, as Verdict gives it) and throttled (the minute's requests
// the log shows answered with HTTP 429; 0 when none were or the log has no status codes).
func WriteMinutesCSV(w io.Writer, res *Result) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(minutesCSVHeader); err != nil {
		return err
	}
	// Merge the buckets' minute lists (each in time order) by minute; buckets stay in catalog order
	// within a minute because the scan below goes through them in order and takes the first earliest.
	next := make([]int, len(res.Buckets))
	row := make([]string, len(minutesCSVHeader))
	for {
		best := -1
		for i := range res.Buckets {
			ms := res.Buckets[i].Minutes
			if next[i] < len(ms) && (best < 0 || ms[next[i]].Minute.Before(res.Buckets[best].Minutes[next[best]].Minute)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		b := &res.Buckets[best]
		m := b.Minutes[next[best]]
		next[best]++
		lim := b.Chosen(res.Tier).Limit
		row[0] = rfc3339(m.Minute)
		row[1] = b.Bucket.ID
		row[2] = strconv.FormatInt(m.Count, 10)
		row[3], row[4] = "", ""
		if lim != classify.NA {
			row[3] = strconv.Itoa(lim)
			if lim > 0 {
				row[4] = strconv.FormatFloat(math.Round(float64(m.Count)/float64(lim)*10000)/10000, 'f', -1, 64)
			}
		}
		row[5] = Verdict(m.Count, lim, res.WarnPercent)
		row[6] = strconv.FormatInt(m.Throttled, 10)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
