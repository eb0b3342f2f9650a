package analyze

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestPrincipalShares checks a principal over its share while the org bucket is fine, one within its
// share, a mapped principal with its own share, and the input's OAuth client id as a principal.
func TestPrincipalShares(t *testing.T) {
	var sb strings.Builder
	line := func(sec int, client, agent, target string) {
		fmt.Fprintf(&sb, "%s - - [14/Oct/2026:08:10:%02d +0000] \"GET %s HTTP/1.1\" 200 1 \"-\" \"%s\"\n", client, sec, target, agent)
	}
	// users-get, enterprise limit 1,000: sync job 550 (over its 50 % share of 500), portal 300.
	for i := range 550 {
		line(i%60, "10.0.0.1", "sync/1", "/api/v1/users/00u1")
	}
	for i := range 300 {
		line(i%60, "10.0.0.2", "portal/1", "/api/v1/users/00u2")
	}
	// oauth2-org authorize with a client_id, limit 1,200: 100 requests, within 600.
	for i := range 100 {
		line(i%60, "10.0.0.3", "browser", "/oauth2/v1/authorize?client_id=0oa1abc&scope=openid")
	}
	path := filepath.Join(t.TempDir(), "a.log")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	pm, err := ParsePrincipalMap("map.txt", strings.NewReader("# who is who\nip 10.0.0.1 = hr-sync\nua portal = portal # the portal\nshare portal = 20\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Files(context.Background(), []string{path}, Options{Catalog: classify.Seed(),
		Tier: classify.Enterprise, WarnPercent: 60, Principals: pm})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]report.PrincipalPeak{}
	for _, b := range res.Buckets {
		for _, pp := range b.Principals {
			got[b.Bucket.ID+"/"+pp.Name] = pp
		}
	}
	if pp := got["users-get/hr-sync"]; pp.Peak != 550 || pp.Share != 50 || pp.Limit != 500 || !pp.Over || pp.BucketOver || pp.BucketCount != 850 {
		t.Errorf("hr-sync %+v", pp)
	}
	if pp := got["users-get/portal"]; pp.Peak != 300 || pp.Share != 20 || pp.Limit != 200 || !pp.Over {
		t.Errorf("portal %+v", pp)
	}
	if pp := got["oauth2-org/0oa1abc"]; pp.Peak != 100 || pp.Limit != 600 || pp.Over {
		t.Errorf("OAuth client %+v (all: %v)", pp, got)
	}
}

func TestParsePrincipalMapErrors(t *testing.T) {
	for in, want := range map[string]string{
		"ip 10.0.0.1\n":          "m:1: want",
		"\nfoo x = y\n":          "m:2: unknown rule",
		"share a = 0\n":          "m:1: share",
		"share a = 101\n":        "m:1: share",
		"ua = name\n":            "m:1: want",
		"share * = 30\nip = x\n": "m:2: want",
	} {
		_, err := ParsePrincipalMap("m", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	m, err := ParsePrincipalMap("m", strings.NewReader("share * = 30\n"))
	if err != nil || m.Share("anyone") != 30 {
		t.Errorf("default share: %v %v", m, err)
	}
}
