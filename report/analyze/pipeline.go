package analyze

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// rowBatch is a column batch of classified requests: every slice has one entry per request.
type rowBatch struct {
	ts    []int64   // UTC instant, Unix microseconds
	class [][]uint8 // the class in each catalog (one for a live run; a store's, one per catalog)
	// status is the HTTP status (0 when not logged); src 1 for a request recovered from an Okta
	// System Log event, else 0; rl the response's X-Rate-Limit-Limit (0 when not logged).
	status []uint16
	src    []uint8
	rl     []int32
	// dur is the request's duration in microseconds (-1 when not logged); flags its client-limited
	// endpoint and whether it was a concurrency 429 (flagEndpoint, flagConc429; see inflight.go).
	dur   []int64
	flags []uint8
	// client is the client address: an IPv4 address coded with ipv4Flag, or a dictionary id; agent,
	// principal (an API token id, an OAuth client id, or a principal map's name) and path (the path
	// template, classify.Catalog.AppendTemplate) are dictionary ids. 0 means not logged.
	client                 []uint64
	agent, principal, path []uint32
}

// newRowBatch makes an empty batch with room for batchRows requests, with classes columns of classes.
func newRowBatch(classes int) rowBatch {
	r := rowBatch{ts: make([]int64, 0, batchRows), status: make([]uint16, 0, batchRows), src: make([]uint8, 0, batchRows),
		rl: make([]int32, 0, batchRows), dur: make([]int64, 0, batchRows), flags: make([]uint8, 0, batchRows),
		client: make([]uint64, 0, batchRows), agent: make([]uint32, 0, batchRows),
		principal: make([]uint32, 0, batchRows), path: make([]uint32, 0, batchRows)}
	for range classes {
		r.class = append(r.class, make([]uint8, 0, batchRows))
	}
	return r
}

// reset empties r, keeping its storage.
func (r *rowBatch) reset() {
	r.ts, r.status, r.src, r.rl, r.client = r.ts[:0], r.status[:0], r.src[:0], r.rl[:0], r.client[:0]
	r.dur, r.flags = r.dur[:0], r.flags[:0]
	r.agent, r.principal, r.path = r.agent[:0], r.principal[:0], r.path[:0]
	for k := range r.class {
		r.class[k] = r.class[k][:0]
	}
}

// check reports an error unless r has classes class columns and every column one entry per request.
func (r *rowBatch) check(classes int) error {
	n := len(r.ts)
	if len(r.class) != classes {
		return fmt.Errorf("%d class columns, want %d", len(r.class), classes)
	}
	for _, c := range r.class {
		if len(c) != n {
			return fmt.Errorf("%d instants but %d classes", n, len(c))
		}
	}
	if len(r.status) != n || len(r.src) != n || len(r.rl) != n || len(r.client) != n || len(r.agent) != n || len(r.principal) != n || len(r.path) != n ||
		len(r.dur) != n || len(r.flags) != n {
		return fmt.Errorf("columns of different lengths")
	}
	return nil
}

// sink takes the rows of a run as the pipeline produces them: a live source, or a store being made.
type sink interface {
	// add takes a batch of rows; it does not keep the batch's slices.
	add(r *rowBatch) error
	// setNames gives the names behind the rows' dictionary ids, once every row is added.
	setNames(n names) error
}

// rowDur is the duration a sink keeps of a row from source src: a System Log request (src != 0) has
// none (emitSys gives it none; a test's rows may) and is not counted in flight.
func rowDur(src uint8, dur int64) int64 {
	if src != 0 {
		return -1
	}
	return dur
}

// sharder is a sink that takes rows on the parsing goroutines themselves: each worker adds its
// batches to a shard of its own, without a lock or a hand-over, and gather merges the shards once
// every part is read, before the held System Log requests are added. A sink that is not one takes
// every batch on the one goroutine that runs runParts.
type sharder interface {
	sink
	newShard() shard
	gather(shards []shard) error
}

// useShards lets a sharder take rows on the workers; tests turn it off to compare with the rows
// taken on one goroutine.
var useShards = true

// shard is a worker's part of a sharder.
type shard interface {
	// add takes a batch of rows with global dictionary ids; it does not keep the batch's slices.
	add(r *rowBatch) error
}

// batch is a batch of rows a parser fills, for its shard or on its way to the goroutine that runs
// runParts, reused through a free list. Client, agent, principal and path ids in it are its parser's own (see dict) until they are
// mapped to global ones (globalDicts.translate).
type batch struct {
	rowBatch
	sys                   sysRows  // System Log requests, held until every file is read (syslog.go)
	owner                 *parser  // whose dictionary ids the batch holds
	newClients, newAgents []string // names the parser's dictionaries gained while filling this batch
	newPrincipals         []string
	newPaths              []string
}

// runParts parses and classifies every part on workers goroutines and hands the rows to dst on the
// calling goroutine. Each part's accounting is left in part.stats and part.err. Requests from the
// Okta System Log are held until every part is read, then counted once each (resolveSys), which
// also gives, per catalog of cats, the method-unknown requests by candidate classes and path. When
// win.other is set, the requests are also counted per minute in its classes (the System Log's once
// resolved); runParts returns those counts, summed over the workers (nil otherwise).
//
// When dst is a sharder, each worker translates and adds its own batches (see sharder); otherwise
// they go through a channel to the calling goroutine, which does.
//
// Client addresses, user agents, principals and path templates go to dst as dictionary ids;
// runParts returns the names behind them (index = id), client host names and user agents masked
// with ingest.Redact.
func runParts(ctx context.Context, partList *[]*part, workers int, cats []*classify.Catalog, dst sink, lines *atomic.Int64, win window) (names, []map[unknownKey]int64, *otherCounts, error) {
	parts := *partList
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan *part)
	sh, _ := dst.(sharder)
	if !useShards {
		sh = nil
	}
	full := make(chan *batch, 2*workers)
	// Batches in flight: a worker's own, and those queued for the calling goroutine (none when the
	// workers add their own to a sharder).
	free := make(chan *batch, 3*workers+1)
	if sh != nil {
		free = make(chan *batch, workers)
	}
	nsys := len(cats) // the catalogs held System Log requests are classified in: cats, and win.other
	if win.other != nil {
		nsys++
	}
	for range cap(free) {
		free <- &batch{rowBatch: newRowBatch(len(cats)), sys: sysRows{ncat: nsys}}
	}
	dicts := newGlobalDicts()
	var wg sync.WaitGroup
	ws := make([]*parser, parseWorkers(parts, workers))
	for k := range ws {
		ws[k] = newParser(cats, win)
		ws[k].dicts, ws[k].nsys, ws[k].fail = dicts, nsys, cancel
		if sh != nil {
			ws[k].shard = sh.newShard()
		}
		wg.Add(1)
		go func(w *parser) {
			defer wg.Done()
			for p := range jobs {
				parsePart(ctx, p, w, full, free, lines, win)
			}
		}(ws[k])
	}
	// The feeder hands the parts out in order, and a chunked part's chunks as it cuts them (each a
	// part of its own, added at the end of the list: feedParts).
	for i, p := range parts {
		p.idx = i
	}
	fed := make(chan []*part, 1)
	go func() {
		defer close(jobs)
		fed <- feedParts(ctx, parts, jobs)
	}()
	go func() {
		wg.Wait()
		close(full)
	}()

	var loadErr error
	var held []sysRows // chunks, as the batches bring them
	for b := range full {
		if loadErr == nil {
			dicts.translate(b.owner, b)
			if b.sys.len() > 0 {
				held = append(held, b.sys)
			}
			if loadErr = dst.add(&b.rowBatch); loadErr != nil {
				cancel(loadErr)
			}
		}
		b.empty(nsys) // its System Log chunk is held's now
		free <- b
	}
	parts = <-fed
	*partList = parts
	rankParts(parts)
	if loadErr != nil {
		return names{}, nil, nil, loadErr
	}
	if err := context.Cause(ctx); err != nil {
		return names{}, nil, nil, err
	}
	if sh != nil {
		shards := make([]shard, len(ws))
		for k, w := range ws {
			shards[k] = w.shard
			held = append(held, w.held...)
		}
		if err := sh.gather(shards); err != nil {
			return names{}, nil, nil, err
		}
	}
	var other *otherCounts
	if win.other != nil {
		other = newOtherCounts()
		for _, w := range ws {
			other.merge(w.other)
		}
	}
	flat := flatten(held, nsys)
	if len(held) > 0 {
		// The chunks are garbage now, and resolving needs memory of its own: hand the heap back
		// (3 M System Log events: 523 MiB peak RSS with, 687 MiB without).
		held = nil
		debug.FreeOSMemory()
	}
	unknown, err := resolveSys(flat, len(cats), parts, win, dst, other, workers)
	if err != nil {
		return names{}, nil, nil, err
	}
	return dicts.names(), unknown, other, nil
}

// chunkBytes is about how many bytes of lines a chunk of a compressed file holds (tests make it
// small): at most a chunk a worker, and one more, are in memory at once.
var chunkBytes = 4 << 20

// parseWorkers is how many workers parse parts: one a part, up to workers. A compressed file cut
// into chunks as it is decompressed (part.chunked) is as many parts as there are workers but one,
// the one its decompression keeps busy: on two cores a second parser gains nothing there (2.04–2.14
// against 2.12–2.21 s for the bench month's gzip file), and on sixteen it takes fifteen to keep up.
func parseWorkers(parts []*part, workers int) int {
	most := len(parts)
	if slices.ContainsFunc(parts, func(p *part) bool { return p.chunked }) {
		most = max(most, workers-1)
	}
	return min(workers, most)
}

// feedParts sends every part of parts that has a Reader to jobs, in order, until ctx is done. A
// chunked part (part.chunked) is not sent: its Reader's lines are cut into chunks (ingest's
// Reader.NextChunk), each sent as a part of the same file, numbered and added after the others as
// they come, so that the file's parts stay in its order. It returns parts with the chunks' parts.
func feedParts(ctx context.Context, parts []*part, jobs chan<- *part) []*part {
	all := slices.Clip(parts) // the chunks are appended to a copy
	send := func(p *part) bool {
		select {
		case jobs <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, p := range parts {
		if p.r == nil {
			continue // could not be opened: nothing to read
		}
		if !p.chunked {
			if !send(p) {
				return all
			}
			continue
		}
		for {
			r, err := p.r.NextChunk(chunkBytes)
			if err == io.EOF {
				break
			}
			if err != nil {
				p.err = err
				break
			}
			c := &part{file: p.file, path: p.path, format: p.format, start: r.Offset(), r: r, chunk: true, idx: len(all)}
			all = append(all, c)
			if !send(c) {
				return all
			}
		}
	}
	return all
}

// parser is one worker's state, kept from part to part: its dictionaries and route cache. A month of
// daily files is thirty parts, and a cache that starts cold on each classifies and templates the same
// endpoints thirty times over.
type parser struct {
	cats                               []*classify.Catalog
	clients, agents, principals, paths *dict
	routes                             *routeCache
	// sysRoutes remembers the route of each System Log request path (syslog.go), made with templates,
	// in each catalog of sysCats: cats, then win.other when it is set.
	sysRoutes map[string]sysRoute
	sysCats   []*classify.Catalog
	sysSlab   slab // where the held System Log requests' columns come from (parser.hold)
	templates *classify.Catalog
	tmpl      []byte
	keyBuf    []byte       // requestKey's scratch
	other     *otherCounts // the requests per minute in win.other's classes; nil without it
	// remap maps the parser's client, agent, principal and path ids to global ones (globalDicts).
	remap [4][]uint32
	dicts *globalDicts
	// shard, when the sink is a sharder, takes the parser's batches on its own goroutine; held
	// keeps their System Log requests, and nsys is how many catalogs those are classified in.
	shard shard
	held  []sysRows
	nsys  int
	fail  context.CancelCauseFunc // stops the run with an error of the shard
}

// newParser makes a worker's state for rows classified by cats; win says how it names path templates.
func newParser(cats []*classify.Catalog, win window) *parser {
	w := &parser{cats: cats, clients: newDict(), agents: newDict(), principals: newDict(), paths: newDict(),
		sysRoutes: map[string]sysRoute{}, sysCats: cats, templates: win.templates}
	for k := range w.remap {
		w.remap[k] = []uint32{idNone, idOther} // the ids every dictionary starts with
	}
	w.routes = newRouteCache(cats[0], win.other, win.templates, w.paths)
	if win.other != nil {
		w.other = newOtherCounts()
		w.sysCats = append(slices.Clone(cats), win.other)
	}
	return w
}

// parsePart reads one part to its end, sending full batches of classified rows, and records its
// accounting in the part. It stops early, leaving the accounting incomplete, when ctx is cancelled.
func parsePart(ctx context.Context, p *part, w *parser, full chan<- *batch, free chan *batch, lines *atomic.Int64, win window) {
	defer p.close()
	r := p.r
	var b *batch
	select {
	case b = <-free:
	case <-ctx.Done():
		return
	}
	var counted int64
	count := func() {
		if lines != nil {
			n := r.Stats().Lines
			lines.Add(n - counted)
			counted = n
		}
	}
	// send hands the full batch on and takes an empty one, or adds it to the worker's shard and
	// empties it; false when the run is cancelled.
	send := func() bool {
		if w.shard != nil {
			w.take(b)
			count()
			return ctx.Err() == nil
		}
		b.owner = w
		full <- b
		count()
		if ctx.Err() != nil {
			return false
		}
		select {
		case b = <-free:
			return true
		case <-ctx.Done():
			return false
		}
	}
	cats, clients, agents, principals, routes, other := w.cats, w.clients, w.agents, w.principals, w.routes, w.other
	// A live source's shard takes each access-log request as it is read, without a batch: writing the
	// batch's ten columns and reading them back cost more than the counting.
	fused, _ := w.shard.(*liveShard)
	if len(cats) != 1 {
		fused = nil
	}
	sinceCount := 0 // requests taken straight since the progress was counted and ctx looked at
	for r.Next() {
		rec := r.Record()
		if rec.Source == ingest.SourceSystemLog {
			p.held++
			w.hold(b, p.idx, rec, win)
			if b.sys.len() == sysBatchRows && !send() {
				return
			}
			continue
		}
		if p.direct == 0 {
			p.first, p.last = rec.Time, rec.Time
		}
		p.direct++
		p.first, p.last = min(p.first, rec.Time), max(p.last, rec.Time)
		if rec.Time < win.from || rec.Time >= win.to {
			p.outside++
			continue
		}
		if win.seen != nil && !win.seen.add(rec) {
			p.dups++
			continue
		}
		rt := routes.route(rec.Method, rec.Target, &b.newPaths)
		if other != nil {
			other.add(rec.Time, rt.other)
		}
		status := uint16(min(max(rec.Status, 0), 65535))
		client := clientID(clients, rec.Client, &b.newClients)
		agent := agents.id(rec.UserAgent, &b.newAgents)
		prin := principals.id(win.principals.principal(rec), &b.newPrincipals)
		rl := int32(min(max(rec.RateLimitLimit, 0), 1<<31-1))
		dur := int64(-1)
		if rec.HasDuration {
			dur = rec.Duration
		}
		flags := rt.endpoint
		if rec.Status == 429 && rec.HasRateLimit && rec.RateLimitLimit == 0 {
			flags |= flagConc429
		}
		if fused != nil {
			// Straight into the worker's shard, with global ids.
			if len(b.newClients)+len(b.newAgents)+len(b.newPrincipals)+len(b.newPaths) > 0 {
				w.dicts.register(w, &b.newClients, &b.newAgents, &b.newPrincipals, &b.newPaths)
			}
			if client&ipv4Flag == 0 {
				client = uint64(w.remap[0][client])
			}
			if err := fused.tally.add(fused.l, rec.Time, rt.class, status, 0, rl, dur, flags, client, w.remap[1][agent], w.remap[2][prin], w.remap[3][rt.path]); err != nil {
				w.fail(err)
				return
			}
			// As often as a batch would be handed on: the progress display moves, and a
			// cancelled run stops within a batch.
			if sinceCount++; sinceCount == batchRows {
				sinceCount = 0
				count()
				if ctx.Err() != nil {
					return
				}
			}
			continue
		}
		b.ts = append(b.ts, rec.Time)
		b.class[0] = append(b.class[0], rt.class)
		b.path = append(b.path, rt.path)
		for k := 1; k < len(cats); k++ {
			b.class[k] = append(b.class[k], uint8(cats[k].Classify(rec.Method, rec.Target)))
		}
		b.status = append(b.status, status)
		b.client = append(b.client, client)
		b.agent = append(b.agent, agent)
		b.principal = append(b.principal, prin)
		b.rl = append(b.rl, rl)
		b.dur = append(b.dur, dur)
		b.flags = append(b.flags, flags)
		b.src = append(b.src, 0) // System Log requests are held above
		if len(b.ts) == batchRows && !send() {
			return
		}
	}
	switch {
	case (len(b.ts) > 0 || b.sys.len() > 0) && w.shard != nil:
		w.take(b)
		free <- b
	case len(b.ts) > 0 || b.sys.len() > 0:
		b.owner = w
		full <- b
	default:
		free <- b
	}
	count()
	p.stats, p.err = r.Stats(), r.Err()
	p.events = r.Events()
}

// take translates b's ids, adds its rows to the worker's shard and keeps its System Log requests,
// leaving b empty. An error of the shard cancels the run.
func (w *parser) take(b *batch) {
	w.dicts.translate(w, b)
	if b.sys.len() > 0 {
		w.held = append(w.held, b.sys)
	}
	if err := w.shard.add(&b.rowBatch); err != nil {
		w.fail(err)
	}
	b.empty(w.nsys)
}

// empty makes b ready to be filled again: no rows, no new names, and a fresh System Log chunk (the
// one it had, if any, is held by whoever took it).
func (b *batch) empty(nsys int) {
	b.reset()
	b.sys = sysRows{ncat: nsys}
	b.newClients, b.newAgents, b.newPrincipals, b.newPaths = b.newClients[:0], b.newAgents[:0], b.newPrincipals[:0], b.newPaths[:0]
}
