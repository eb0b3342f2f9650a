package ingest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The fast path of the combined and common formats (scanCLFFast, parseCLFTime26, the timestamp
// cache, splitRequestFast) is checked against the careful code it stands in front of (scanCLF,
// parseCLFTime, daysFromCivil, monthNumber, splitRequest), which stays the reference: on random and
// mutated lines, whenever the fast path accepts a line it must give exactly what scanCLF gives, and
// scanCLFCached must always give what scanCLF gives.

// clfFastSeedLines returns the lines the fast-path tests start from and mutate: the fuzz seeds, the
// lines of every test case and of the benchmark inputs, trimmed, blank ones left out.
func clfFastSeedLines(t testing.TB) [][]byte {
	t.Helper()
	var lines [][]byte
	add := func(data []byte) { lines = appendTrimmedLines(lines, data) }
	for _, s := range fuzzSeedLines {
		add([]byte(s))
	}
	for _, l := range caseLines(t) {
		add(l)
	}
	add(benchLines(100))
	add(benchFormat("combined", 20))
	add(benchFormat("common", 20))
	add(benchFormat("vhost_combined", 20))
	add(goodLines(20))
	return lines
}

// appendTrimmedLines appends the lines of data to lines, trimmed, the blank ones left out: the seed
// lines of the fast-path and JSON scanner tests.
func appendTrimmedLines(lines [][]byte, data []byte) [][]byte {
	for _, l := range bytes.Split(data, []byte("\n")) {
		if l = trimLine(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines
}

// clfMutationBytes are the bytes mutateLine inserts and substitutes: those the CLF grammar turns on,
// and a few others.
var clfMutationBytes = []byte(" \"\\[]-:/+.,_0123456789ADGHJOPSTZacgnotx\t\x00\xff")

// mutateLine returns a copy of line with one to three random edits: a byte replaced, inserted or
// deleted, a span removed or doubled, or a digit changed.
func mutateLine(rng *rand.Rand, line []byte) []byte {
	b := bytes.Clone(line)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			return append(b, clfMutationBytes[rng.IntN(len(clfMutationBytes))])
		}
		i := rng.IntN(len(b))
		c := clfMutationBytes[rng.IntN(len(clfMutationBytes))]
		switch rng.IntN(6) {
		case 0:
			b[i] = c
		case 1:
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		case 2:
			b = append(b[:i], b[i+1:]...)
		case 3:
			j := min(len(b), i+1+rng.IntN(8))
			b = append(b[:i], b[j:]...)
		case 4:
			j := min(len(b), i+1+rng.IntN(8))
			b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
		case 5:
			if isDigit(b[i]) {
				b[i] = '0' + byte(rng.IntN(10))
			} else {
				b[i] = c
			}
		}
	}
	return b
}

// primeTimeCache fills tc from the bracketed timestamp of line, if it has one of 26 bytes, with its
// seconds replaced by sec (two digits), so that parsing line next reads its timestamp through the
// cache. It reports whether it did.
func primeTimeCache(line []byte, tc *clfTimeCache, sec string) bool {
	i := bytes.IndexByte(line, '[')
	if i < 0 || len(line) < i+27 {
		return false
	}
	ts := bytes.Clone(line[i+1 : i+27])
	copy(ts[18:20], sec)
	_, ok := parseCLFTimeCached(ts, tc)
	return ok
}

// checkCLFFast compares, for a trimmed, non-blank line and both ForwardedFor settings, scanCLFFast
// and scanCLFCached (with tc, which may be nil, and which they update) against scanCLF. It reports
// whether the fast path took the line.
func checkCLFFast(t testing.TB, line []byte, tc *clfTimeCache) (fast bool) {
	t.Helper()
	for _, xff := range []bool{false, true} {
		sentinel := Record{Method: "sentinel", Time: -1, Line: 7, Principal: "p", Source: "s", HasRateLimit: true, RateLimitReset: 9}
		want := sentinel
		wantReason, wantAgent := scanCLF(line, &want, xff)

		var before clfTimeCache
		if tc != nil {
			before = *tc
		}
		got := sentinel
		agent, ok := scanCLFFast(line, &got, xff, tc)
		switch {
		case !ok && got != sentinel:
			t.Fatalf("scanCLFFast(%q, xff %v) declined the line but changed the record: %+v", line, xff, got)
		case ok && (wantReason != "" || agent != wantAgent || got != want):
			t.Fatalf("scanCLFFast(%q, xff %v, cache %+v) = %+v, agent %v; scanCLF = %q, %+v, agent %v",
				line, xff, before, got, agent, wantReason, want, wantAgent)
		}
		fast = fast || ok

		if tc != nil {
			*tc = before
		}
		got = sentinel
		reason, agent := scanCLFCached(line, &got, xff, tc)
		if reason != wantReason || agent != wantAgent || got != want {
			t.Fatalf("scanCLFCached(%q, xff %v, cache %+v) = %q, %+v, agent %v; scanCLF = %q, %+v, agent %v",
				line, xff, before, reason, got, agent, wantReason, want, wantAgent)
		}
	}
	return fast
}

// TestCLFFastMatchesScanCLF runs checkCLFFast on the seed lines and on many random mutations of
// them, with no timestamp cache, with one carried from line to line (as a Reader does) and with one
// primed with the line's own date, hour, minute and zone (so that the cached path is taken).
func TestCLFFastMatchesScanCLF(t *testing.T) {
	seeds := clfFastSeedLines(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var carried clfTimeCache
	n, fast := 0, 0
	check := func(line []byte) {
		if line = trimLine(line); len(line) == 0 {
			return
		}
		n++
		if checkCLFFast(t, line, nil) {
			fast++
		}
		checkCLFFast(t, line, &carried)
		var primed clfTimeCache
		if primeTimeCache(line, &primed, fmt.Sprintf("%02d", rng.IntN(60))) {
			checkCLFFast(t, line, &primed)
		}
	}
	for _, l := range seeds {
		check(l)
	}
	for range 300_000 {
		check(mutateLine(rng, seeds[rng.IntN(len(seeds))]))
	}
	t.Logf("%d lines, %d taken by the fast path", n, fast)
	if fast < n/10 {
		t.Errorf("the fast path took only %d of %d lines", fast, n)
	}
}

// FuzzCLFFast runs checkCLFFast on fuzzed lines: without a cache, with a cache primed with the line's
// own timestamp minute, and with one primed from an earlier line of the seeds.
func FuzzCLFFast(f *testing.F) {
	for _, l := range clfFastSeedLines(f) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if line = trimLine(line); len(line) == 0 {
			return
		}
		checkCLFFast(t, line, nil)
		var tc clfTimeCache
		if primeTimeCache(line, &tc, "00") {
			checkCLFFast(t, line, &tc)
		}
		tc = clfTimeCache{}
		primeTimeCache([]byte(goodLine(0)), &tc, "00")
		checkCLFFast(t, line, &tc)
	})
}

// TestCLFFastTakesCommonLines: the fast path, not the fallback, reads the lines of the usual shape
// (a fast path that declined everything would still pass the tests above, only slowly).
func TestCLFFastTakesCommonLines(t *testing.T) {
	for _, data := range [][]byte{benchLines(1000), goodLines(1000), benchFormat("combined", 200), benchFormat("common", 200),
		[]byte(`10.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] "POST /oauth2/v1/token HTTP/1.0" 401 -` + "\n" +
			`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "M-SEARCH * HTTP/1.1" 200 0 "-" "-"` + "\n" +
			`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a b HTTP/1.1" 200 0 "http://x/" "a \"b\"" "-" 0.1 x` + "\n" +
			`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /" 200 0`)} {
		var tc clfTimeCache
		for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			for _, cache := range []*clfTimeCache{nil, &tc} {
				var rec Record
				if _, ok := scanCLFFast(line, &rec, true, cache); !ok {
					t.Fatalf("scanCLFFast declined %q", line)
				}
			}
		}
	}
}

// TestParseCLFTime26 compares parseCLFTime26 and parseCLFTimeCached (with a cache carried from one
// timestamp to the next, and with one primed with the same minute) with parseCLFTime on random
// timestamps, valid or not, of 26 bytes and others; and the pieces they use with the originals.
func TestParseCLFTime26(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo", "oct", "JAN"}
	var carried clfTimeCache
	for k := range 300_000 {
		day, mon, year := rng.IntN(33), months[rng.IntN(len(months))], []int{0, 1, 1900, 1970, 2000, 2024, 2026, 2028, 2100, 9999, rng.IntN(10000)}[rng.IntN(11)]
		s := fmt.Sprintf("%02d/%s/%04d:%02d:%02d:%02d %s%02d%02d", day, mon, year, rng.IntN(26), rng.IntN(62), rng.IntN(62),
			"+-"[rng.IntN(2):][:1], rng.IntN(16), rng.IntN(62))
		b := []byte(s)
		switch k % 4 {
		case 1:
			b = mutateLine(rng, b)
		case 2:
			b = []byte(fmt.Sprintf("%02d/%s/%04d:%02d:%02d:%02d +0000", rng.IntN(29), months[rng.IntN(12)], 2026, 12, rng.IntN(2), rng.IntN(60)))
		}
		want, wantOK := parseCLFTime(b)
		if got, ok := parseCLFTime26(b); got != want || ok != wantOK {
			t.Fatalf("parseCLFTime26(%q) = %d, %v; parseCLFTime = %d, %v", b, got, ok, want, wantOK)
		}
		before := carried
		if got, ok := parseCLFTimeCached(b, &carried); got != want || ok != wantOK {
			t.Fatalf("parseCLFTimeCached(%q, %+v) = %d, %v; parseCLFTime = %d, %v", b, before, got, ok, want, wantOK)
		}
		if len(b) == 26 {
			var primed clfTimeCache
			ts := bytes.Clone(b)
			copy(ts[18:20], fmt.Sprintf("%02d", rng.IntN(60)))
			parseCLFTimeCached(ts, &primed)
			before := primed
			if got, ok := parseCLFTimeCached(b, &primed); got != want || ok != wantOK {
				t.Fatalf("parseCLFTimeCached(%q, %+v) = %d, %v; parseCLFTime = %d, %v", b, before, got, ok, want, wantOK)
			}
		}
	}
	for y := 0; y <= 9999; y++ {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, 15, 28, 29, 30, 31} {
				if got, want := civilDays(y, m, d), daysFromCivil(y, m, d); got != want {
					t.Fatalf("civilDays(%d, %d, %d) = %d, daysFromCivil = %d", y, m, d, got, want)
				}
			}
		}
	}
	letters := []byte("ABDFJMNOSabceglnoprtuvyz-\x00\xff")
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				if got, want := monthNumber3(a, b, c), monthNumber([]byte{a, b, c}); got != want {
					t.Fatalf("monthNumber3(%q) = %d, monthNumber = %d", []byte{a, b, c}, got, want)
				}
			}
		}
	}
}

// TestSplitRequestFast compares splitRequestFast with splitRequest on the request fields of the seed
// lines and on random mutations of them.
func TestSplitRequestFast(t *testing.T) {
	var reqs [][]byte
	for _, l := range clfFastSeedLines(t) {
		if i := bytes.IndexByte(l, '"'); i >= 0 {
			if j := bytes.IndexByte(l[i+1:], '"'); j >= 0 {
				reqs = append(reqs, l[i+1:i+1+j])
			}
		}
	}
	for _, s := range []string{"", " ", "GET", "GET ", "GET  /", "GET / ", "GET /  HTTP/1.1", "GET HTTP/1.1", "GET / HTTP/1.1 ",
		"get / HTTP/1.1", "M-SEARCH * HTTP/1.1", "ABCDEFGHIJKLMNOPQRSTU /", "ABCDEFGHIJKLMNOPQRST /", "GET /a b c", "GET /a HTTP/",
		"GET a HTTP/1.1 HTTP/1.1", "G /", "GET /\tHTTP/1.1"} {
		reqs = append(reqs, []byte(s))
	}
	rng := rand.New(rand.NewPCG(7, 8))
	check := func(req []byte) {
		m, tg, ok := splitRequestFast(req)
		wm, wt, wok := splitRequest(req)
		if ok != wok || !bytes.Equal(m, wm) || !bytes.Equal(tg, wt) {
			t.Fatalf("splitRequestFast(%q) = %q, %q, %v; splitRequest = %q, %q, %v", req, m, tg, ok, wm, wt, wok)
		}
	}
	for _, r := range reqs {
		check(r)
	}
	for range 200_000 {
		check(mutateLine(rng, reqs[rng.IntN(len(reqs))]))
	}
}

// TestReaderCLFCache reads mutated combined logs with a Reader (which caches timestamps across
// lines) and compares every record and skip reason with scanCLF on the line alone.
func TestReaderCLFCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	base := bytes.Split(bytes.TrimSuffix(benchLines(400), []byte("\n")), []byte("\n"))
	for round := range 20 {
		var data bytes.Buffer
		var lines [][]byte
		for i, l := range base {
			if rng.IntN(4) == 0 {
				l = mutateLine(rng, l)
			}
			if bytes.ContainsAny(l, "\n\r") || len(trimLine(l)) == 0 {
				l = base[i]
			}
			lines = append(lines, l)
			data.Write(l)
			data.WriteByte('\n')
		}
		for _, opt := range []Options{{Format: "combined"}, {Format: "combined", ForwardedFor: true}, {Format: "common"},
			{Format: "common", ForwardedFor: true}, {Format: "vhost_combined"}, {Format: "vhost_combined", ForwardedFor: true}} {
			var want []Record
			wantReasons := map[string]int64{}
			for i, l := range lines {
				rec := Record{Line: i + 1}
				if reason, _ := scanReference(l, &rec, opt); reason != "" {
					wantReasons[reason]++
					continue
				}
				rec.Principal = oauthClientID(rec.Target)
				want = append(want, rec)
			}
			got := readAll(t, newReader(t, data.Bytes(), opt))
			if len(got.recs) != len(want) {
				t.Fatalf("round %d, %+v: %d records, want %d", round, opt, len(got.recs), len(want))
			}
			for i := range want {
				if got.recs[i] != want[i] {
					t.Fatalf("round %d, %+v: line %d %q read as %+v, want %+v", round, opt, want[i].Line, lines[want[i].Line-1], got.recs[i], want[i])
				}
			}
			if fmt.Sprint(got.stats.Reasons) != fmt.Sprint(wantReasons) {
				t.Fatalf("round %d, %+v: skip reasons %v, want %v", round, opt, got.stats.Reasons, wantReasons)
			}
		}
	}
}

// scanReference parses a trimmed line as the Reader with opt does, with the careful code alone.
func scanReference(line []byte, rec *Record, opt Options) (string, bool) {
	line = trimLine(line)
	if len(line) == 0 {
		return ReasonBlank, false
	}
	switch opt.Format {
	case "common":
		return scanCLF(line, rec, false)
	case "vhost_combined":
		if rest := splitVhost(line); rest != nil {
			if reason, agent := scanCLF(rest, rec, opt.ForwardedFor); reason != ReasonMalformed {
				return reason, agent
			}
		}
	}
	return scanCLF(line, rec, opt.ForwardedFor)
}
