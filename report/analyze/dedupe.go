package analyze

import "github.com/ratecard/ratecard/ingest"

// seenSet holds a 64-bit FNV-1a hash (fixed, so runs agree) of every request read, for --dedupe. Two
// different requests share a hash with a probability of about n²/2⁶⁵ (1 in 10⁶ for 5 M requests).
type seenSet struct {
	m map[uint64]struct{}
}

func newSeenSet() *seenSet { return &seenSet{m: map[uint64]struct{}{}} }

// add reports whether rec is new, and remembers it. It allocates nothing per request.
func (s *seenSet) add(rec *ingest.Record) bool { return s.addHash(seenHash(rec)) }

// addHash reports whether a request of hash h (seenHash) is new, and remembers it.
func (s *seenSet) addHash(h uint64) bool {
	if _, dup := s.m[h]; dup {
		return false
	}
	s.m[h] = struct{}{}
	return true
}

// seenHash is the hash of a request --dedupe compares: FNV-1a over the instant and status as 8
// little-endian bytes each, then each of its strings and a 0 byte, hashed in place.
func seenHash(rec *ingest.Record) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, v := range [2]uint64{uint64(rec.Time), uint64(rec.Status)} {
		for i := 0; i < 8; i++ {
			h = (h ^ v>>(8*i)&0xff) * prime
		}
	}
	for _, f := range [...]string{rec.Method, rec.Target, rec.Client, rec.UserAgent, rec.Principal} {
		for i := 0; i < len(f); i++ {
			h = (h ^ uint64(f[i])) * prime
		}
		h *= prime // the 0 byte between fields: h ^ 0 == h
	}
	return h
}
