package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSniffFormats: one typical line of each sniffed format is detected as that format, whatever
// the formats tried before it.
func TestSniffFormats(t *testing.T) {
	for _, tt := range []struct{ format, data string }{
		{"okta-array", `[{"eventType":"user.session.start","published":"2026-10-14T08:00:00Z"}]`},
		{"okta-array", "\n  [\n  ]\n"},
		{"okta-ndjson", `{"eventType":"user.session.start","published":"2026-10-14T08:00:00Z"}`},
		{"okta-ndjson", `{"eventtype":"user.session.start"}`},
		{"okta-csv", "Time,Event Type,Debug Data\n"},
		{"okta-csv", "published,eventType\n"},
		{"cloudflare", `{"ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeStartTimestamp":1}`},
		{"caddy", `{"ts":1.5,"request":{"method":"GET","uri":"/"},"status":200}`},
		{"envoy", `{"start_time":"2026-10-14T08:00:00Z","method":"GET","path":"/","response_code":200}`},
		{"json", `{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/"}`},
		{"json", `{"@timestamp":1791964800,"method":"get","url":"/x"}`},
		{"w3c", "#Software: Microsoft Internet Information Services 10.0\n"},
		{"w3c", "#Fields: date time cs-method cs-uri-stem\n"},
		{"alb", `https 2026-10-14T08:00:00.123456Z app/x/1 192.0.2.1:1 10.0.0.5:443 0 0 0 200 200 1 1 "GET https://a:443/ HTTP/1.1" "ua" x`},
		{"haproxy", `Oct 14 08:00:01 lb haproxy[7]: 10.0.0.9:1 [14/Oct/2026:08:00:00.143] fe~ be/s 0/0/7/145/152 200 1 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1"`},
		{"haproxy", `10.0.0.9:1 [14/Oct/2026:08:00:00.143] fe~ be/s 0/0/7/145/152 200 1 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1"`},
		{"vhost_combined", `acme:443 10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "x"`},
		{"combined", goodLine(0)},
		{"combined", `2001:db8::1 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "x"`},
		{"common", `10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1`},
	} {
		r := newReader(t, []byte(tt.data+"\n"), Options{})
		if r.Format() != tt.format {
			t.Errorf("%q: sniffed as %s, want %s", tt.data, r.Format(), tt.format)
		}
	}
	// Not sniffed: Zeek's "#fields", plain JSON without request keys, a JSON array of other things.
	for _, data := range []string{"#fields\tts\tuid\n", `{"level":"info","msg":"x"}`, `[{"a":1}]`, `[1,2]`} {
		if r, err := NewReader(newBytesReader(data+"\n"), "x.log", Options{}); err == nil {
			t.Errorf("%q: sniffed as %s", data, r.Format())
		}
	}
}

// TestCorpusRecords checks the first record of each newly supported corpus format field by field.
func TestCorpusRecords(t *testing.T) {
	for _, tt := range []struct {
		file string
		want Record
	}{
		{"logfile_regexp_access_log.0", Record{Time: micros(2023, 7, 26, 7, 1, 26, 0), Method: "GET",
			Target: "/secure/RapidBoard.jspa?rapidView=1295&selectedIssue=AA-409111&quickFilter=385508&quickFilter=387097",
			Status: 200, Client: "178.20.184.42", UserAgent: "Mozilla/5.0", Line: 1}},
		// ts 1761019828.6153953 minus duration 0.001674508 s: when the request started.
		{"logfile_caddy_log.0", Record{Time: micros(2025, 10, 21, 4, 10, 28, 615395-1674), Method: "GET", Target: "/", Status: 304,
			Client: "172.19.0.1", UserAgent: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:142.0) Gecko/20100101 Firefox/142.0", Line: 16,
			Duration: 1674, HasDuration: true}},
		{"logfile_cloudflare.json", Record{Time: micros(2022, 10, 30, 0, 0, 2, 0), Method: "HEAD", Target: "/", Status: 301,
			Client: "87.226.160.250", Line: 1}},
		{"logfile_cloudflare.1", Record{Time: micros(2024, 4, 10, 23, 0, 0, 100000), Method: "GET", Target: "/", Status: 200,
			Client: "89.163.242.206", UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Line: 1}},
		{"logfile_haproxy.0", Record{Time: micros(2019, 2, 25, 16, 19, 48, 143000), Method: "GET",
			Target: "/admin/colt/administration?survey=130&input_stats=1&ajax=1&&ajax=1&refresh=1&ihandle=1", Status: 200,
			Client: "141.35.244.171", Line: 4, Duration: 1_487_000, HasDuration: true}}, // Ta 1487 ms
		{"logfile_w3c.3", Record{Time: micros(2012, 8, 15, 17, 0, 0, 363000), Method: "GET", Target: "/Products/theProduct", Status: 200,
			Client: "70.95.0.0", UserAgent: "Mozilla/5.0 (Linux; Android 4.4.4; SM-G900V Build/KTU84P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.59 Mobile Safari/537.36", Line: 8}},
		{"logfile_w3c_big.0", Record{Time: micros(2015, 1, 13, 0, 32, 17, 0), Method: "GET", Target: "/robots.txt", Status: 404,
			Client: "157.55.39.146", UserAgent: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", Line: 5,
			Duration: 283_000, HasDuration: true}}, // time-taken 283 ms
	} {
		path := filepath.Join(corpusDir, tt.file)
		if !fileExists(path) {
			t.Skipf("corpus not found at %s", corpusDir)
		}
		got := readAll(t, openFile(t, path, Options{}))
		if len(got.recs) == 0 {
			t.Errorf("%s: no record", tt.file)
		} else if got.recs[0] != tt.want {
			t.Errorf("%s: first record\n got %+v\nwant %+v", tt.file, got.recs[0], tt.want)
		}
	}
}

func newBytesReader(s string) *bytes.Reader { return bytes.NewReader([]byte(s)) }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
