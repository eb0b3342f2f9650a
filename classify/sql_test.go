package classify

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCountsSQLGolden keeps the query of every engine as reviewed: the seed catalog over a table with
// a status column and a time window. report/analyze's TestCountsSQLMatchesClassify runs the DuckDB
// form against Classify; the other engines' forms are the same CASE with their own spelling of
// arrays, regular expressions and epoch seconds.
func TestCountsSQLGolden(t *testing.T) {
	q := CountsQuery{Table: "okta_access_logs", Time: "request_time", Method: "request_verb", Path: "request_url",
		Status: "elb_status_code", From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	for _, engine := range append(SQLDialects(), "athena") {
		got, err := Seed().CountsSQL(engine, q)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "sql", engine+".sql")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./classify -run CountsSQLGolden -update)", err)
		}
		if !bytes.Equal([]byte(got), want) {
			t.Errorf("%s: the query differs from %s (run with -update if the change is intended)", engine, path)
		}
	}
}

// TestCountsSQLErrors checks the refusals: an unknown engine (naming the known ones), missing
// expressions, and a catalog literal the compiler cannot spell.
func TestCountsSQLErrors(t *testing.T) {
	q := CountsQuery{Table: "t", Time: "ts", Method: "m", Path: "p"}
	if _, err := Seed().CountsSQL("oracle", q); err == nil || !strings.Contains(err.Error(), "duckdb") {
		t.Errorf("unknown engine: %v", err)
	}
	if _, err := Seed().CountsSQL("duckdb", CountsQuery{Table: "t", Time: "ts"}); err == nil {
		t.Error("no method and path: no error")
	}
	cat, err := parse("odd", "odd.tsv", strings.NewReader("id\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tworkforce\tsource\n"+
		"quirk\t*\tprefix\t/api/o'brien\t1\t1\t1\t1\t1\ttest\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.CountsSQL("duckdb", q); err == nil || !strings.Contains(err.Error(), "o'brien") {
		t.Errorf("a literal with a quote: %v", err)
	}
}

// ExampleCatalog_CountsSQL writes the query for Athena over ALB access logs; its last lines count
// the classified requests per bucket and second.
func ExampleCatalog_CountsSQL() {
	q, err := Seed().CountsSQL("athena", CountsQuery{Table: "alb_logs", Time: "from_iso8601_timestamp(time)",
		Method: "request_verb", Path: "request_url", Status: "elb_status_code"})
	if err != nil {
		panic(err)
	}
	lines := strings.Split(strings.TrimSpace(q), "\n")
	fmt.Println(strings.Join(lines[len(lines)-3:], "\n"))
	// Output:
	// SELECT bucket, second, count(*) AS requests, count_if(status = 429) AS throttled
	// FROM classified
	// GROUP BY bucket, second
}
