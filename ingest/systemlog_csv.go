package ingest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// The okta-csv format: a System Log CSV export. Okta does not document its column names, and SIEMs
// write their own, so columns are found by name, not position: a header row with an event-type
// column ("eventType", "Event Type", "event_type", "eventtype") and a time column ("published",
// "Time", "timestamp", "date") starts a table. Names are compared lower-cased with everything but
// letters and digits removed, either whole or by their last dotted part
// ("debugContext.debugData.requestUri" → "requesturi"). A column named "debugData" (or
// "debugContext") holding a JSON object is read as the event's debugData; every other column is
// also looked up by its name as a debugData key (so "requestUri", "threshold", "urlPattern" columns
// work). A "uuid" column is the event's uuid.
//
// Targets: a "target" (or "targets") column holding a JSON array of {id,type} is read as target[];
// one holding text such as "/api/v1/users (URL Pattern), 9c8d… (Bucket Uuid)" as the (id, type)
// pairs it lists. Flattened target columns are read too, whatever the flattening's spelling:
// "target.0.id" and "target.0.type", "target[0].id", "target0.id", "target_0_type", "target.id" and
// "target.type", "Target ID" and "Target Type" — a name that, lower-cased with everything but
// letters and digits removed, is "target" or "targets", an optional index, then "id", "type",
// "alternateid" or "displayname". Each index is one target, whose id is its id column, else its
// alternateId, else its displayName. (Okta does not document the Admin Console's column names.)
//
// Each line is one record: a quoted field spanning lines is not supported (its lines are skipped as
// malformed). A repeated header row (concatenated exports) is skipped as a header and re-read.

type csvParser struct {
	sys    sysLogParser
	cols   []csvColumn // nil until the header is seen
	header []byte
	at     csvCells // the columns of the header's cells

	// Reused from line to line: a csv.Reader over the current line (made anew after a line it did not
	// read to its end), and the maps of parse.
	line  bytes.Reader
	cr    *csv.Reader
	debug map[string]any
	have  map[string]bool
}

// csvCells are the indexes (-1: none) of the columns parse reads, found once per header.
type csvCells struct {
	time, eventType, ip, ua, txID, txType, tokenID, debug, target, uuid int
	flatTargets                                                         []csvTarget // flattened target columns, by index
}

// csvTarget is the columns of one flattened target (-1: none).
type csvTarget struct {
	id, typ, alternateID, displayName int
}

type csvColumn struct {
	full, last string // normalised names
}

func newSysLogCSVParser(_ *Options, sink *eventSink) (func([]byte, *Record) string, error) {
	p := &csvParser{sys: sysLogParser{sink: sink}}
	return p.parse, nil
}

// splitCSV splits one CSV line into fields; ok is false when it is not valid CSV.
func splitCSV(line []byte) ([]string, bool) {
	cr := csv.NewReader(bytes.NewReader(line))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err != nil {
		return nil, false
	}
	if _, err := cr.Read(); err != io.EOF { // a quoted field spanning lines, or a second record
		return nil, false
	}
	return rec, true
}

// normName lower-cases s and keeps only its letters and digits.
func normName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := lowerASCII(s[i])
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func csvColumns(fields []string) []csvColumn {
	cols := make([]csvColumn, len(fields))
	for i, f := range fields {
		last := f
		if k := strings.LastIndexByte(f, '.'); k >= 0 {
			last = f[k+1:]
		}
		cols[i] = csvColumn{full: normName(f), last: normName(last)}
	}
	return cols
}

// find returns the index of the first column named one of names (whole or by its last part), or -1.
func findColumn(cols []csvColumn, names ...string) int {
	for _, n := range names {
		for i, c := range cols {
			if c.full == n || c.last == n {
				return i
			}
		}
	}
	return -1
}

var csvTimeColumns = []string{"published", "time", "timestamp", "date", "datetime", "eventtime"}

// isSysLogCSVHeader reports whether fields are the header row of a System Log CSV export.
func isSysLogCSVHeader(fields []string) bool {
	if len(fields) < 2 {
		return false
	}
	cols := csvColumns(fields)
	return findColumn(cols, "eventtype") >= 0 && findColumn(cols, csvTimeColumns...) >= 0
}

func sniffSysLogCSV(line []byte) bool {
	if !bytes.ContainsAny(line, ",") || !containsFold(line, []byte("event")) {
		return false
	}
	fields, ok := splitCSV(line)
	return ok && isSysLogCSVHeader(fields)
}

// split splits one CSV line into fields as splitCSV does, with a csv.Reader kept from line to line:
// making one per line (a 4 KiB buffer each) was most of the format's cost. The fields are valid until
// the next call.
func (p *csvParser) split(line []byte) ([]string, bool) {
	if p.cr == nil {
		p.cr = csv.NewReader(&p.line)
		p.cr.FieldsPerRecord = -1
		p.cr.LazyQuotes = true
		p.cr.ReuseRecord = true
	}
	p.line.Reset(line)
	rec, err := p.cr.Read()
	if err == nil {
		_, err2 := p.cr.Read()
		if err2 == io.EOF {
			return rec, true
		}
	}
	// An error, or a second record: the reader may hold unread bytes of this line.
	p.cr = nil
	return nil, false
}

// cells finds the columns parse reads in p.cols.
func (p *csvParser) cells() csvCells {
	return csvCells{
		time:        findColumn(p.cols, csvTimeColumns...),
		eventType:   findColumn(p.cols, "eventtype"),
		ip:          findColumn(p.cols, "clientipaddress", "ipaddress", "clientip", "ip"),
		ua:          findColumn(p.cols, "rawuseragent", "useragent"),
		txID:        findColumn(p.cols, "transactionid"),
		txType:      findColumn(p.cols, "transactiontype"),
		tokenID:     findColumn(p.cols, "requestapitokenid"),
		debug:       findColumn(p.cols, "debugdata", "debugcontext"),
		target:      findColumn(p.cols, "target", "targets"),
		uuid:        findColumn(p.cols, "uuid"),
		flatTargets: flatTargetColumns(p.cols),
	}
}

// flatTargetColumns finds the flattened target columns (see the package comment above), in the
// order of their indexes (no index first).
func flatTargetColumns(cols []csvColumn) []csvTarget {
	byIndex := map[string]*csvTarget{}
	var order []string
	for i, c := range cols {
		rest, ok := strings.CutPrefix(c.full, "target")
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "s")
		j := 0
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		index, field := rest[:j], rest[j:]
		t := byIndex[index]
		if t == nil {
			t = &csvTarget{-1, -1, -1, -1}
		}
		switch field {
		case "id":
			t.id = i
		case "type":
			t.typ = i
		case "alternateid":
			t.alternateID = i
		case "displayname":
			t.displayName = i
		default:
			continue
		}
		if byIndex[index] == nil {
			byIndex[index] = t
			order = append(order, index)
		}
	}
	slices.SortFunc(order, func(a, b string) int { return cmp.Compare(atoiNonNegative(a), atoiNonNegative(b)) })
	out := make([]csvTarget, 0, len(order))
	for _, k := range order {
		out = append(out, *byIndex[k])
	}
	return out
}

// targetsText reads the (id, type) pairs of a targets cell written as text, "id (Type), id2
// (Type2)", appending them to dst.
func targetsText(dst []sysTarget, s string) []sysTarget {
	for s != "" {
		open := strings.Index(s, " (")
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], ')')
		if end < 0 {
			break
		}
		dst = append(dst, sysTarget{ID: strings.TrimSpace(s[:open]), Type: s[open+2 : open+end]})
		s = strings.TrimLeft(s[open+end+1:], ",; ")
	}
	return dst
}

func (p *csvParser) parse(line []byte, rec *Record) string {
	if p.cols != nil && bytes.Equal(line, p.header) {
		return ReasonHeader
	}
	fields, ok := p.split(line)
	if !ok {
		return ReasonMalformed
	}
	if isSysLogCSVHeader(fields) {
		p.cols = csvColumns(fields)
		p.header = slices.Clone(line)
		p.at = p.cells()
		return ReasonHeader
	}
	if p.cols == nil || len(fields) != len(p.cols) {
		return ReasonMalformed
	}
	cell := func(i int) string {
		if i >= 0 {
			return fields[i]
		}
		return ""
	}
	if p.debug == nil {
		p.debug, p.have = map[string]any{}, map[string]bool{}
	}
	clear(p.debug)
	clear(p.have)
	ev := sysEvent{
		published: []byte(strings.TrimSpace(cell(p.at.time))),
		eventType: strings.TrimSpace(cell(p.at.eventType)),
		ip:        cell(p.at.ip),
		ua:        cell(p.at.ua),
		txID:      cell(p.at.txID),
		txType:    cell(p.at.txType),
		tokenID:   cell(p.at.tokenID),
		uuid:      strings.TrimSpace(cell(p.at.uuid)),
		debug:     p.debug,
	}
	if s := strings.TrimSpace(cell(p.at.debug)); strings.HasPrefix(s, "{") {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			if dd, ok := lookupFold(m, "debugData").(map[string]any); ok { // a debugContext column
				m = dd
			}
			ev.debug = m
		}
	}
	// Every other column is a debugData key too, unless the debugData cell already has that key.
	have := p.have
	for k := range ev.debug {
		have[normName(k)] = true
	}
	for i, c := range p.cols {
		if fields[i] != "" && !have[c.last] {
			ev.debug[c.last] = fields[i]
			have[c.last] = true
		}
	}
	switch s := strings.TrimSpace(cell(p.at.target)); {
	case strings.HasPrefix(s, "["):
		_ = json.Unmarshal([]byte(s), &ev.targets)
	case s != "":
		ev.targets = targetsText(ev.targets, s)
	}
	for _, t := range p.at.flatTargets {
		id := cmp.Or(strings.TrimSpace(cell(t.id)), strings.TrimSpace(cell(t.alternateID)), strings.TrimSpace(cell(t.displayName)))
		if typ := strings.TrimSpace(cell(t.typ)); id != "" || typ != "" {
			ev.targets = append(ev.targets, sysTarget{ID: id, Type: typ})
		}
	}
	return p.sys.finish(&ev, rec)
}
