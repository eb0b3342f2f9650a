package ingest

import (
	"bytes"
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
// work). A "target" column holding a JSON array of {id,type} is read as target[].
//
// Each line is one record: a quoted field spanning lines is not supported (its lines are skipped as
// malformed). A repeated header row (concatenated exports) is skipped as a header and re-read.

type csvParser struct {
	sys    sysLogParser
	cols   []csvColumn // nil until the header is seen
	header []byte
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

func (p *csvParser) parse(line []byte, rec *Record) string {
	if p.cols != nil && bytes.Equal(line, p.header) {
		return ReasonHeader
	}
	fields, ok := splitCSV(line)
	if !ok {
		return ReasonMalformed
	}
	if isSysLogCSVHeader(fields) {
		p.cols = csvColumns(fields)
		p.header = slices.Clone(line)
		return ReasonHeader
	}
	if p.cols == nil || len(fields) != len(p.cols) {
		return ReasonMalformed
	}
	cell := func(names ...string) string {
		if i := findColumn(p.cols, names...); i >= 0 {
			return fields[i]
		}
		return ""
	}
	ev := sysEvent{
		published: []byte(strings.TrimSpace(cell(csvTimeColumns...))),
		eventType: strings.TrimSpace(cell("eventtype")),
		ip:        cell("clientipaddress", "ipaddress", "clientip", "ip"),
		ua:        cell("rawuseragent", "useragent"),
		txID:      cell("transactionid"),
		txType:    cell("transactiontype"),
		tokenID:   cell("requestapitokenid"),
		debug:     map[string]any{},
	}
	if s := strings.TrimSpace(cell("debugdata", "debugcontext")); strings.HasPrefix(s, "{") {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			if dd, ok := lookupFold(m, "debugData").(map[string]any); ok { // a debugContext column
				m = dd
			}
			ev.debug = m
		}
	}
	// Every other column is a debugData key too, unless the debugData cell already has that key.
	have := make(map[string]bool, len(ev.debug))
	for k := range ev.debug {
		have[normName(k)] = true
	}
	for i, c := range p.cols {
		if fields[i] != "" && !have[c.last] {
			ev.debug[c.last] = fields[i]
			have[c.last] = true
		}
	}
	if s := strings.TrimSpace(cell("target", "targets")); strings.HasPrefix(s, "[") {
		_ = json.Unmarshal([]byte(s), &ev.targets)
	}
	return p.sys.finish(&ev, rec)
}
