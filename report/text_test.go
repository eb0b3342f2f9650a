package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

// textRows returns the bucket ids of the terminal table's rows, in order.
func textRows(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(out, "\n")
	var ids []string
	for i, l := range lines {
		if strings.HasPrefix(l, "BUCKET ") {
			for _, r := range lines[i+1:] {
				if strings.HasPrefix(r, "tier ") {
					return ids
				}
				ids = append(ids, strings.Fields(r)[0])
			}
		}
	}
	t.Fatalf("no table in:\n%s", out)
	return nil
}

// The terminal table lists the buckets worst first (by verdict, then rolling and minute share of the
// limit), each with its endpoint and the time of its peak minute, after a headline.
func TestTextWorstFirst(t *testing.T) {
	res := fixture(t, "request.result.json") // catalog order: authn, oauth2-org, apps-by-id, groups, users-get
	var buf bytes.Buffer
	if err := report.WriteText(&buf, res); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	rank := map[string]int{report.StatusOK: 0, report.StatusNear: 1, report.StatusOver: 2, report.StatusUnavailable: 3}
	byID := map[string]*report.BucketResult{}
	for i := range res.Buckets {
		byID[res.Buckets[i].Bucket.ID] = &res.Buckets[i]
	}
	ids := textRows(t, out)
	if strings.Join(ids, " ") != "users-get authn groups oauth2-org apps-by-id" {
		t.Errorf("rows %q, want users-get authn groups oauth2-org apps-by-id", ids)
	}
	for i := 1; i < len(ids); i++ {
		a, b := byID[ids[i-1]].Chosen(res.Tier), byID[ids[i]].Chosen(res.Tier)
		if rank[a.Status] < rank[b.Status] || rank[a.Status] == rank[b.Status] && a.RollingUtil < b.RollingUtil {
			t.Errorf("%s (%s, %.3f) before %s (%s, %.3f)", ids[i-1], a.Status, a.RollingUtil, ids[i], b.Status, b.RollingUtil)
		}
	}
	first := byID[ids[0]]
	if !strings.HasPrefix(out, "OVER on Enterprise: 1 bucket over and 1 near by minute peak, 1 over and 1 near by rolling 60 s peak; 200 requests answered HTTP 429\n") {
		t.Errorf("headline: %.120s", out)
	}
	row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(first.Bucket.ID) + ` .*$`).FindString(out)
	if !strings.Contains(row, first.PeakMinute.UTC().Format("2006-01-02 15:04")) || !strings.HasSuffix(row, "  "+first.Bucket.Pattern) {
		t.Errorf("row of %s lacks its peak time or endpoint: %q", first.Bucket.ID, row)
	}
	if strings.Contains(out, "\x1b") {
		t.Error("colour codes without TextOptions.Color")
	}
	var col bytes.Buffer
	if err := report.WriteTextOptions(&col, res, report.TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(col.String(), "\x1b[1;31mover\x1b[0m") || regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(col.String(), "") != out {
		t.Errorf("coloured output is not the plain one with colours:\n%s", col.String())
	}

	// In another zone the header names it and each time carries its abbreviation.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	res.Zone = berlin
	buf.Reset()
	if err := report.WriteText(&buf, res); err != nil {
		t.Fatal(err)
	}
	if want := first.PeakMinute.In(berlin).Format("2006-01-02 15:04 MST"); !strings.Contains(buf.String(), "AT (Europe/Berlin)") || !strings.Contains(buf.String(), want) {
		t.Errorf("in Europe/Berlin the table lacks %q:\n%s", want, buf.String())
	}
}

// Callers are named only where one made a large share of a bucket's hot minutes: a client that made
// 2 % of them says nothing, one that made 80 % does; a path template that is the bucket's own
// endpoint says nothing either. HTTP 429s are always said.
func TestTextCallers(t *testing.T) {
	res := monthResult(t)
	var spread, lead, quiet *report.BucketResult
	for i := range res.Buckets {
		b := &res.Buckets[i]
		if b.HotMinutes == 0 {
			continue
		}
		switch {
		case spread == nil:
			spread = b
		case lead == nil:
			lead = b
		case quiet == nil:
			quiet = b
		}
	}
	if quiet == nil {
		t.Fatal("the month has fewer than three hot buckets")
	}
	spread.HotRequests = 10000
	spread.Clients = []report.Share{{Name: "203.0.113.72", Count: 200}, {Name: "203.0.113.73", Count: 190}}
	spread.Agents = []report.Share{{Name: "Mozilla/5.0", Count: 2800}}
	spread.Paths = []report.Share{{Name: "/oauth2/{authorizationServerId}/v1/token", Count: 10000}}
	spread.Throttled = 0
	lead.HotRequests = 1000
	lead.Clients = []report.Share{{Name: "10.20.4.7", Count: 810}}
	lead.Agents = []report.Share{{Name: "", Count: 1000}}
	lead.Paths = []report.Share{{Name: lead.Bucket.Pattern, Count: 1000}}
	lead.Throttled = 118
	quiet.Clients, quiet.Agents, quiet.Paths, quiet.Throttled = nil, nil, nil, 0
	var buf bytes.Buffer
	if err := report.WriteText(&buf, res); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		spread.Bucket.ID + `: in its 12 hot minutes, path "/oauth2/{authorizationServerId}/v1/token" (100%)` + "\n",
		lead.Bucket.ID + `: in its 12 hot minutes, client "10.20.4.7" (81%); 118 answered HTTP 429` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the verdict lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"203.0.113.72", "Mozilla", "(0%)", "(not logged)", quiet.Bucket.ID + ":"} {
		if strings.Contains(out, bad) {
			t.Errorf("the verdict says %q:\n%s", bad, out)
		}
	}
}
