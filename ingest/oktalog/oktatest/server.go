package oktatest

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure the server injects into one System Log request.
type Fault string

// The faults.
const (
	Fault429      Fault = "429"      // a 429 with the window's headers, Remaining 0
	Fault500      Fault = "500"      // a 500 with an Okta error body
	FaultDrop     Fault = "drop"     // the headers, a Content-Length and half the body, then the connection closes
	FaultTruncate Fault = "truncate" // a 200 without Content-Length whose body stops mid-array, then the connection closes
	FaultReset    Fault = "reset"    // the connection closes before any response
	FaultSlow     Fault = "slow"     // the answer comes 300 ms (real time) late
	Fault401      Fault = "401"      // a 401 as for a revoked token
)

// Config describes the org the server plays.
type Config struct {
	Clock  *Clock
	Events []Event // the System Log, in published order
	// MaxPage caps a page below the request's limit (0: no cap), as Okta's pages may be short.
	MaxPage int
	// EmptyLastPage makes every non-empty page carry a next link, so the fetch ends on an empty page.
	EmptyLastPage bool
	// Window is the rate-limit window (whole seconds, default 60 s); Limit the logs bucket's limit
	// (default 50); OtherUse the requests other clients make at the start of every window.
	Window   time.Duration
	Limit    int
	OtherUse int
	// Latency is the simulated time a request takes (default 50 ms).
	Latency time.Duration
	// Skew is how far Okta's clock is ahead of the shared clock (negative: behind): the Date
	// header and the windows follow Okta's clock, the fetcher's Now the shared one.
	Skew time.Duration
	// Faults by System Log request number (1-based, every request to /api/v1/logs counted).
	Faults map[int]Fault
	// ForeignNext, when set, is the first page's next link (a URL on another host).
	ForeignNext string
	// Token is the API token (SSWS) the server accepts; App the OAuth service app it knows.
	Token string
	App   *App
	// SettingsForbidden makes the rate-limit settings endpoints answer 403 to an API token.
	SettingsForbidden bool
	WarningThreshold  int // the org's warning threshold (default 60)
}

// App is an OAuth 2.0 service app registered with the server.
type App struct {
	ClientID  string
	PublicKey crypto.PublicKey // *rsa.PublicKey or *ecdsa.PublicKey
	KeyID     string           // when set, the client assertion must name it
	DPoP      bool             // "Require Demonstrating Proof of Possession (DPoP) header in token requests"
	// ResourceNonce makes the API demand a DPoP nonce (RFC 9449 §9) before it accepts a proof.
	ResourceNonce bool
	TokenLife     time.Duration // default 1 h
	Scopes        []string      // granted scopes (default okta.logs.read)
}

// Request is one API request as the server saw it.
type Request struct {
	At     time.Time // the simulated clock when the server handled it
	Window int64     // the rate-limit window's Reset (System Log requests only)
	Path   string
	URL    string // the full URL requested
	Status int
	Fault  Fault
	Auth   string // "SSWS", "Bearer", "DPoP" or ""
}

// TokenRequest is one request to the token endpoint.
type TokenRequest struct {
	At     time.Time
	DPoP   bool   // it carried a DPoP proof
	Nonce  string // the proof's nonce claim
	Status int
	Error  string // the OAuth error code of a refusal
}

// Server is the in-process Okta. Its fields are safe to read after the fetch returned.
type Server struct {
	*httptest.Server
	cfg Config

	mu            sync.Mutex
	Requests      []Request
	TokenRequests []TokenRequest
	Issued        []string // every access token issued
	Assertions    []string // every client assertion received
	FirstQuery    url.Values
	Problems      []string // protocol violations by the client (a test fails when any)
	links         map[string]bool
	windows       map[int64]int
	jtis          map[string]bool
	tokens        map[string]*issued
	asNonce       string
	rsNonce       string
	logsN         int
}

// issued is an access token and what it was issued for.
type issued struct {
	typ    string // "Bearer" or "DPoP"
	jkt    string // the DPoP key's thumbprint
	exp    time.Time
	scopes []string
}

// NewServer starts the server on 127.0.0.1.
func NewServer(cfg Config) *Server {
	if cfg.Window == 0 {
		cfg.Window = time.Minute
	}
	if cfg.Limit == 0 {
		cfg.Limit = 50
	}
	if cfg.Latency == 0 {
		cfg.Latency = 50 * time.Millisecond
	}
	if cfg.WarningThreshold == 0 {
		cfg.WarningThreshold = 60
	}
	if cfg.App != nil && cfg.App.TokenLife == 0 {
		cfg.App.TokenLife = time.Hour
	}
	if cfg.App != nil && cfg.App.Scopes == nil {
		cfg.App.Scopes = []string{"okta.logs.read"}
	}
	s := &Server{cfg: cfg, links: map[string]bool{}, windows: map[int64]int{}, jtis: map[string]bool{}, tokens: map[string]*issued{},
		asNonce: "as-nonce-1", rsNonce: "rs-nonce-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/logs", s.logs)
	mux.HandleFunc("/api/v1/rate-limit-settings/", s.settings)
	mux.HandleFunc("/oauth2/v1/token", s.token)
	s.Server = httptest.NewServer(mux)
	return s
}

// problem records a protocol violation.
func (s *Server) problem(format string, a ...any) {
	s.Problems = append(s.Problems, fmt.Sprintf(format, a...))
}

// PerWindow counts the fetcher's System Log requests per rate-limit window (by Reset).
func (s *Server) PerWindow() map[int64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]int{}
	for _, r := range s.Requests {
		if r.Path == "/api/v1/logs" {
			out[r.Window]++
		}
	}
	return out
}

// LogRequests returns the System Log requests.
func (s *Server) LogRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.Requests {
		if r.Path == "/api/v1/logs" {
			out = append(out, r)
		}
	}
	return out
}

// fullURL is the URL a request was sent to.
func fullURL(r *http.Request) string { return "http://" + r.Host + r.URL.RequestURI() }

// windowOf returns the window's Reset (epoch seconds) for an instant.
func (s *Server) windowOf(t time.Time) int64 {
	w := int64(s.cfg.Window / time.Second)
	return (t.Unix()/w + 1) * w
}

// logs serves GET /api/v1/logs.
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Clock.Advance(s.cfg.Latency)
	now := s.cfg.Clock.Now().Add(s.cfg.Skew)
	s.logsN++
	fault := s.cfg.Faults[s.logsN]
	rec := Request{At: now, Window: s.windowOf(now), Path: r.URL.Path, URL: fullURL(r), Fault: fault}
	defer func() { s.Requests = append(s.Requests, rec) }()
	if fault == FaultReset {
		hijackClose(w, nil)
		return
	}
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if status := s.authorize(w, r, &rec, "okta.logs.read"); status != 0 {
		rec.Status = status
		return
	}
	reset := s.windowOf(now)
	if _, ok := s.windows[reset]; !ok {
		s.windows[reset] = s.cfg.OtherUse
	}
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(s.cfg.Limit))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset, 10))
	if fault == Fault429 || s.windows[reset] >= s.cfg.Limit {
		h.Set("X-Rate-Limit-Remaining", "0")
		rec.Status = http.StatusTooManyRequests
		writeJSON(w, rec.Status, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oae1","errorCauses":[]}`)
		return
	}
	s.windows[reset]++
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(s.cfg.Limit-s.windows[reset]))
	switch fault {
	case Fault500:
		rec.Status = http.StatusInternalServerError
		writeJSON(w, rec.Status, `{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorLink":"E0000009","errorId":"oae2","errorCauses":[]}`)
		return
	case Fault401:
		rec.Status = http.StatusUnauthorized
		writeJSON(w, rec.Status, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae3","errorCauses":[]}`)
		return
	case FaultSlow:
		s.mu.Unlock() // let the fetcher's retry in while this answer is late
		time.Sleep(300 * time.Millisecond)
		s.mu.Lock()
	}
	body, next, status := s.page(r)
	rec.Status = status
	if status != http.StatusOK {
		writeJSON(w, status, string(body))
		return
	}
	if next != "" {
		s.links[next] = true
		h.Set("Link", fmt.Sprintf(`<%s>; rel="self", <%s>; rel="next"`, fullURL(r), next))
	} else {
		h.Set("Link", fmt.Sprintf(`<%s>; rel="self"`, fullURL(r)))
	}
	switch fault {
	case FaultDrop:
		hijackClose(w, func(b *bytes.Buffer) {
			fmt.Fprintf(b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			b.Write(body[:len(body)/2])
		})
	case FaultTruncate:
		hijackClose(w, func(b *bytes.Buffer) {
			b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
			b.Write(body[:len(body)/2])
		})
	default:
		writeJSON(w, http.StatusOK, string(body))
	}
}

// page computes a page: the events in [since, until) from the after cursor, at most limit (and
// MaxPage), pretty-printed as a JSON array, and the next link.
func (s *Server) page(r *http.Request) ([]byte, string, int) {
	q := r.URL.Query()
	if q.Get("after") == "" {
		if s.FirstQuery == nil {
			s.FirstQuery = q
		}
	} else if !s.links[fullURL(r)] {
		s.problem("request %s is not a next link the server gave", fullURL(r))
		return []byte(`{"errorCode":"E0000031","errorSummary":"Invalid search criteria."}`), "", http.StatusBadRequest
	}
	since, err1 := time.Parse(time.RFC3339Nano, q.Get("since"))
	until, err2 := time.Parse(time.RFC3339Nano, q.Get("until"))
	limit, err3 := strconv.Atoi(q.Get("limit"))
	if err1 != nil || err2 != nil || err3 != nil || limit < 1 || limit > 1000 || q.Get("sortOrder") != "ASCENDING" {
		s.problem("bad query %q", r.URL.RawQuery)
		return []byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed"}`), "", http.StatusBadRequest
	}
	var in []Event
	for _, e := range s.cfg.Events {
		if !e.Published.Before(since) && e.Published.Before(until) {
			in = append(in, e)
		}
	}
	start := 0
	if a := q.Get("after"); a != "" {
		b, _ := base64.RawURLEncoding.DecodeString(a)
		start, _ = strconv.Atoi(strings.TrimPrefix(string(b), "cursor:"))
	}
	n := limit
	if s.cfg.MaxPage > 0 {
		n = min(n, s.cfg.MaxPage)
	}
	end := min(start+n, len(in))
	var arr bytes.Buffer
	arr.WriteByte('[')
	for i, e := range in[start:end] {
		if i > 0 {
			arr.WriteByte(',')
		}
		arr.Write(e.JSON)
	}
	arr.WriteByte(']')
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, arr.Bytes(), "", "  "); err != nil {
		panic(err)
	}
	next := ""
	if end < len(in) || s.cfg.EmptyLastPage && end > start {
		nq := url.Values{}
		for _, k := range []string{"since", "until", "limit", "sortOrder"} {
			nq.Set(k, q.Get(k))
		}
		nq.Set("after", base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("cursor:%d", end))))
		next = "http://" + r.Host + "/api/v1/logs?" + nq.Encode()
		if s.cfg.ForeignNext != "" && start == 0 {
			next = s.cfg.ForeignNext
		}
	}
	return pretty.Bytes(), next, http.StatusOK
}

// settings serves the Rate Limit Settings API's read endpoints.
func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Clock.Advance(s.cfg.Latency)
	now := s.cfg.Clock.Now().Add(s.cfg.Skew)
	rec := Request{At: now, Path: r.URL.Path, URL: fullURL(r)}
	defer func() { s.Requests = append(s.Requests, rec) }()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if status := s.authorize(w, r, &rec, "okta.rateLimits.read"); status != 0 {
		rec.Status = status
		return
	}
	if s.cfg.SettingsForbidden && rec.Auth == "SSWS" {
		rec.Status = http.StatusForbidden
		writeJSON(w, rec.Status, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action"}`)
		return
	}
	rec.Status = http.StatusOK
	switch strings.TrimPrefix(r.URL.Path, "/api/v1/rate-limit-settings/") {
	case "admin-notifications":
		writeJSON(w, http.StatusOK, `{"notificationsEnabled":true}`)
	case "per-client":
		writeJSON(w, http.StatusOK, `{"defaultMode":"ENFORCE","useCaseModeOverrides":{"LOGIN_PAGE":"PREVIEW"}}`)
	case "warning-threshold":
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"warningThreshold":%d}`, s.cfg.WarningThreshold))
	default:
		rec.Status = http.StatusNotFound
		writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000022","errorSummary":"The endpoint does not support the provided HTTP method"}`)
	}
}

// writeJSON writes a JSON response.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// hijackClose takes over the connection, writes what fill writes (if anything) and closes it.
func hijackClose(w http.ResponseWriter, fill func(*bytes.Buffer)) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if fill != nil {
		var b bytes.Buffer
		fill(&b)
		buf.Write(b.Bytes())
		buf.Flush()
	}
	conn.Close()
}
