package ingest

import "bytes"

// Line wrappers: envelopes that a log store puts around each line a program wrote.
//
//   - docker-json: Docker's json-file logging driver (and Kubernetes nodes that run Docker), one
//     JSON object a line, {"log":"<the line, JSON-escaped, with its \n>","stream":"stdout","time":"…"};
//   - cri: containerd and CRI-O (Kubernetes' /var/log/containers/*.log),
//     "2024-01-01T00:00:00.000000000Z stdout F <the line>";
//   - syslog: a syslog file in which daemons write through syslog (HAProxy, nginx's
//     "access_log syslog:…"), "Oct 14 08:00:01 host tag[pid]: <the line>" (an optional "<PRI>"
//     first; the time may be RFC 3339 instead, as rsyslog's high-precision template writes it; the
//     tag is the program name, with or without "[pid]").
//
// A wrapper is recognised from the sniff window, like a compression, when more than half of its
// complete non-blank lines are wrapped so; each line of such a file is then unwrapped before it is
// sniffed and parsed in its own format (a line that is not wrapped is read as it is). The wrapper's
// own time stamp is not used: the line inside has the request's time. A line that no format reads
// is skipped as not-a-request rather than malformed when it is a message of a program — a syslog
// line (in any file), or a container's stderr line (an nginx error log, Envoy's own messages) —
// that holds no quoted HTTP request line ("GET /… HTTP/1.1"): a line with one is a request in a
// layout ratecard does not know, and stays malformed. A container runtime splits a line longer than 16 KiB into pieces (CRI tag
// "P", a docker-json "log" without its final \n): each piece is a line, the partial ones skipped as
// line-too-long and the last one read alone (so usually skipped as malformed). Skipped-line
// excerpts show the line as stored, wrapper included. A file read with Options.Fields (a JSON
// mapping) is never unwrapped: the mapping is of the objects as they are.

// wrapKind is a line wrapper, or none.
type wrapKind uint8

const (
	wrapNone wrapKind = iota
	wrapDocker
	wrapCRI
	wrapSyslog
)

// String returns the wrapper's name as reports show it: "docker-json", "cri", "syslog", or "".
func (w wrapKind) String() string {
	switch w {
	case wrapDocker:
		return "docker-json"
	case wrapCRI:
		return "cri"
	case wrapSyslog:
		return "syslog"
	}
	return ""
}

// unwrapped says what unwrapLine found.
type unwrapped uint8

const (
	notWrapped     unwrapped = iota
	wrappedLine              // a line of the program's output (a container's stdout)
	wrappedMessage           // a message of the program (syslog, a container's stderr)
	wrappedPiece             // a piece of a longer line, not its last
)

var dockerLogKey = []byte(`{"log":"`)

// unwrap returns the line inside line, for the wrapper w, and what it is. The returned line is a
// part of line, or (docker-json) the unescaped "log" value without its line ending in buf's storage;
// buf is returned for reuse.
func (w wrapKind) unwrap(line, buf []byte) (inner, out []byte, kind unwrapped) {
	switch w {
	case wrapDocker:
		return unwrapDocker(line, buf)
	case wrapCRI:
		inner, kind = unwrapCRI(line)
	case wrapSyslog:
		if inner = syslogBody(line); inner != nil {
			kind = wrappedMessage
		}
	}
	return inner, buf, kind
}

// unwrapDocker unwraps a docker-json line.
func unwrapDocker(line, buf []byte) (inner, out []byte, kind unwrapped) {
	if !bytes.HasPrefix(line, dockerLogKey) {
		return nil, buf, notWrapped
	}
	start := len(dockerLogKey)
	end, _, st := scanString(line, start)
	if st != jsonDone {
		return nil, buf, notWrapped
	}
	rest := line[end+1:]
	if len(rest) == 0 || rest[len(rest)-1] != '}' || !bytes.Contains(rest, []byte(`"stream":"`)) {
		return nil, buf, notWrapped
	}
	v := appendUnquoted(buf[:0], line[start:end])
	kind = wrappedLine
	if bytes.Contains(rest, []byte(`"stream":"stderr"`)) {
		kind = wrappedMessage
	}
	n := len(v)
	if n == 0 || v[n-1] != '\n' {
		return v, v, wrappedPiece
	}
	v = v[:n-1]
	if n := len(v); n > 0 && v[n-1] == '\r' {
		v = v[:n-1]
	}
	return v, v, kind
}

// unwrapCRI returns the message of a CRI log line "TIME STREAM TAG MESSAGE" (TIME an RFC 3339 time,
// STREAM stdout or stderr, TAG "F" for a full line or "P" for a partial one, possibly with more
// ':'-separated tags after it).
func unwrapCRI(line []byte) ([]byte, unwrapped) {
	sp := bytes.IndexByte(line, ' ')
	if sp < len("2006-01-02T15:04:05Z") || line[4] != '-' || line[10] != 'T' {
		return nil, notWrapped
	}
	if _, ok := parseISOTime(line[:sp]); !ok {
		return nil, notWrapped
	}
	rest := line[sp+1:]
	kind := wrappedLine
	switch {
	case bytes.HasPrefix(rest, []byte("stdout ")):
	case bytes.HasPrefix(rest, []byte("stderr ")):
		kind = wrappedMessage
	default:
		return nil, notWrapped
	}
	rest = rest[len("stdout "):]
	tag := rest
	if sp := bytes.IndexByte(rest, ' '); sp >= 0 {
		tag, rest = rest[:sp], rest[sp+1:]
	} else {
		rest = nil
	}
	if c := bytes.IndexByte(tag, ':'); c >= 0 {
		tag = tag[:c]
	}
	switch string(tag) {
	case "F":
		return rest, kind
	case "P":
		return rest, wrappedPiece
	}
	return nil, notWrapped
}

// syslogBody returns the message of a syslog line, "[<PRI>]TIME HOST TAG: MESSAGE" with TIME as
// "Oct 14 08:00:01" (the day may be space-padded) or RFC 3339, and TAG a program name with an
// optional "[pid]"; nil when line is not one.
func syslogBody(line []byte) []byte {
	i := 0
	if len(line) > 0 && line[0] == '<' {
		j := 1
		for j < len(line) && j < 5 && isDigit(line[j]) {
			j++
		}
		if j == 1 || j >= len(line) || line[j] != '>' {
			return nil
		}
		i = j + 1
	}
	b := line[i:]
	switch {
	case len(b) >= 16 && monthNumber3(b[0], b[1], b[2]) > 0 && b[3] == ' ':
		// "Oct 14 08:00:01 " or "Oct  4 08:00:01 "
		if (b[4] != ' ' && !isDigit(b[4])) || !isDigit(b[5]) || b[6] != ' ' || b[9] != ':' || b[12] != ':' || b[15] != ' ' ||
			!isDigit(b[7]) || !isDigit(b[8]) || !isDigit(b[10]) || !isDigit(b[11]) || !isDigit(b[13]) || !isDigit(b[14]) {
			return nil
		}
		b = b[16:]
	default:
		sp := bytes.IndexByte(b, ' ')
		if sp < len("2006-01-02T15:04:05") || b[10] != 'T' {
			return nil
		}
		if _, ok := parseISOTime(b[:sp]); !ok {
			return nil
		}
		b = b[sp+1:]
	}
	sp := bytes.IndexByte(b, ' ') // HOST
	if sp <= 0 {
		return nil
	}
	b = b[sp+1:]
	sp = bytes.IndexByte(b, ' ') // TAG:
	if sp < 2 || b[sp-1] != ':' {
		return nil
	}
	tag := b[:sp-1]
	if o := bytes.IndexByte(tag, '['); o >= 0 {
		if o == 0 || tag[len(tag)-1] != ']' || !isDigits(tag[o+1:len(tag)-1]) {
			return nil
		}
		tag = tag[:o]
	}
	for _, c := range tag {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_' || c == '.' || c == '/') {
			return nil
		}
	}
	return b[sp+1:]
}

// detectWrap returns the wrapper of more than half of lines, or wrapNone.
func detectWrap(lines [][]byte) wrapKind {
	var n [wrapSyslog + 1]int
	for _, l := range lines {
		for _, w := range []wrapKind{wrapDocker, wrapCRI, wrapSyslog} {
			if _, _, kind := w.unwrap(l, nil); kind != notWrapped {
				n[w]++
				break
			}
		}
	}
	for w := wrapDocker; w <= wrapSyslog; w++ {
		if 2*n[w] > len(lines) {
			return w
		}
	}
	return wrapNone
}

// isMessage reports whether a line that no format reads is a message of a program rather than a
// malformed access-log line (see above): t is the line (unwrapped), message whether its wrapper
// marked it as one (a container's stderr).
func isMessage(t []byte, message bool) bool {
	return (message || syslogBody(t) != nil) && !hasRequestLine(t)
}
