package ingest

import (
	"bytes"
	"strings"
)

// The w3c format: W3C extended log files as IIS writes them. Directive lines ("#Software:",
// "#Version:", "#Date:", "#Fields:") are skipped as headers; each "#Fields:" line sets the columns of
// the lines after it, so files with several header blocks (IIS restarts) are read. Before any
// "#Fields:" line, IIS's default field list is assumed:
//
//	date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
//
// Columns used: date and time (or date-local and time-local; the time is taken as UTC, which is what
// IIS writes in date/time), cs-method, cs-uri-stem and cs-uri-query (joined with '?'; "-" is no
// query), sc-status, c-ip (or cs(X-Forwarded-For)), cs(User-Agent) ('+' is a space in IIS, "++" a
// space and a '+'), and
// sc(X-Rate-Limit-Limit), sc(X-Rate-Limit-Remaining), sc(X-Rate-Limit-Reset) when logged. Fields are
// separated by spaces; a quoted field (IIS Advanced Logging) may hold spaces and "" for a quote.
//
// IIS writes an entry when the response has been sent, so its time is the request's end, and
// time-taken (milliseconds, from the first byte of the request to the last of the response) is its
// duration: the request is placed at its start, the time minus time-taken, and was in flight on
// [start, start + time-taken). As for nginx's $time_local, a time of whole seconds (IIS's) is
// truncated, so only time-taken's whole seconds are subtracted (a request shorter than a second
// keeps its logged second, and its interval ends within that second); a time with a fraction has
// the duration subtracted exactly. A line without time-taken (or "-") is placed at its time, with
// no duration.

const w3cDefaultFields = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"

// maxW3CFields is the most columns a #Fields line may declare.
const maxW3CFields = 64

type w3cParser struct {
	n                             int // number of columns
	date, tm, method, stem, query int // column indexes, -1 when absent
	status, ip, xff, ua           int
	taken                         int // time-taken
	rl                            [3]int
	fields                        [maxW3CFields][]byte
	buf                           [64]byte
	target                        []byte // stem?query, reused
	uaBuf                         []byte // user agent with '+' replaced, reused
}

func newW3CParser(*Options, *eventSink) (func([]byte, *Record) string, error) {
	p := &w3cParser{}
	p.setFields([]byte(w3cDefaultFields))
	return p.parse, nil
}

// setFields sets the columns from the list of a #Fields directive; false if there are too many.
func (p *w3cParser) setFields(list []byte) bool {
	names := strings.Fields(string(list))
	if len(names) == 0 || len(names) > maxW3CFields {
		return false
	}
	find := func(alts ...string) int {
		for _, a := range alts {
			for i, n := range names {
				if strings.EqualFold(n, a) {
					return i
				}
			}
		}
		return -1
	}
	p.n = len(names)
	p.date, p.tm = find("date", "date-local"), find("time", "time-local")
	p.method, p.stem, p.query = find("cs-method"), find("cs-uri-stem", "cs-uri"), find("cs-uri-query")
	p.status, p.ip, p.xff, p.ua = find("sc-status"), find("c-ip"), find("cs(X-Forwarded-For)"), find("cs(User-Agent)")
	p.taken = find("time-taken")
	p.rl = [3]int{find("sc(X-Rate-Limit-Limit)"), find("sc(X-Rate-Limit-Remaining)"), find("sc(X-Rate-Limit-Reset)")}
	return true
}

var w3cFieldsDirective = []byte("#Fields:")

func sniffW3C(line []byte) bool {
	return bytes.HasPrefix(line, w3cFieldsDirective) && len(bytes.Fields(line[len(w3cFieldsDirective):])) > 0 ||
		bytes.HasPrefix(line, []byte("#Software: Microsoft Internet Information Services"))
}

func (p *w3cParser) parse(line []byte, rec *Record) string {
	if line[0] == '#' {
		if bytes.HasPrefix(line, w3cFieldsDirective) && !p.setFields(line[len(w3cFieldsDirective):]) {
			return ReasonMalformed
		}
		return ReasonHeader
	}
	fields, ok := splitFields(line, p.fields[:0:maxW3CFields])
	if !ok || len(fields) != p.n || p.date < 0 || p.tm < 0 || p.stem < 0 {
		return ReasonMalformed
	}
	get := func(i int) []byte {
		if i < 0 || isDash(fields[i]) {
			return nil
		}
		return fields[i]
	}
	status := 0
	if s := get(p.status); s != nil {
		var ok bool
		if status, ok = parseStatusLoose(s); !ok {
			return ReasonMalformed
		}
	}
	t, ok := parseISOTime(joinDateTime(p.buf[:], fields[p.date], fields[p.tm]))
	if !ok {
		return ReasonBadTimestamp
	}
	dur, hasDur := parseMillis(get(p.taken))
	if hasDur {
		d := dur
		if bytes.IndexByte(fields[p.tm], '.') < 0 { // whole seconds: see the format's doc
			d -= d % 1_000_000
		}
		t -= d
	}
	method := get(p.method)
	if method != nil && !isMethod(aliasString(method)) {
		return ReasonBadRequest
	}
	target := get(p.stem)
	if target == nil {
		return ReasonBadRequest
	}
	if q := get(p.query); q != nil {
		p.target = append(append(append(p.target[:0], target...), '?'), q...)
		target = p.target
	}
	client := get(p.ip)
	if client == nil {
		client = get(p.xff)
	}
	ua := get(p.ua)
	if bytes.IndexByte(ua, '+') >= 0 {
		// IIS writes a space as '+' and a '+' as itself: "++" is a space then a '+'.
		p.uaBuf = append(p.uaBuf[:0], ua...)
		for i, c := range p.uaBuf {
			if c == '+' && !(i > 0 && ua[i-1] == '+' && p.uaBuf[i-1] == ' ') {
				p.uaBuf[i] = ' '
			}
		}
		ua = p.uaBuf
	}
	*rec = Record{
		Time:      t,
		Method:    aliasString(method),
		Target:    aliasString(target),
		Status:    status,
		Client:    aliasString(client),
		UserAgent: aliasString(ua),
		Line:      rec.Line,
	}
	if hasDur {
		rec.setDuration(dur)
	}
	for k, i := range p.rl {
		n, ok := headerInt(get(i))
		if !ok {
			continue
		}
		rec.setRateLimit(k, n)
	}
	return ""
}
