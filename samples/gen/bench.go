package main

// Bench mode (-bench-lines N): a month-sized input for `make bench`, streamed straight to disk.
//
// The sample logs model a small org in detail and hold every record in memory to plant events and
// answer 429s; that does not scale to tens of millions of lines. Bench mode keeps the same kind of
// traffic (the same endpoints, SDK user agents, ids and a diurnal curve) but draws each line
// independently, so it writes at disk speed with constant memory. It writes, into -out:
//
//   - access.log: N nginx lines over -days days from -start, in time order, timestamps in -0700 at
//     second resolution (as nginx writes them), in the combined format with $request_time appended
//     (benchLogFormat; -bench-request-time=false writes plain combined lines): the request's
//     duration in seconds with milliseconds, 20 ms to a few seconds by endpoint;
//   - log_format.txt: the log_format the lines were written with, for ratecard analyze --log-format
//     (absent for plain combined lines);
//   - combined.log, with $request_time and -bench-combined (the default): the same requests in the
//     plain combined format, each line without its $request_time;
//   - access.log.gz (unless -bench-gzip=false): the same bytes as access.log, gzip (one member,
//     default level);
//   - split/part-K.log and split/part-K.log.gz: the same lines cut into -split consecutive files of
//     (almost) equal line counts, as a rotated log would be (none with -split 0).
//
// Every night at 02:00 UTC a three-minute user-sync job adds 1,150 GET /api/v1/users/{id} per minute,
// so the analysis has peaks over the enterprise limit to find. The output depends only on the flags.

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// benchRoute is one kind of request in the bench traffic, with its share of the baseline.
type benchRoute struct {
	weight int
	method string
	prefix string // the path up to an id, or the whole target
	suffix string // after the id
	id     bool   // whether an id from the pool goes between prefix and suffix
	agent  int    // index into benchAgents
	status int
}

// benchRoutes are the requests of the bench traffic.
var benchRoutes = []benchRoute{
	{200, "POST", "/oauth2/default/v1/token", "", false, 0, 200},
	{50, "GET", "/oauth2/v1/keys", "", false, 1, 200},
	{150, "GET", "/api/v1/users/", "", true, 2, 200},
	{100, "POST", "/api/v1/authn", "", false, 3, 200},
	{50, "POST", "/api/v1/authn/factors/", "/verify", true, 3, 200},
	{40, "GET", "/api/v1/users?search=profile.department%20eq%20%22Sales%22&limit=200", "", false, 4, 200},
	{50, "GET", "/api/v1/groups/", "", true, 2, 200},
	{40, "GET", "/api/v1/apps/", "", true, 4, 200},
	{30, "GET", "/api/v1/apps?filter=status%20eq%20%22ACTIVE%22", "", false, 5, 200},
	{60, "GET", "/api/v1/sessions/me", "", false, 3, 200},
	{80, "GET", "/oauth2/v1/authorize?client_id=0oa1bench&response_type=code&scope=openid", "", false, 3, 302},
	{10, "GET", "/api/v1/logs?since=2026-10-01T00%3A00%3A00Z&limit=1000", "", false, 6, 200},
	{30, "POST", "/api/v1/users/", "", true, 5, 200},
	{50, "GET", "/login/login.htm", "", false, 3, 200},
	{60, "GET", "/api/v1/users/", "/groups", true, 2, 200},
}

// The nightly user-sync job of the bench input: benchSyncPerMinute requests a minute of
// benchRoutes[benchSyncRoute] for benchSyncMinutes minutes from 02:00 UTC, over the enterprise limit
// of the bucket they count against (users-get in classify's seed catalog; a test checks it).
const (
	benchSyncPerMinute = 1150
	benchSyncMinutes   = 3
	benchSyncRoute     = 2
)

// benchAgents are the user agents of the bench traffic.
var benchAgents = []string{
	"okta-jwt-verifier-java/0.5.7 java/17.0.8",
	"okta-jwt-verifier-golang/2.0.3 golang/go1.22.5",
	"okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
	"okta-sdk-python/2.9.8 python/3.11.9 Linux/6.5",
	"Terraform/1.9.5 terraform-provider-okta/4.11.0",
	"splunk-okta-addon/3.0.1",
}

// benchConfig holds the flags of bench mode.
type benchConfig struct {
	out   string
	lines int64
	days  int
	split int
	start time.Time
	seed  uint64
	// requestTime appends each request's $request_time to its line (benchLogFormat).
	requestTime bool
	// combined also writes combined.log, the lines without $request_time (with requestTime only).
	combined bool
	// gzip writes the .gz copies of access.log and the parts.
	gzip bool
}

// benchLogFormat is the nginx log_format of the bench lines: combined with $request_time.
const benchLogFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`

// benchLatency is each route's typical duration in milliseconds (benchRoutes' order): a request
// takes between half and one and a half times it, and one in a hundred five times that.
var benchLatency = []int{60, 20, 40, 150, 120, 300, 40, 60, 200, 30, 80, 900, 180, 50, 70}

// runBench writes the bench input and reports what it wrote to stderr.
func runBench(cfg benchConfig, stderr io.Writer) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	if cfg.split > 0 {
		if err := os.MkdirAll(filepath.Join(cfg.out, "split"), 0o755); err != nil {
			return err
		}
	}
	plain := filepath.Join(cfg.out, "access.log")
	if err := writeBenchLog(cfg, plain); err != nil {
		return err
	}
	formatFile := filepath.Join(cfg.out, "log_format.txt")
	if cfg.requestTime {
		if err := os.WriteFile(formatFile, []byte(benchLogFormat+"\n"), 0o644); err != nil {
			return err
		}
	} else if err := os.Remove(formatFile); err != nil && !os.IsNotExist(err) {
		return err
	}
	if cfg.split > 0 {
		if err := splitBenchLog(plain, filepath.Join(cfg.out, "split"), cfg.lines, cfg.split); err != nil {
			return err
		}
	}
	// Compress the whole file and the parts concurrently: each gzip stream is single-threaded.
	var paths []string
	if cfg.gzip {
		paths = append(paths, plain)
		for k := range cfg.split {
			paths = append(paths, benchPartName(cfg.out, k))
		}
	}
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, min(len(paths), 4)))
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = gzipFile(p, p+".gz")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	st, err := os.Stat(plain)
	if err != nil {
		return err
	}
	also := ""
	if cfg.requestTime && cfg.combined {
		also += ", combined.log"
	}
	if cfg.gzip {
		also += ", .gz"
	}
	if cfg.split > 0 {
		also += fmt.Sprintf(", %d parts in %s", cfg.split, filepath.Join(cfg.out, "split"))
	}
	fmt.Fprintf(stderr, "bench input: %d lines over %d days from %s, %d bytes, in %s%s\n",
		cfg.lines, cfg.days, cfg.start.Format("2006-01-02"), st.Size(), plain, also)
	return nil
}

// benchPartName returns the path of part k of the split bench input below out.
func benchPartName(out string, k int) string {
	return filepath.Join(out, "split", fmt.Sprintf("part-%d.log", k))
}

// writeBenchLog writes cfg.lines lines. Second s of the period gets a share of the baseline in
// proportion to a diurnal curve (busy in US business hours), carried over as a fraction so the total
// is exact; the nightly sync job comes on top, and the baseline is scaled down to make room for it.
func writeBenchLog(cfg benchConfig, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// cw, when set, gets each line without its $request_time: combined.log.
	var cf *os.File
	var cw *bufio.Writer
	combinedPath := filepath.Join(filepath.Dir(path), "combined.log")
	if cfg.requestTime && cfg.combined {
		if cf, err = os.Create(combinedPath); err != nil {
			f.Close()
			return err
		}
		defer cf.Close()
		cw = bufio.NewWriterSize(cf, 1<<20)
	} else if err := os.Remove(combinedPath); err != nil && !os.IsNotExist(err) {
		f.Close()
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.seed, 0x62656e6368)) // "bench"

	seconds := int64(cfg.days) * 86400
	syncLines := int64(cfg.days) * benchSyncPerMinute * benchSyncMinutes
	baseline := cfg.lines - syncLines
	if baseline < 0 {
		return fmt.Errorf("-bench-lines %d is fewer than the nightly sync job's %d lines", cfg.lines, syncLines)
	}
	var total float64
	for s := range int64(86400) {
		total += benchDiurnal(s)
	}
	perUnit := float64(baseline) / (total * float64(cfg.days))

	ids := make([]string, 4096)
	const b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for i := range ids {
		b := []byte("00u")
		for range 17 {
			b = append(b, b62[rng.IntN(len(b62))])
		}
		ids[i] = string(b)
	}
	var cum []int
	sum := 0
	for _, r := range benchRoutes {
		sum += r.weight
		cum = append(cum, sum)
	}
	zone := time.FixedZone("", -7*3600)
	var written, acc float64
	var n int64
	buf := make([]byte, 0, 512)
	for s := range seconds {
		t := cfg.start.Add(time.Duration(s) * time.Second)
		acc += benchDiurnal(s%86400) * perUnit
		k := int64(acc)
		if s == seconds-1 {
			k = baseline - int64(written) // whatever rounding left over goes in the last second
		}
		acc -= float64(k)
		written += float64(k)
		tod := s % 86400
		sync := tod >= 2*3600 && tod < 2*3600+benchSyncMinutes*60
		if sync {
			// 1,150 per minute: 19 or 20 in each second.
			k += benchSyncPerMinute / 60
			if tod%60 < benchSyncPerMinute%60 {
				k++
			}
		}
		if k == 0 {
			continue
		}
		stamp := t.In(zone).Format("02/Jan/2006:15:04:05 -0700")
		for i := range k {
			ri := 0
			if sync && i < int64(benchSyncPerMinute/60) {
				ri = benchSyncRoute
			} else {
				x := rng.IntN(sum)
				for j, c := range cum {
					if x < c {
						ri = j
						break
					}
				}
			}
			r := &benchRoutes[ri]
			buf = buf[:0]
			buf = append(buf, "10."...)
			buf = strconv.AppendInt(buf, int64(rng.IntN(4)), 10)
			buf = append(buf, '.')
			buf = strconv.AppendInt(buf, int64(rng.IntN(256)), 10)
			buf = append(buf, '.')
			buf = strconv.AppendInt(buf, int64(1+rng.IntN(254)), 10)
			buf = append(buf, " - - ["...)
			buf = append(buf, stamp...)
			buf = append(buf, "] \""...)
			buf = append(buf, r.method...)
			buf = append(buf, ' ')
			buf = append(buf, r.prefix...)
			if r.id {
				buf = append(buf, ids[rng.IntN(len(ids))]...)
			}
			buf = append(buf, r.suffix...)
			buf = append(buf, " HTTP/1.1\" "...)
			buf = strconv.AppendInt(buf, int64(r.status), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, int64(200+rng.IntN(4000)), 10)
			buf = append(buf, ` "-" "`...)
			buf = append(buf, benchAgents[r.agent]...)
			buf = append(buf, '"')
			if cw != nil {
				cw.Write(buf)
				cw.WriteByte('\n')
			}
			if cfg.requestTime {
				ms := benchLatency[ri] * (500 + rng.IntN(1000)) / 1000
				if rng.IntN(100) == 0 {
					ms *= 5
				}
				buf = append(buf, ' ')
				buf = strconv.AppendInt(buf, int64(ms/1000), 10)
				buf = append(buf, '.', byte('0'+ms/100%10), byte('0'+ms/10%10), byte('0'+ms%10))
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				f.Close()
				return err
			}
			n++
		}
	}
	if n != cfg.lines {
		f.Close()
		return fmt.Errorf("bench generator wrote %d lines, want %d", n, cfg.lines)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if cw != nil {
		if err := cw.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := cf.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// benchDiurnal is the relative request rate at second tod of a UTC day: a floor of 0.15 and a peak
// of 1.0 at 18:00 UTC (11:00 in -0700).
func benchDiurnal(tod int64) float64 {
	h := float64(tod) / 3600
	return 0.15 + 0.85*math.Pow((1+math.Cos((h-18)/24*2*math.Pi))/2, 2)
}

// splitBenchLog cuts the plain log into parts of consecutive lines.
func splitBenchLog(plain, dir string, lines int64, parts int) error {
	in, err := os.Open(plain)
	if err != nil {
		return err
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 1<<20)
	for k := range parts {
		out, err := os.Create(filepath.Join(dir, fmt.Sprintf("part-%d.log", k)))
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(out, 1<<20)
		want := lines*int64(k+1)/int64(parts) - lines*int64(k)/int64(parts)
		for range want {
			line, err := br.ReadSlice('\n')
			if err != nil {
				out.Close()
				return fmt.Errorf("split %s: %w", plain, err)
			}
			bw.Write(line)
		}
		if err := bw.Flush(); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	return nil
}

// gzipFile writes src compressed to dst, without a name or time in the header.
func gzipFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.DefaultCompression)
	zw.ModTime = time.Unix(0, 0)
	if _, err := io.Copy(zw, in); err != nil {
		out.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
