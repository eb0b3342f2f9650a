package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ratecard/ratecard/classify"
)

// randomTarget makes a request target shaped to find where the SQL and the Go classifier could
// differ: catalog words and ids, percent-encoded bytes (valid, invalid, either hex case, %2F),
// doubled and trailing slashes, a missing leading slash, absolute URLs, query strings and fragments
// (with slashes in them), upper case, dot segments, empty and odd characters.
func randomTarget(rng *rand.Rand, words []string) string {
	var b strings.Builder
	switch rng.IntN(8) {
	case 0:
		b.WriteString("https://acme.okta.com")
	case 1:
		b.WriteString("HTTP://acme.okta.com:8443")
	case 2:
		b.WriteString("x-1.y://h")
	}
	for range rng.IntN(8) {
		switch rng.IntN(12) {
		case 0:
			b.WriteString("//")
		case 1:
			// no slash: glue to the previous segment, or a target without a leading slash
		default:
			b.WriteString("/")
		}
		w := words[rng.IntN(len(words))]
		switch rng.IntN(10) {
		case 0: // percent-encode some bytes
			var e strings.Builder
			for i := 0; i < len(w); i++ {
				if rng.IntN(3) == 0 {
					hex := fmt.Sprintf("%02X", w[i])
					if rng.IntN(2) == 0 {
						hex = strings.ToLower(hex)
					}
					e.WriteString("%" + hex)
				} else {
					e.WriteByte(w[i])
				}
			}
			w = e.String()
		case 1:
			w = strings.ToUpper(w)
		case 2:
			w = w + []string{"%", "%4", "%zz", "%2F", "%2f" + w, "x"}[rng.IntN(6)]
		case 3:
			w = []string{"00u1a2b3c4", "jane%40acme.com", ".", "..", "*", "v1", "default", "ä", "a b"}[rng.IntN(9)]
		}
		b.WriteString(w)
	}
	switch rng.IntN(6) {
	case 0:
		b.WriteString("/")
	case 1:
		b.WriteString("?q=/api/v1/users&x=1")
	case 2:
		b.WriteString("#/api/v1/apps")
	case 3:
		b.WriteString("?")
	}
	return b.String()
}

// TestCountsSQLMatchesClassify runs the query classify.CountsSQL writes for DuckDB over random requests
// (one to a second, so that each output row is one request) and checks every request's bucket against
// classify.Classify, for every built-in catalog, and the throttled count against the statuses.
func TestCountsSQLMatchesClassify(t *testing.T) {
	ctx := context.Background()
	d, err := openDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	rng := rand.New(rand.NewPCG(8, 13))
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH", "get", "OPTIONS", "", "HEAD"}
	for _, name := range classify.Catalogs() {
		cat, err := classify.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		words := []string{"api", "v1", "oauth2", ".well-known", "keys", "token", "authorize", "users", "apps", "groups",
			"authn", "factors", "verify", "sessions", "logs", "clients", "login", "idp", "idx", "me", "x"}
		for i := range cat.Buckets {
			for _, s := range strings.Split(cat.Buckets[i].Pattern, "/") {
				if s != "" && s[0] != '{' {
					words = append(words, s)
				}
			}
		}
		const n = 20_000
		targets, ms := make([]string, n), make([]string, n)
		statuses := make([]int32, n)
		secs := make([]int64, n)
		for i := range n {
			targets[i], ms[i] = randomTarget(rng, words), methods[rng.IntN(len(methods))]
			statuses[i] = []int32{200, 429, 404}[rng.IntN(3)]
			secs[i] = 1_790_000_000 + int64(i)
		}
		loadRequests(t, d, secs, ms, targets, statuses)
		q, err := cat.CountsSQL("duckdb", classify.CountsQuery{Table: "reqs", Time: "ts", Method: "method", Path: "path", Status: "status"})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := d.conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, q)
		}
		got := map[int64][2]any{}
		for rows.Next() {
			var bucket string
			var sec, requests, throttled int64
			if err := rows.Scan(&bucket, &sec, &requests, &throttled); err != nil {
				t.Fatal(err)
			}
			if requests != 1 {
				t.Fatalf("second %d: %d requests, want 1", sec, requests)
			}
			got[sec] = [2]any{bucket, throttled}
		}
		rows.Close()
		bad := 0
		for i := range n {
			want := cat.ClassID(cat.Classify(ms[i], targets[i]))
			g, ok := got[secs[i]]
			if !ok || g[0] != want {
				if bad++; bad <= 10 {
					t.Errorf("%s: %s %q: SQL %v, Go %s", name, ms[i], targets[i], g[0], want)
				}
			}
			if wantT := int64(0); ok {
				if statuses[i] == 429 {
					wantT = 1
				}
				if g[1] != wantT {
					t.Errorf("%s: %s %q status %d: throttled %v", name, ms[i], targets[i], statuses[i], g[1])
				}
			}
		}
		if bad > 0 {
			t.Fatalf("%s: %d of %d requests classified differently", name, bad, n)
		}
	}
}

// loadRequests makes the table reqs (ts TIMESTAMP, method, path VARCHAR, status INTEGER) in d.
func loadRequests(t *testing.T, d *duckDB, secs []int64, methods, paths []string, statuses []int32) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "sec", Type: arrow.PrimitiveTypes.Int64},
		{Name: "method", Type: arrow.BinaryTypes.String},
		{Name: "path", Type: arrow.BinaryTypes.String},
		{Name: "status", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(secs, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(methods, nil)
	b.Field(2).(*array.StringBuilder).AppendValues(paths, nil)
	b.Field(3).(*array.Int32Builder).AppendValues(statuses, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := d.createFromArrow(rec, `CREATE OR REPLACE TABLE reqs AS SELECT to_timestamp(sec)::TIMESTAMP AS ts, method, path, status FROM arrow_view`); err != nil {
		t.Fatal(err)
	}
}

// TestCountsSQLWindow checks --from/--to on the query: whole seconds at or after from, before to.
func TestCountsSQLWindow(t *testing.T) {
	d, err := openDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	secs := []int64{99, 100, 101, 199, 200}
	loadRequests(t, d, secs, []string{"GET", "GET", "GET", "GET", "GET"}, []string{"/api/v1/logs", "/api/v1/logs", "/api/v1/logs", "/api/v1/logs", "/api/v1/logs"}, []int32{200, 200, 200, 200, 200})
	q, err := classify.Seed().CountsSQL("duckdb", classify.CountsQuery{Table: "reqs", Time: "ts", Method: "method", Path: "path",
		From: time.Unix(100, 0), To: time.Unix(200, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var n, throttled int64
	if err := d.conn.QueryRowContext(context.Background(), `SELECT sum(requests), sum(throttled) FROM (`+q+`)`).Scan(&n, &throttled); err != nil {
		t.Fatal(err)
	}
	if n != 3 || throttled != 0 {
		t.Errorf("%d requests (%d throttled) in [100, 200), want 3 (0)", n, throttled)
	}
}
