package analyze

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// TestShardsMatchOneWorker checks that the workers' shards of a live source (their own minute counts,
// in-flight seconds, intervals and client-limited requests, merged after the parse) give the result
// the rows taken on one goroutine give: on a file cut into parts, with durations, concurrency 429s and client-limited
// endpoints, and with the memory bounds lowered so that minutes, seconds, intervals and rows spill.
func TestShardsMatchOneGoroutine(t *testing.T) {
	const format = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`
	path := filepath.Join(t.TempDir(), "access.log")
	rng := rand.New(rand.NewPCG(7, 9))
	targets := []string{"/api/v1/users/00u1", "/api/v1/apps", "/oauth2/default/v1/token", "/oauth2/v1/authorize?client_id=x",
		"/login/login.htm", "/api/v1/groups", "/favicon.ico", "/api/v1/logs?since=x"}
	agents := []string{"okta-sdk-golang/2.20.0", "curl/8.4.0", "Mozilla/5.0 (X11)", "-"}
	var sb strings.Builder
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for sb.Len() < 36<<20 {
		at = at.Add(time.Duration(rng.IntN(400)) * time.Millisecond)
		status := 200
		if rng.IntN(500) == 0 {
			status = 429
		}
		client := fmt.Sprintf("10.0.%d.%d", rng.IntN(4), rng.IntN(200))
		if rng.IntN(50) == 0 {
			client = fmt.Sprintf("host-%d.example.com", rng.IntN(30))
		}
		fmt.Fprintf(&sb, "%s - - [%s] \"%s %s HTTP/1.1\" %d 12 \"-\" \"%s\" %d.%03d\n", client, at.Format("02/Jan/2006:15:04:05 -0700"),
			[]string{"GET", "POST"}[rng.IntN(2)], targets[rng.IntN(len(targets))], status, agents[rng.IntN(len(agents))],
			rng.IntN(3), rng.IntN(1000))
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if rs, err := ingest.OpenParts(path, ingest.Options{LogFormat: format}, 3); err != nil || len(rs) != 3 {
		t.Fatalf("%d parts (%v), want 3", len(rs), err)
	} else {
		for _, r := range rs {
			r.Close()
		}
	}
	for _, small := range []bool{false, true} {
		t.Run(fmt.Sprintf("spill=%v", small), func(t *testing.T) {
			if small {
				savePages, saveSec, saveIv, saveRows := maxPages, maxSecPages, maxHeldIntervals, heldRowsMax
				maxPages, maxSecPages, maxHeldIntervals, heldRowsMax = 40, 100, 100_000, 150_000
				t.Cleanup(func() {
					maxPages, maxSecPages, maxHeldIntervals, heldRowsMax = savePages, saveSec, saveIv, saveRows
				})
			}
			run := func(workers int, shards bool) any {
				useShards = shards
				defer func() { useShards = true }()
				res, err := Files(context.Background(), []string{path}, Options{Catalog: classify.Seed(), Tier: classify.Enterprise,
					WarnPercent: 60, Workers: workers, LogFormat: format})
				if err != nil {
					t.Fatal(err)
				}
				if res.Concurrency == nil || res.ClientLimits == nil || res.Input.Requests == 0 {
					t.Fatalf("no concurrency or client figures: %+v", res.Input)
				}
				return res
			}
			// The reference takes every batch on one goroutine, without shards.
			one := run(1, false)
			if three := run(3, true); !reflect.DeepEqual(one, three) {
				t.Errorf("three workers' shards differ from one goroutine's rows")
			}
			if two := run(2, false); !reflect.DeepEqual(one, two) {
				t.Errorf("two workers without shards differ from one")
			}
		})
	}
}

// cancellingReader hands out data and cancels its context once it has handed out after bytes.
type cancellingReader struct {
	data   []byte
	after  int
	cancel context.CancelFunc
	read   int
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	if r.read >= len(r.data) {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.read:])
	r.read += n
	if r.read >= r.after {
		r.cancel()
	}
	return n, nil
}

// TestWorkerStopsWhenCancelled: a worker that counts its requests straight into its shard still
// looks at the run's context (and counts its progress) as often as it would hand on a batch, so a
// cancelled run stops within a batch of the cancellation rather than at the end of the part.
func TestWorkerStopsWhenCancelled(t *testing.T) {
	var sb strings.Builder
	at := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	const lines = 8 * batchRows
	for i := range lines {
		fmt.Fprintf(&sb, "10.0.0.%d - - [%s] \"GET /api/v1/users/00u%d HTTP/1.1\" 200 12 \"-\" \"ua\"\n", i%200,
			at.Add(time.Duration(i)*time.Second).Format("02/Jan/2006:15:04:05 -0700"), i%500)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &cancellingReader{data: []byte(sb.String()), cancel: cancel}
	src.after = len(src.data) / 8 // a batch's worth of lines
	r, err := ingest.NewReader(src, "a.log", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := newLive(false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	var progress atomic.Int64
	parts := []*part{{path: "a.log", format: r.Format(), r: r}}
	win := window{from: math.MinInt64, to: math.MaxInt64, templates: classify.Seed()}
	if _, _, _, err := runParts(ctx, &parts, 1, []*classify.Catalog{classify.Seed()}, l, &progress, win); err != context.Canceled {
		t.Fatalf("runParts: %v, want context.Canceled", err)
	}
	// Read ahead of the parse by at most the reader's buffer, and parsed at most about two batches
	// past the cancellation.
	if read := src.read; read > len(src.data)/2 {
		t.Errorf("read %d of %d bytes after a cancellation at %d", read, len(src.data), src.after)
	}
	if n := progress.Load(); n == 0 || n > 3*batchRows {
		t.Errorf("progress counted %d lines, want some, and at most %d", n, 3*batchRows)
	}
}
