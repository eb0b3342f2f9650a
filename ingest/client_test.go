package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// xffLines returns n combined lines with an X-Forwarded-For field and OAuth client ids.
func xffLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `10.0.0.%d - - [14/Oct/2026:10:00:%02d +0200] "GET /oauth2/v1/authorize?response_type=code&client_id=0oa%06d HTTP/1.1" 302 0 "-" "Mozilla/5.0" "203.0.113.%d, 10.0.0.1" 0.004`+"\n",
			i%250, i%60, i, i%250)
	}
	return b.Bytes()
}

// TestClientIdentityDoesNotAllocate: with ForwardedFor, the combined hot path (first XFF hop,
// OAuth client id) still allocates nothing per line.
func TestClientIdentityDoesNotAllocate(t *testing.T) {
	r := newReader(t, xffLines(5000), Options{ForwardedFor: true})
	for range 100 {
		r.Next()
	}
	allocs := testing.AllocsPerRun(2000, func() {
		if !r.Next() {
			t.Fatal("ran out of lines")
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %.2f times per line", allocs)
	}
	rec := r.Record()
	if rec.Client != "203.0.113."+fmt.Sprint((rec.Line-1)%250) || rec.Principal != fmt.Sprintf("0oa%06d", rec.Line-1) {
		t.Errorf("record %+v", *rec)
	}
}

// TestForwardedForOff: without ForwardedFor the client is the socket peer, whatever the XFF field.
func TestForwardedForOff(t *testing.T) {
	got := readAll(t, newReader(t, xffLines(3), Options{}))
	for i, rec := range got.recs {
		if rec.Client != fmt.Sprintf("10.0.0.%d", i) || rec.Principal != fmt.Sprintf("0oa%06d", i) {
			t.Errorf("record %+v", rec)
		}
	}
}

func TestOAuthClientID(t *testing.T) {
	for _, tt := range []struct{ target, want string }{
		{"/oauth2/v1/authorize?client_id=0oa1", "0oa1"},
		{"/oauth2/default/v1/authorize?a=b&client_id=0oa2&c=d", "0oa2"},
		{"https://acme.okta.com/oauth2/v1/token?client_id=0oa3#frag", "0oa3"},
		{"/oauth2/v1/authorize?xclient_id=0oa4", ""},
		{"/oauth2/v1/authorize?client_id=", ""},
		{"/api/v1/users?client_id=0oa5", ""},
		{"/api/v1/users?redirect=/oauth2/v1/authorize&client_id=0oa6", ""},
		{"/oauth2/v1/token", ""},
		{"", ""},
	} {
		if got := oauthClientID(tt.target); got != tt.want {
			t.Errorf("oauthClientID(%q) = %q, want %q", tt.target, got, tt.want)
		}
	}
}

func TestFirstHop(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"203.0.113.9, 10.0.0.1", "203.0.113.9"}, {" 2001:db8::1 ,x", "2001:db8::1"}, {"-", ""}, {"", ""}, {", 10.0.0.1", ""}, {"a", "a"},
	} {
		if got := string(firstHop([]byte(tt.in))); got != tt.want {
			t.Errorf("firstHop(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCorpusForwardedFor reads every corpus file (lnav access logs and Okta System Log exports)
// with and without ForwardedFor: the same requests and accounting, only Client may differ, and a
// Principal, when found, is in the target or is a System Log token id.
func TestCorpusForwardedFor(t *testing.T) {
	var paths []string
	for _, dir := range []string{corpusDir, filepath.Join(filepath.Dir(corpusDir), "okta-systemlog")} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths = append(paths, path)
			}
			return nil
		})
	}
	if len(paths) == 0 {
		t.Skipf("corpus not found at %s", corpusDir)
	}
	read := 0
	for _, path := range paths {
		r1, err := Open(path, Options{})
		if err != nil {
			continue // not a known format (tested by TestCorpus)
		}
		plain := readAll(t, r1)
		r1.Close()
		r2, err := Open(path, Options{ForwardedFor: true})
		if err != nil {
			t.Fatalf("%s: %v with ForwardedFor, but readable without", path, err)
		}
		xff := readAll(t, r2)
		r2.Close()
		read++
		if len(plain.recs) != len(xff.recs) || plain.stats.Lines != xff.stats.Lines || plain.stats.Skipped != xff.stats.Skipped {
			t.Errorf("%s: %d/%d/%d records/lines/skipped, %d/%d/%d with ForwardedFor", path, len(plain.recs), plain.stats.Lines,
				plain.stats.Skipped, len(xff.recs), xff.stats.Lines, xff.stats.Skipped)
			continue
		}
		for i := range plain.recs {
			a, b := plain.recs[i], xff.recs[i]
			b.Client = a.Client
			if a != b {
				t.Errorf("%s: record %d differs beyond Client:\n%+v\n%+v", path, i, a, b)
				break
			}
			if a.Principal != "" && a.Source != SourceSystemLog && !strings.Contains(a.Target, "client_id="+a.Principal) {
				t.Errorf("%s: principal %q not in target %q", path, a.Principal, a.Target)
			}
		}
	}
	t.Logf("%d corpus files read both ways", read)
}
