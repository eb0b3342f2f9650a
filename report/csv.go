package report

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

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
//
// A month has hundreds of thousands of rows, so they are formatted by hand rather than through
// encoding/csv: no field can need quoting (catalog bucket ids are [a-z0-9-], the rest are numbers,
// RFC 3339 instants and status words), and each minute's instant is formatted once.
func WriteMinutesCSV(w io.Writer, res *Result) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(strings.Join(minutesCSVHeader, ",") + "\n")
	// Merge the buckets' minute lists (each in time order) by minute; buckets stay in catalog order
	// within a minute because the scan below goes through them in order and takes the first earliest.
	// head[i] is the Unix second of bucket i's next minute (math.MaxInt64 past its last), so the scan
	// compares integers.
	next := make([]int, len(res.Buckets))
	head := make([]int64, len(res.Buckets))
	advance := func(i int) {
		head[i] = math.MaxInt64
		if ms := res.Buckets[i].Minutes; next[i] < len(ms) {
			head[i] = ms[next[i]].Minute.Unix()
		}
	}
	for i := range head {
		advance(i)
	}
	var line []byte
	var stamp []byte // the current minute, formatted
	var stamped time.Time
	for {
		best := -1
		for i, h := range head {
			if h != math.MaxInt64 && (best < 0 || h < head[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		b := &res.Buckets[best]
		m := b.Minutes[next[best]]
		next[best]++
		advance(best)
		lim := b.Chosen(res.Tier).Limit
		if stamp == nil || !m.Minute.Equal(stamped) {
			stamp, stamped = m.Minute.UTC().AppendFormat(stamp[:0], time.RFC3339Nano), m.Minute
		}
		line = append(line[:0], stamp...)
		line = append(append(append(line, ','), b.Bucket.ID...), ',')
		line = append(strconv.AppendInt(line, m.Count, 10), ',')
		if lim != classify.NA {
			line = strconv.AppendInt(line, int64(lim), 10)
		}
		line = append(line, ',')
		if lim != classify.NA && lim > 0 {
			line = appendFixed4(line, int64(math.Round(float64(m.Count)/float64(lim)*10000)))
		}
		line = append(append(append(line, ','), Verdict(m.Count, lim, res.WarnPercent)...), ',')
		line = append(strconv.AppendInt(line, m.Throttled, 10), '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendFixed4 appends k/10000 in decimal with its trailing zeros trimmed (no point for a whole
// number): what strconv.AppendFloat(dst, float64(k)/10000, 'f', -1, 64) appends for 0 <= k < 2^46
// (a count over a limit below 7·10⁹), where doubles are far closer than 10⁻⁴ and so no shorter
// decimal rounds to the double nearest k/10000; at a third of the cost.
func appendFixed4(dst []byte, k int64) []byte {
	dst = strconv.AppendInt(dst, k/10000, 10)
	frac := k % 10000
	if frac == 0 {
		return dst
	}
	d := [5]byte{'.'}
	for i := 4; i >= 1; i-- {
		d[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 5
	for d[n-1] == '0' {
		n--
	}
	return append(dst, d[:n]...)
}
