package oktalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"time"
)

// Progress is a fetch's state for a progress line.
type Progress struct {
	Since, Until time.Time
	Position     time.Time // the published time of the last event read (zero before the first)
	Events       int64     // events in the directory, earlier runs included
	EventsRun    int64     // events read by this run
	Pages        int64     // pages read by this run
	Requests     int       // API requests sent by this run (retries included)
	Started      time.Time // when this run started (Options.Clock)
	// Resumed is the published time of the last event an earlier run wrote (zero for a fresh
	// fetch), so that a pace can be measured over this run alone.
	Resumed time.Time
	// Waiting, when not zero, is the wait that starts now, and WaitReason why.
	Waiting    time.Duration
	WaitReason string
}

// Result is what a fetch did.
type Result struct {
	Manifest    Manifest // the directory's checkpoint at the end
	Resumed     bool     // the run continued an earlier one
	NothingToDo bool     // the directory already held the complete range
	EventsRun   int64
	PagesRun    int64
	Requests    int           // API requests sent, retries included
	Waited      time.Duration // time spent waiting on the rate limit and retries
	Settings    *Settings     // the org's rate-limit settings, when asked for and readable
}

// fetcher is one run of Fetch.
type fetcher struct {
	opt   Options
	t     *transport
	st    *store
	prog  Progress
	res   Result
	seen  map[string]bool // uuids at the last published time written (boundary dedupe)
	last  *EventRef
	pages int // pages in the open segment
}

// Fetch reads the System Log of opt.Org for [opt.Since, opt.Until) into opt.Dir as gzip NDJSON
// segments, one event per line as Okta returned it, resuming the fetch a checkpoint there
// records; see the package documentation for the protocol. On an error or a cancelled ctx it
// commits the pages read so far, so that the same call continues where it stopped, and returns
// the error (ctx's error when cancelled) with the Result so far.
func Fetch(ctx context.Context, opt Options) (*Result, error) {
	opt.defaults()
	if opt.Org == nil || opt.Credential == nil || opt.Dir == "" {
		return nil, errors.New("oktalog: Org, Credential and Dir are required")
	}
	if opt.Share < 1 || opt.Share > 100 {
		return nil, fmt.Errorf("--share %d: want 1-100", opt.Share)
	}
	if opt.Rand == nil {
		opt.Rand = rand.Float64
	}
	now := opt.Clock.Now().UTC()
	m := Manifest{Tool: "ratecard fetch", Format: manifestFormat, Org: opt.Org.String(), Since: opt.Since.UTC(), Until: opt.Until.UTC(),
		Limit: opt.PageLimit, Started: now, Updated: now, Next: firstURL(opt.Org, opt.Since, opt.Until, opt.PageLimit)}
	st, resumed, err := openStore(opt.Dir, m)
	if err != nil {
		return nil, err
	}
	if testStoreHook != nil {
		testStoreHook(st)
	}
	f := &fetcher{opt: opt, st: st, seen: map[string]bool{}}
	f.res.Resumed = resumed
	f.t = &transport{client: noRedirects(opt.HTTPClient), org: opt.Org, clock: opt.Clock, userAgent: opt.UserAgent, cred: opt.Credential,
		rand: opt.Rand, maxTries: opt.MaxTries, timeout: opt.Timeout, gov: &governor{share: opt.Share, clock: opt.Clock}, onWait: f.waiting}
	f.prog = Progress{Since: m.Since, Until: m.Until, Events: st.m.Events, Started: opt.Clock.Now()}
	if st.m.Last != nil {
		f.last = st.m.Last
		f.prog.Position, _ = time.Parse(time.RFC3339Nano, st.m.Last.Published)
		f.prog.Resumed = f.prog.Position
		for _, u := range st.m.Boundary {
			f.seen[u] = true
		}
	}
	if st.m.Complete() {
		f.res.NothingToDo = true
		f.res.Manifest = st.m
		return &f.res, nil
	}
	if opt.Settings {
		f.res.Settings = f.settings(ctx)
	}
	err = f.run(ctx)
	f.res.Manifest = f.st.m
	f.res.Requests = f.t.requests
	return &f.res, err
}

// testStoreHook, when set (tests), sees the store before the fetch starts.
var testStoreHook func(*store)

// waiting records a wait for the progress line and the result.
func (f *fetcher) waiting(d time.Duration, why string) {
	f.res.Waited += d
	f.prog.Waiting, f.prog.WaitReason = d, why
	f.report()
	f.prog.Waiting, f.prog.WaitReason = 0, ""
}

// report calls OnProgress.
func (f *fetcher) report() {
	if f.opt.OnProgress != nil {
		f.prog.Requests = f.t.requests
		f.opt.OnProgress(f.prog)
	}
}

// run reads pages from the checkpoint's next URL until a page has no next link or no events,
// committing a segment every PagesPerSegment pages and at the end. On an error it commits what it
// read before returning it.
func (f *fetcher) run(ctx context.Context) error {
	next := f.st.m.Next
	for {
		u, err := url.Parse(next)
		if err != nil {
			return f.stop(fmt.Errorf("checkpoint's next URL: %w", err))
		}
		if u, err = sameOrigin(f.opt.Org, u.String()); err != nil {
			return f.stop(err)
		}
		var page [][]byte
		_, h, err := f.t.get(ctx, u, true, func(b []byte) error {
			var err error
			page, err = splitPage(b)
			return err
		})
		if err != nil {
			return f.stop(err)
		}
		link := nextLink(h)
		if link != "" {
			nu, err := sameOrigin(f.opt.Org, link)
			if err != nil {
				return f.stop(fmt.Errorf("page %d: %w", f.res.PagesRun+1, err))
			}
			link = nu.String()
		}
		if err := f.writePage(page, link); err != nil {
			return f.stop(err)
		}
		f.report()
		if len(page) == 0 || link == "" {
			f.st.pending.Next, f.st.pending.Done = "", f.opt.Clock.Now().UTC()
			return f.st.commit(f.opt.Clock.Now())
		}
		if f.pages >= f.opt.PagesPerSegment {
			if err := f.st.commit(f.opt.Clock.Now()); err != nil {
				return err
			}
			f.pages = 0
		}
		next = link
	}
}

// stop commits the pages read before err and returns err (with a commit failure joined). After
// a failed commit it commits nothing: the next run resumes from the last good checkpoint.
func (f *fetcher) stop(err error) error {
	if f.st.broken {
		return err
	}
	if cerr := f.st.commit(f.opt.Clock.Now()); cerr != nil {
		return errors.Join(err, fmt.Errorf("saving the checkpoint: %w", cerr))
	}
	return err
}

// eventKeys are the two fields of an event the fetcher reads.
type eventKeys struct {
	UUID      string `json:"uuid"`
	Published string `json:"published"`
}

// splitPage splits a page (a JSON array of event objects) into its events, each compacted to one
// line (only insignificant whitespace is removed; the bytes of every value stay as Okta sent
// them). A body that is not a complete array of objects is an error: the caller retries it.
func splitPage(b []byte) ([][]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New("not a JSON array")
	}
	var out [][]byte
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if len(raw) == 0 || raw[0] != '{' {
			return nil, fmt.Errorf("element %d is not an event object", len(out)+1)
		}
		var line bytes.Buffer
		if err := json.Compact(&line, raw); err != nil {
			return nil, err
		}
		out = append(out, line.Bytes())
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the array")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("data after the array")
	}
	return out, nil
}

// writePage writes a page's events to the open segment, dropping an event whose uuid was already
// written at the same published time, and records next as where to continue.
func (f *fetcher) writePage(page [][]byte, next string) error {
	var buf bytes.Buffer
	n, dups := 0, 0
	for _, ev := range page {
		var k eventKeys
		if err := json.Unmarshal(ev, &k); err != nil {
			return err
		}
		if k.UUID != "" && f.last != nil && k.Published == f.last.Published && f.seen[k.UUID] {
			dups++
			continue
		}
		if f.last == nil || k.Published != f.last.Published {
			clear(f.seen)
		}
		f.seen[k.UUID] = true
		f.last = &EventRef{Published: k.Published, UUID: k.UUID}
		buf.Write(ev)
		buf.WriteByte('\n')
		n++
	}
	f.pages++
	f.res.PagesRun++
	f.res.EventsRun += int64(n)
	f.prog.Pages, f.prog.EventsRun, f.prog.Events = f.res.PagesRun, f.res.EventsRun, f.prog.Events+int64(n)
	if f.last != nil {
		if t, err := time.Parse(time.RFC3339Nano, f.last.Published); err == nil {
			f.prog.Position = t
		}
	}
	boundary := make([]string, 0, len(f.seen))
	for u := range f.seen {
		boundary = append(boundary, u)
	}
	slices.Sort(boundary)
	return f.st.write(buf.Bytes(), n, next, func(m *Manifest) {
		m.Events += int64(n)
		m.Pages++
		m.Duplicates += int64(dups)
		if f.last != nil {
			last := *f.last
			m.Last, m.Boundary = &last, boundary
		}
	})
}
