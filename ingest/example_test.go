package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ratecard/ratecard/ingest"
)

func ExampleNewReader() {
	log := `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/me HTTP/1.1" 200 512 "-" "okta-sdk-go/2.0"
10.0.0.2 - - [14/Oct/2026:01:00:00.250 -0700] "POST /oauth2/v1/token HTTP/1.1" 200 1024 "-" "curl/8.5.0" "-"

10.0.0.3 - - [14/Oct/2026:08:00:01 +0000] "-" 400 0 "-" "-"
`
	r, err := ingest.NewReader(strings.NewReader(log), "access.log", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println("format:", r.Format())
	for r.Next() {
		rec := r.Record()
		t := time.UnixMicro(rec.Time).UTC().Format("2006-01-02T15:04:05.000Z")
		fmt.Println(rec.Line, t, rec.Method, rec.Target, rec.Status)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	st := r.Stats()
	fmt.Printf("lines %d = requests %d + skipped %d %v\n", st.Lines, st.Requests, st.Skipped, st.Reasons)
	for _, s := range st.Examples {
		fmt.Printf("%s:%d: %s\n", s.File, s.Line, s.Reason)
	}
	// Output:
	// format: combined
	// 1 2026-10-14T08:00:00.000Z GET /api/v1/users/me 200
	// 2 2026-10-14T08:00:00.250Z POST /oauth2/v1/token 200
	// lines 4 = requests 2 + skipped 2 map[bad-request-line:1 blank:1]
	// access.log:3: blank
	// access.log:4: bad-request-line
}

func ExampleReader_Events() {
	// Two pages of GET /api/v1/logs, as an Okta System Log export writes them (keys as SIEMs
	// lower-case them work too).
	export := `[{"published":"2026-10-14T08:00:00.000Z","eventType":"user.session.start",
  "debugContext":{"debugData":{"requestId":"r1","requestUri":"/api/v1/authn"}}}]
[{"published":"2026-10-14 08:00:01.5","eventtype":"system.org.rate_limit.warning",
  "debugcontext":{"debugdata":{"requestId":"r2","requesturi":"/api/v1/users","threshold":"600","warningPercent":"60"}},
  "target":[{"id":"/api/v1/users","type":"URL Pattern"}]}]`
	r, err := ingest.NewReader(strings.NewReader(export), "logs.json", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println("format:", r.Format())
	for r.Next() {
		rec := r.Record()
		fmt.Println(rec.Line, time.UnixMicro(rec.Time).UTC().Format(time.RFC3339Nano), rec.Target, rec.Source)
	}
	for _, ev := range r.Events() {
		fmt.Println("event", ev.Line, ev.Type, ev.URLPattern, ev.Threshold, ev.WarningPercent)
	}
	st := r.Stats()
	fmt.Println("events:", st.Events, "requests:", st.Requests)
	// Output:
	// format: okta-array
	// 1 2026-10-14T08:00:00Z /api/v1/authn system-log
	// 2 2026-10-14T08:00:01.5Z /api/v1/users system-log
	// event 2 system.org.rate_limit.warning /api/v1/users 600 60
	// events: 1 requests: 2
}

func ExampleOpenParts() {
	dir, err := os.MkdirTemp("", "ingest-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "access.log")
	log := `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/me HTTP/1.1" 200 512 "-" "okta-sdk-go/2.0"
10.0.0.2 - - [14/Oct/2026:10:00:01 +0200] "POST /oauth2/v1/token HTTP/1.1" 200 1024 "-" "curl/8.5.0"
not a log line
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	// A large plain file comes back in up to GOMAXPROCS parts, this small one in one.
	var progress atomic.Int64
	parts, err := ingest.OpenParts(path, ingest.Options{Progress: &progress}, runtime.GOMAXPROCS(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	stats := make([]ingest.Stats, len(parts))
	var wg sync.WaitGroup
	for i, r := range parts {
		wg.Go(func() {
			defer r.Close() // the last part closed closes the file
			for r.Next() {
				_ = r.Record() // classify the request
			}
			stats[i] = r.Stats()
		})
	}
	wg.Wait()
	var lines, requests int64
	for _, st := range stats { // in file order: a part's line numbers follow the lines of those before
		lines += st.Lines
		requests += st.Requests
	}
	fmt.Printf("lines %d, requests %d, bytes read %d of %d\n", lines, requests, progress.Load(), len(log))
	// Output:
	// lines 3, requests 2, bytes read 220 of 220
}
