package analyze

import (
	"cmp"
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
		uri := []string{"/api/v1/users", "/api/v1/groups/00g1/users", "/oauth2/v1/token", "/api/v1/apps"}[i%4]
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
	one := runFiles(t, []string{path}, Options{Workers: 1, MaxExamples: 1000})
	in := one.Input
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
}

// TestRadixSortHi: radixSortHi sorts as a stable comparison sort does, on random hashes, on hashes
// that share most of their digits, and on small and empty inputs.
func TestRadixSortHi(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var tmp []hashIdx
	for _, n := range []int{0, 1, 255, 256, 1000, 70_000} {
		for _, mask := range []uint64{^uint64(0), 0xffff_0000_0000_00ff, 0x7, 0} {
			pairs := make([]hashIdx, n)
			for i := range pairs {
				pairs[i] = hashIdx{rng.Uint64() & mask, int32(i)}
			}
			want := slices.Clone(pairs)
			slices.SortStableFunc(want, func(a, b hashIdx) int { return cmp.Compare(a.hi, b.hi) })
			tmp = radixSortHi(pairs, tmp)
			if !slices.Equal(pairs, want) {
				t.Fatalf("n %d, mask %x: not sorted stably", n, mask)
			}
		}
	}
}
