package ingest

import "bytes"

// The vhost_combined format (Apache's predefined LogFormat of that name, and nginx setups that copy
// it): the virtual host and port, then a combined (or common) line, which may end in extra fields
// such as a duration:
//
//	www.example.com:443 10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET / HTTP/1.1" 200 512 "-" "curl/8" 1234
//
// The vhost is not kept; Record.Client is the client after it. A line without the vhost field is
// read as a combined or common line.

// splitVhost returns the line after a leading "host:port " field, or nil when the line does not
// start with one (the port must be 1–5 digits; a bracketed IPv6 host "[::1]:443" is accepted).
func splitVhost(line []byte) []byte {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return nil
	}
	hp := line[:sp]
	c := bytes.LastIndexByte(hp, ':')
	if c <= 0 || len(hp)-c-1 < 1 || len(hp)-c-1 > 5 {
		return nil
	}
	for _, d := range hp[c+1:] {
		if !isDigit(d) {
			return nil
		}
	}
	host := hp[:c]
	if bytes.IndexByte(host, ':') >= 0 && (host[0] != '[' || host[len(host)-1] != ']') {
		return nil // an unbracketed IPv6 address is a client, not a vhost
	}
	return line[skipSpaces(line, sp):]
}

func sniffVhostCombined(line []byte) bool {
	rest := splitVhost(line)
	if rest == nil {
		return false
	}
	var rec Record
	reason, _ := scanCLF(rest, &rec, false)
	return shapeOK(reason)
}

// parseVhostCombined parses a vhost_combined line, or a combined/common line without the vhost
// field (as a default server may write in the same file).
func parseVhostCombined(line []byte, rec *Record) string {
	return scanVhostCombined(line, rec, false, nil)
}

// parseVhostCombinedXFF is parseVhostCombined for Options.ForwardedFor.
func parseVhostCombinedXFF(line []byte, rec *Record) string {
	return scanVhostCombined(line, rec, true, nil)
}

// vhostParser is parseVhostCombined (or parseVhostCombinedXFF) with a timestamp cache, for the lines
// of one file.
type vhostParser struct {
	xff bool
	tc  clfTimeCache
}

// parse is the parse function of p.
func (p *vhostParser) parse(line []byte, rec *Record) string {
	return scanVhostCombined(line, rec, p.xff, &p.tc)
}

// newVhostCombinedFileParser returns parseVhostCombined, or parseVhostCombinedXFF for
// Options.ForwardedFor, with a timestamp cache (the formatSpec.newFileParser of vhost_combined).
func newVhostCombinedFileParser(opt *Options) func([]byte, *Record) string {
	return (&vhostParser{xff: opt.ForwardedFor}).parse
}

// scanVhostCombined parses a vhost_combined line, or failing that (malformed) a line without the
// vhost field, with scanCLFCached; tc may be nil.
func scanVhostCombined(line []byte, rec *Record, xff bool, tc *clfTimeCache) string {
	if rest := splitVhost(line); rest != nil {
		if reason, _ := scanCLFCached(rest, rec, xff, tc); reason != ReasonMalformed {
			return reason
		}
	}
	reason, _ := scanCLFCached(line, rec, xff, tc)
	return reason
}
