package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir holds third-party access logs (tstack/lnav test files, BSD-2-Clause; see
// shared/corpus/SOURCES.md beside the repository). They are read in place and never copied into this
// repository; the tests skip when the folder is absent.
var corpusDir = func() string {
	for _, dir := range []string{"../../shared/corpus/access-logs-lnav", "/work/shared/corpus/access-logs-lnav"} {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return "../../shared/corpus/access-logs-lnav"
}()

// TestCorpus reads every log of the lnav corpus: the sniffed format, no read error, exact
// accounting, and the counts each file is known to hold.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "logfile_*"))
	if _, err := os.Stat(corpusDir); err != nil || len(paths) == 0 {
		t.Skipf("corpus not found at %s: skipping the third-party corpus test", corpusDir)
	}
	type want struct {
		format                string
		lines, requests       int64
		reasons               map[string]int64
		unknownUnlessOverride bool // sniffing finds no known format; read with Format "combined"
		unknown               bool // no known format at all
	}
	known := map[string]want{
		"logfile_access_log.0":      {format: "combined", lines: 3, requests: 3},
		"logfile_access_log.1":      {format: "combined", lines: 1, requests: 0, reasons: map[string]int64{ReasonBadRequest: 1}},
		"logfile_bad_access_log.0":  {format: "combined", lines: 3, requests: 2, reasons: map[string]int64{ReasonMalformed: 1}},
		"logfile_shop_access_log.0": {format: "combined", lines: 1000, requests: 1000},
		// Apache vhost_combined: a "host:port" field before the client, a duration after.
		"logfile_regexp_access_log.0": {format: "vhost_combined", lines: 2, requests: 2},
		// Caddy runtime messages between the access-log entries, behind a docker-compose prefix.
		"logfile_caddy_log.0":     {format: "caddy", lines: 39, requests: 4, reasons: map[string]int64{ReasonNotARequest: 35}},
		"logfile_caddy_log.1":     {format: "caddy", lines: 4, requests: 4},
		"logfile_cloudflare.json": {format: "cloudflare", lines: 1, requests: 1},
		"logfile_cloudflare.1":    {format: "cloudflare", lines: 15, requests: 15},
		"logfile_haproxy.0":       {format: "haproxy", lines: 17, requests: 13, reasons: map[string]int64{ReasonNotARequest: 4}},
		"logfile_w3c.3":           {format: "w3c", lines: 10, requests: 3, reasons: map[string]int64{ReasonBlank: 3, ReasonHeader: 4}},
		"logfile_w3c_big.0":       {format: "w3c", lines: 254, requests: 210, reasons: map[string]int64{ReasonHeader: 44}},
		"logfile_bro_http.log.0":  {unknown: true}, // Zeek http.log: not an access log ingest reads
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			w, ok := known[name]
			opt := Options{}
			if ok && w.unknown {
				if _, err := Open(path, opt); !errors.Is(err, ErrUnknownFormat) {
					t.Errorf("sniffing: err = %v, want ErrUnknownFormat", err)
				}
				return
			}
			if ok && w.unknownUnlessOverride {
				if _, err := Open(path, opt); !errors.Is(err, ErrUnknownFormat) {
					t.Errorf("sniffing: err = %v, want ErrUnknownFormat", err)
				}
				opt.Format = w.format
			}
			got := readAll(t, openFile(t, path, opt))
			if got.err != nil {
				t.Fatalf("Err = %v", got.err)
			}
			if !ok {
				t.Logf("new corpus file: format %s, stats %+v", got.format, got.stats)
				return
			}
			st := got.stats
			if got.format != w.format || st.Lines != w.lines || st.Requests != w.requests {
				t.Errorf("format %q, %d lines, %d requests; want %q, %d, %d", got.format, st.Lines, st.Requests, w.format, w.lines, w.requests)
			}
			for _, reason := range Reasons {
				if st.Reasons[reason] != w.reasons[reason] {
					t.Errorf("Reasons = %v, want %v", st.Reasons, w.reasons)
					break
				}
			}
		})
	}
}

// TestCorpusShop checks the fields of the 1,000-line nginx log with +0330 offsets and a trailing
// X-Forwarded-For field.
func TestCorpusShop(t *testing.T) {
	path := filepath.Join(corpusDir, "logfile_shop_access_log.0")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus not found at %s", corpusDir)
	}
	got := readAll(t, openFile(t, path, Options{}))
	first := got.recs[0]
	want := Record{
		Time:   micros(2019, 1, 22, 0, 26, 14, 0), // 03:56:14 +0330
		Method: "GET",
		Target: "/filter/27|13%20%D9%85%DA%AF%D8%A7%D9%BE%DB%8C%DA%A9%D8%B3%D9%84,27|%DA%A9%D9%85%D8%AA%D8%B1%20%D8%A7%D8%B2%205%20%D9%85%DA%AF%D8%A7%D9%BE%DB%8C%DA%A9%D8%B3%D9%84,p53",
		Status: 200, Client: "54.36.149.41", UserAgent: "Mozilla/5.0 (compatible; AhrefsBot/6.1; +http://ahrefs.com/robot/)", Line: 1,
	}
	if first != want {
		t.Errorf("first record\n got %+v\nwant %+v", first, want)
	}
	if last := got.recs[len(got.recs)-1]; last.Line != 1000 {
		t.Errorf("last record at line %d", last.Line)
	}
}
