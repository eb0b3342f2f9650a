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
	// What a row takes from its bucket, made once: ",id," and the limit's column with its comma.
	type bucketCols struct {
		id, limit []byte
		lim       int
	}
	cols := make([]bucketCols, len(res.Buckets))
	for i := range res.Buckets {
		b := &res.Buckets[i]
		c := &cols[i]
		c.lim = b.Chosen(res.Tier).Limit
		c.id = append(append(append(c.id, ','), b.Bucket.ID...), ',')
		if c.lim != classify.NA {
			c.limit = strconv.AppendInt(c.limit, int64(c.lim), 10)
		}
		c.limit = append(c.limit, ',')
	}
	// Merge the buckets' minute lists (each in time order) by minute: for each minute, in time order,
	// the buckets that have it, in catalog order. head[i] is the Unix second of bucket i's next
	// minute (math.MaxInt64 past its last), so the scans compare integers.
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
	var stamp []byte // the current minute, formatted
	for {
		at := int64(math.MaxInt64)
		for _, h := range head {
			at = min(at, h)
		}
		if at == math.MaxInt64 {
			break
		}
		stamp = time.Unix(at, 0).UTC().AppendFormat(stamp[:0], time.RFC3339Nano)
		for i, h := range head {
			if h != at {
				continue
			}
			m := &res.Buckets[i].Minutes[next[i]]
			next[i]++
			advance(i)
			c := &cols[i]
			// The row is made in the writer's free space: no copy of it.
			if bw.Available() < 256+len(c.id)+len(stamp) {
				if err := bw.Flush(); err != nil {
					return err
				}
			}
			line := append(bw.AvailableBuffer(), stamp...)
			line = append(line, c.id...)
			line = append(strconv.AppendInt(line, m.Count, 10), ',')
			line = append(line, c.limit...)
			if c.lim != classify.NA && c.lim > 0 {
				line = appendFixed4(line, int64(math.Round(float64(m.Count)/float64(c.lim)*10000)))
			}
			line = append(append(append(line, ','), Verdict(m.Count, c.lim, res.WarnPercent)...), ',')
			line = append(strconv.AppendInt(line, m.Throttled, 10), '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// appendFixed4 appends k/10000 in decimal with its trailing zeros trimmed (no point for a whole
// number): what strconv.AppendFloat(dst, float64(k)/10000, 'f', -1, 64) appends for 0 <= k < 2^46
// (a count over a limit below 7·10⁹), where doubles are far closer than 10⁻⁴ and so no shorter
// decimal rounds to the double nearest k/10000; at a third of the cost.
func appendFixed4(dst []byte, k int64) []byte {
	if q := k / 10000; q < 10 {
		dst = append(dst, byte('0'+q)) // most minutes are under their limit
	} else {
		dst = strconv.AppendInt(dst, q, 10)
	}
	frac := k % 10000
	if frac == 0 {
		return dst
	}
	hi, lo := 2*(frac/100), 2*(frac%100)
	d := [5]byte{'.', digitPairs[hi], digitPairs[hi+1], digitPairs[lo], digitPairs[lo+1]}
	n := 5
	for d[n-1] == '0' {
		n--
	}
	return append(dst, d[:n]...)
}

// digitPairs spells 00 to 99, two bytes each.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"
