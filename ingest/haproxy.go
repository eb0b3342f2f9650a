package ingest

import "bytes"

// The haproxy format: HAProxy's HTTP log format ("option httplog"), usually behind a syslog prefix:
//
//	Feb 25 16:19:49 lb1 haproxy[7]: 141.35.244.171:53332 [25/Feb/2019:16:19:48.143] fe~ be/srv 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 {captured} {captured} "GET /path HTTP/1.1"
//
// The syslog prefix, up to the "tag[pid]: " of the program, is ignored (a line without it, as
// HAProxy writes to stdout, is read too). The time is the accept date in brackets, which HAProxy
// writes in its local time without an offset: it is taken as UTC. The client's port is dropped.
// A status of -1 (no response) is 0. The last of the five timers is the request's duration in
// milliseconds: Ta (HAProxy 1.9 and later: from the request date, which the brackets hold, to the
// end) or, in older versions, Tt (from the accept date, which the brackets then hold): either way
// the request was in flight on [date, date + timer). A timer of -1 (aborted) is no duration; a '+'
// before it (option logasap) marks a lower bound, read as the duration. HAProxy's other messages in the same log ("Proxy … started",
// "SSL handshake failure") are skipped as not-a-request; "<BADREQ>" is a bad request line.

// haproxyBody returns the part of line after a syslog "tag[pid]: " prefix, or line itself.
func haproxyBody(line []byte) []byte {
	if sp := bytes.IndexByte(line, ' '); sp > 0 && sp+1 < len(line) && line[sp+1] == '[' {
		return line // "client:port [date] …": no prefix (a line a syslog wrapper unwrapped, or HAProxy's stdout)
	}
	if i := bytes.Index(line, []byte("]: ")); i > 0 {
		if o := bytes.LastIndexByte(line[:i], '['); o > 0 && line[o-1] != ' ' {
			return line[i+3:]
		}
	}
	return line
}

func sniffHAProxy(line []byte) bool {
	var rec Record
	return parseHAProxyBody(haproxyBody(line), &rec, true) == ""
}

func parseHAProxy(line []byte, rec *Record) string {
	body := haproxyBody(line)
	reason := parseHAProxyBody(body, rec, false)
	if reason == ReasonMalformed && len(body) < len(line) && bytes.IndexByte(body, '"') < 0 {
		return ReasonNotARequest // a message of the program, not a request
	}
	return reason
}

// parseHAProxyBody parses what follows the syslog prefix. strict (sniffing): the line must be a
// complete, valid request.
func parseHAProxyBody(b []byte, rec *Record, strict bool) string {
	// client:port [date]
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 || sp+1 >= len(b) || b[sp+1] != '[' {
		return ReasonMalformed
	}
	client := b[:sp]
	c := bytes.LastIndexByte(client, ':')
	if c <= 0 {
		return ReasonMalformed
	}
	client = client[:c]
	if len(client) > 2 && client[0] == '[' && client[len(client)-1] == ']' {
		client = client[1 : len(client)-1]
	}
	end := bytes.IndexByte(b[sp+2:], ']')
	if end < 0 {
		return ReasonMalformed
	}
	date := b[sp+2 : sp+2+end]
	i := sp + 2 + end + 1
	// frontend backend/server timers status bytes
	var tok [5][]byte
	for k := range tok {
		f, next, ok := nextField(b, i)
		if !ok || next < 0 {
			return ReasonMalformed
		}
		tok[k], i = f, next
	}
	if bytes.IndexByte(tok[1], '/') < 0 || bytes.Count(tok[2], []byte("/")) < 3 || !isBytesField(tok[4]) {
		return ReasonMalformed
	}
	status, ok := parseStatusLoose(tok[3])
	if !ok {
		return ReasonMalformed
	}
	// The request is the last field, quoted.
	if len(b) < 2 || b[len(b)-1] != '"' {
		return ReasonMalformed
	}
	q := bytes.LastIndexByte(b[:len(b)-1], '"')
	if q < i {
		return ReasonMalformed
	}
	req := b[q+1 : len(b)-1]
	var buf [48]byte
	if len(date)+6 > len(buf) {
		return ReasonBadTimestamp
	}
	n := copy(buf[:], date)
	n += copy(buf[n:], " +0000")
	t, ok := parseCLFTime26(buf[:n])
	if !ok {
		return ReasonBadTimestamp
	}
	method, target, ok := splitRequestFast(req)
	if !ok {
		return ReasonBadRequest
	}
	if strict {
		return ""
	}
	*rec = Record{
		Time:   t,
		Method: aliasString(method),
		Target: aliasString(target),
		Status: status,
		Client: aliasString(client),
		Line:   rec.Line,
	}
	timers := tok[2]
	if d, ok := haproxyTimer(timers[bytes.LastIndexByte(timers, '/')+1:]); ok {
		rec.setDuration(d)
	}
	return ""
}

// haproxyTimer reads an HAProxy timer in milliseconds ("1487", "+1487" with option logasap) into
// microseconds; -1 (the event did not happen) and anything else not a number are not a duration.
func haproxyTimer(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	return parseMillis(b)
}
