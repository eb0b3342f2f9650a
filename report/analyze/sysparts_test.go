package analyze

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/ingest"
)

// TestSystemLogPartsMatchWholeFile: an Okta System Log NDJSON file large enough for ingest.OpenParts
// to cut gives the same Result read whole and cut into 2 or 7 parts, though the events of one request
// and the copies of one event land in different parts: each request counts once, each event once,
// the skipped lines (duplicates, malformed lines, error bodies, rate-limit events) keep their lines
// in the whole file, and a duplicate's example names the line of the counted event in the whole file.
// The counts are checked against brute force over the generated events.
func TestSystemLogPartsMatchWholeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "syslog.json")
	rng := rand.New(rand.NewSource(7))
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	pad := `,"dtHash":"` + strings.Repeat("5d", 300) + `"`
	var (
		sb                       strings.Builder
		lines                    []string // by line number - 1
		later                    []string // second events written at the end of the file
		warnings                 []string
		wantReq, wantDupReq      int64
		wantDupEvent, wantMalf   int64
		wantErrBody, wantRLEvent int64
	)
	add := func(s string) {
		lines = append(lines, s)
		sb.WriteString(s)
		sb.WriteByte('\n')
	}
	var sent []string // events written, for later copies
	for i := 0; sb.Len() < 34<<20; i++ {
		at := base.Add(time.Duration(i) * 37 * time.Millisecond)
		id := fmt.Sprintf("req%020d", i)
		uri := []string{"/api/v1/users", "/api/v1/groups/00g1/users", "/oauth2/v1/token", "/api/v1/apps", "/api/v1/users/00u1"}[i%5]
		a := sysEv{testUUID(1, i), "user.lifecycle.create", id, uri, at, pad}
		b := sysEv{testUUID(2, i), "group.user_membership.add", id, uri, at.Add(time.Duration(rng.Intn(3)-1) * time.Millisecond), pad}
		wantReq++
		wantDupReq++
		add(a.json())
		sent = append(sent, a.json())
		if rng.Intn(3) == 0 { // the other event of the request at the end of the file: in another part
			later = append(later, b.json())
		} else {
			add(b.json())
		}
		switch {
		case i%97 == 5: // a copy of an event already written, maybe far back
			add(sent[rng.Intn(len(sent))])
			wantDupEvent++
		case i%211 == 7:
			add(`{"uuid":"x", not json`)
			wantMalf++
		case i%307 == 9:
			add(`{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}`)
			wantErrBody++
		case i%401 == 11: // a rate-limit warning, listed in Result.Events with its line
			w := sysEv{testUUID(3, i), "system.org.rate_limit.warning", "", "", at, `,"threshold":"600","urlPattern":"/api/v1/users"`}
			add(w.json())
			warnings = append(warnings, w.json())
			wantRLEvent++
		case i%401 == 200: // a copy of a warning: a duplicate event
			add(warnings[rng.Intn(len(warnings))])
			wantDupEvent++
		}
	}
	for _, s := range later {
		add(s)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if rs, err := ingest.OpenParts(path, ingest.Options{}, 7); err != nil || len(rs) != 7 {
		t.Fatalf("%d parts (%v), want 7", len(rs), err)
	} else {
		for _, r := range rs {
			r.Close()
		}
	}
	// More than one worker counts the resolved requests on as many goroutines (emitSys), here in
	// runs of 1,024; one worker on one.
	defer func(n int) { emitShardMin = n }(emitShardMin)
	emitShardMin = 1 << 10
	one := runFiles(t, []string{path}, Options{Workers: 1, MaxExamples: 1000})
	in := one.Input
	if len(one.MethodUnknown) == 0 || in.Requests < 8*int64(emitShardMin) {
		t.Fatalf("%d requests, %d method-unknown groups: too few for the test", in.Requests, len(one.MethodUnknown))
	}
	wantLines := int64(len(lines))
	r := in.SkippedReasons
	if in.Lines != wantLines || in.Requests != wantReq || r[ingest.ReasonDuplicate] != wantDupReq ||
		r[ingest.ReasonDuplicateEvent] != wantDupEvent || r[ingest.ReasonMalformed] != wantMalf ||
		r[ingest.ReasonErrorBody] != wantErrBody || r[ingest.ReasonRateLimitEvent] != wantRLEvent {
		t.Fatalf("one part: %d lines, %d requests, skipped %v; want %d, %d, %d duplicate requests, %d duplicate events, %d malformed, %d error bodies, %d rate-limit events",
			in.Lines, in.Requests, r, wantLines, wantReq, wantDupReq, wantDupEvent, wantMalf, wantErrBody, wantRLEvent)
	}
	// Every duplicate's example names the line of the whole file that holds the counted event of
	// its request.
	at := regexp.MustCompile(`counted at .*:(\d+)$`)
	reqOf := regexp.MustCompile(`"requestId":"([^"]*)"`)
	checked := 0
	for _, ex := range in.Examples {
		m := at.FindStringSubmatch(ex.Excerpt)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		own, counted := lines[ex.Line-1], lines[n-1]
		if reqOf.FindStringSubmatch(own)[1] != reqOf.FindStringSubmatch(counted)[1] || n == ex.Line {
			t.Fatalf("example %+v: line %d is %.120s…", ex, n, counted)
		}
		checked++
	}
	// The warnings are listed at their lines in the whole file.
	if len(one.Events) != int(wantRLEvent) {
		t.Fatalf("%d events listed, want %d", len(one.Events), wantRLEvent)
	}
	for _, e := range one.Events {
		if !strings.Contains(lines[e.Line-1], `"system.org.rate_limit.warning"`) {
			t.Fatalf("event %+v: line %d is %.120s…", e, e.Line, lines[e.Line-1])
		}
	}
	if checked < 100 {
		t.Errorf("%d duplicate examples checked", checked)
	}
	for _, w := range []int{2, 7} {
		if got := runFiles(t, []string{path}, Options{Workers: w, MaxExamples: 1000}); !reflect.DeepEqual(got, one) {
			t.Errorf("%d parts: another result than one:\n%+v\nwant\n%+v", w, got.Input, one.Input)
		}
	}
	// A window that leaves requests out of several parts, and the other built-in catalog compared.
	win := Options{MaxExamples: 1000, From: base.Add(5 * time.Minute), To: base.Add(20 * time.Minute)}
	win.Workers = 1
	oneWin := runFiles(t, []string{path}, win)
	if oneWin.Input.OutsideWindow == 0 || oneWin.Input.Requests == 0 || oneWin.Other == nil {
		t.Fatalf("window: %d requests, %d outside, other %v", oneWin.Input.Requests, oneWin.Input.OutsideWindow, oneWin.Other != nil)
	}
	win.Workers = 7
	if got := runFiles(t, []string{path}, win); !reflect.DeepEqual(got, oneWin) {
		t.Errorf("window, 7 parts: another result than one:\n%+v\nwant\n%+v", got.Input, oneWin.Input)
	}
	// Compressed, the file is read whole by one worker, and cut into chunks as it is decompressed
	// for more: the same Result.
	gz := gzipFile(t, path)
	defer func(n int) { chunkBytes = n }(chunkBytes)
	chunkBytes = 1 << 20
	oneGz := runFiles(t, []string{gz}, Options{Workers: 1, MaxExamples: 1000})
	if oneGz.Input.Lines != wantLines || oneGz.Input.Requests != wantReq {
		t.Fatalf("gzip, one worker: %d lines, %d requests", oneGz.Input.Lines, oneGz.Input.Requests)
	}
	for _, w := range []int{2, 7} {
		if got := runFiles(t, []string{gz}, Options{Workers: w, MaxExamples: 1000}); !reflect.DeepEqual(got, oneGz) {
			t.Errorf("gzip, %d workers: another result than one:\n%+v\nwant\n%+v", w, got.Input, oneGz.Input)
		}
	}
}

// gzipFile writes the file at path gzipped to path + ".gz" and returns that path.
func gzipFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".gz", b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path + ".gz"
}

// TestGroupHi: groupHi puts pairs with equal hi next to each other, keeping every pair, on random
// hashes, on hashes that share most of their bits (time-ordered uuids share their top bits), on few
// distinct hashes, and on small and empty inputs.
func TestGroupHi(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var tmp []hashIdx
	for _, n := range []int{0, 1, 1023, 1024, 5000, 70_000} {
		for _, mask := range []uint64{^uint64(0), 0xffff_0000_0000_00ff, 0x0000_0000_ffff_ffff, 0x7, 0, 1} {
			vals := make([]uint64, 64) // mask 1: 64 random hashes, many times each
			for i := range vals {
				vals[i] = rng.Uint64()
			}
			pairs := make([]hashIdx, n)
			for i := range pairs {
				pairs[i] = hashIdx{rng.Uint64() & mask, int32(i)}
				if mask == 1 {
					pairs[i].hi = vals[rng.Intn(len(vals))]
				}
			}
			want := slices.Clone(pairs)
			tmp = groupHi(pairs, tmp)
			seen := map[uint64]bool{}
			for i, p := range pairs {
				if i > 0 && p.hi != pairs[i-1].hi {
					if seen[p.hi] {
						t.Fatalf("n %d, mask %x: hash %x in two runs", n, mask, p.hi)
					}
					seen[pairs[i-1].hi] = true
				}
			}
			slices.SortFunc(pairs, func(a, b hashIdx) int { return cmp.Compare(a.i, b.i) })
			if !slices.Equal(pairs, want) {
				t.Fatalf("n %d, mask %x: pairs lost or changed", n, mask)
			}
		}
	}
}

// TestUUIDBits: a UUID's 128 bits, either case, as encoding/hex reads them; any other string (a
// wrong length, a misplaced or missing dash, a byte that is not a hexadecimal digit, the nil UUID)
// its fnv128 hash.
func TestUUIDBits(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	const digits = "0123456789abcdefABCDEF"
	for range 20_000 {
		b := []byte("00000000-0000-0000-0000-000000000000")
		for i := range b {
			if b[i] != '-' && rng.Intn(40) > 0 {
				b[i] = digits[rng.Intn(len(digits))]
			}
		}
		if rng.Intn(4) == 0 { // any byte anywhere
			b[rng.Intn(len(b))] = byte(rng.Intn(256))
		}
		s := string(b)
		if rng.Intn(20) == 0 {
			s = s[:rng.Intn(len(s))]
		}
		want := fnv128(s)
		if raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", "")); err == nil && len(s) == 36 && s[8] == '-' && s[13] == '-' &&
			s[18] == '-' && s[23] == '-' && strings.Count(s, "-") == 4 {
			h := hash128{binary.BigEndian.Uint64(raw[:8]), binary.BigEndian.Uint64(raw[8:])}
			if h != (hash128{}) {
				want = h
			}
		}
		if got := uuidBits(s); got != want {
			t.Fatalf("uuidBits(%q) = %x, want %x", s, got, want)
		}
	}
}
