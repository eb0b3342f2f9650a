package analyze

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// A live source holds every request of a rate-limited bucket until its analysis knows which few it
// needs (live.load): on the bench month 4.5 M requests, of which it picks 0.12 M. Held as a rowChunk
// they would take 33 bytes each, and on the bench VM writing fresh memory costs more than the writes
// themselves. So a worker fills one rowChunk again and again, and each full one is packed
// (packer.pack) into a packedChunk: every column's values less the column's least, each in the
// fewest whole bytes that hold the largest difference, and instants and durations whose
// differences are all whole seconds or whole milliseconds (most logs') in that unit
// (packedCol.unit). A chunk's instants then fit in 3 bytes (5 in microseconds), its classes in 1,
// the ids of its clients, agents, paths and principals in 1 to 4, logged durations in 2 and
// durations that were not logged in none: the bench month's 4.5 M held requests take 42 MiB (10
// bytes a request; 51 MiB with `$request_time`) rather than 142. A value is read back in place from
// its column (packedChunk.at), so picking the needed rows unpacks only their values.

// The columns of a packedChunk: a rowChunk's, its ids (agent<<32 | path) in their two halves.
const (
	pcTS = iota
	pcCls
	pcClient
	pcPrin
	pcAgent
	pcPath
	pcDur
	pcCount
)

// packedChunk is a rowChunk packed column by column (see above).
type packedChunk struct {
	n    int
	cols [pcCount]packedCol
	// data is the columns one after the other, each followed by packSlack bytes, so that each value
	// is read and written as the eight bytes that start it (the rows are written in one pass, so a
	// column's last value must not reach into the next column).
	data []byte
}

// packedCol is where a column lies in a packedChunk's data, and how to read its values: the value of
// row k is base plus unit times the width bytes at off+k*width, little-endian.
type packedCol struct {
	base  uint64
	off   int
	width int
	mask  uint64
	unit  uint64 // 1, or, for instants and durations, 1,000 or 1,000,000 (see packUnits)
}

// packUnits are the units a column may be stored in, by their exponent of ten: an instant or a
// duration in whole milliseconds or whole seconds is stored divided by 1,000 or 1,000,000.
var packUnits = [...]uint64{0: 1, 3: 1_000, 6: 1_000_000}

// unitDivider returns the shift and the multiplier that divide a multiple of unit by it exactly:
// unit is 2^shift times an odd number whose inverse modulo 2^64 is inv, so x/unit is (x>>shift)*inv.
func unitDivider(unit uint64) (shift uint, inv uint64) {
	shift = uint(bits.TrailingZeros64(unit))
	odd := unit >> shift
	inv = odd // Newton's iteration: each step doubles the correct low bits (3 → 96)
	for range 5 {
		inv *= 2 - odd*inv
	}
	return shift, inv
}

// packSlack is the bytes after each column of a packedChunk.
const packSlack = 8

// at returns the value of row k in column col.
func (p *packedChunk) at(col, k int) uint64 {
	c := &p.cols[col]
	return (binary.LittleEndian.Uint64(p.data[c.off+k*c.width:])&c.mask)*c.unit + c.base
}

// ts returns row k's instant.
func (p *packedChunk) ts(k int) int64 { return int64(p.at(pcTS, k)) }

// packer packs rowChunks. It keeps the bytes of the last chunk packed into its own buffer between
// calls, so that a worker packs without allocating.
type packer struct {
	buf  []byte
	none [8]byte
}

// pack packs c into pk.buf and returns the packedChunk whose data is pk.buf (valid until the next
// pack).
func (pk *packer) pack(c *rowChunk) packedChunk {
	return pk.packInto(c, func(size int) []byte {
		pk.buf = resize(pk.buf, uint64(size))
		return pk.buf
	})
}

// packInto packs c into the size bytes that alloc returns.
func (pk *packer) packInto(c *rowChunk, alloc func(size int) []byte) packedChunk {
	n := c.len()
	p := packedChunk{n: n}
	lo, hi, units := rowRanges(c)
	size := 0
	for i := range p.cols {
		w := (bits.Len64((hi[i]-lo[i])/units[i]) + 7) / 8
		p.cols[i] = packedCol{base: lo[i], off: size, width: w, mask: widthMask(w), unit: units[i]}
		size += n*w + packSlack
	}
	p.data = alloc(size)[:size]
	pk.putRows(c, &p)
	return p
}

// putRows writes the rows of c into p.data as the columns of p, in one pass over the rows: each
// value less its column's base, divided by its unit, in its column's width. A column of width 0 is
// written over and over to pk.none, where nothing reads it.
func (pk *packer) putRows(c *rowChunk, p *packedChunk) {
	n := c.len()
	if n == 0 {
		return
	}
	var dst [pcCount][]byte
	for i, pc := range p.cols {
		dst[i] = p.data[pc.off : pc.off+n*pc.width+packSlack]
		if pc.width == 0 {
			dst[i] = pk.none[:]
		}
	}
	cs := &p.cols
	bt, bc, bk, bp, ba, bx, bd := cs[pcTS].base, cs[pcCls].base, cs[pcClient].base, cs[pcPrin].base, cs[pcAgent].base, cs[pcPath].base, cs[pcDur].base
	wt, wc, wk, wp, wa, wx, wd := cs[pcTS].width, cs[pcCls].width, cs[pcClient].width, cs[pcPrin].width, cs[pcAgent].width, cs[pcPath].width, cs[pcDur].width
	dt, dc, dk, dp, da, dx, dd := dst[pcTS], dst[pcCls], dst[pcClient], dst[pcPrin], dst[pcAgent], dst[pcPath], dst[pcDur]
	st, it := unitDivider(cs[pcTS].unit) // only instants and durations have units
	sd, id := unitDivider(cs[pcDur].unit)
	ts, cls, client, prin, ids, dur := c.ts[:n], c.cls[:n], c.client[:n], c.prin[:n], c.ids[:n], c.dur[:n]
	le := binary.LittleEndian
	for k := range n {
		le.PutUint64(dt[k*wt:], (uint64(ts[k])-bt)>>st*it)
		le.PutUint64(dc[k*wc:], uint64(cls[k])-bc)
		le.PutUint64(dk[k*wk:], client[k]-bk)
		le.PutUint64(dp[k*wp:], uint64(prin[k])-bp)
		le.PutUint64(da[k*wa:], ids[k]>>32-ba)
		le.PutUint64(dx[k*wx:], uint64(uint32(ids[k]))-bx)
		le.PutUint64(dd[k*wd:], (uint64(dur[k])-bd)>>sd*id)
	}
}

// rowRanges returns the least and the greatest value of each column of c (an instant's compared as
// a signed number; the difference of two int64 instants fits a uint64), and the unit each column is
// stored in (for instants and durations, the largest of packUnits that divides every value's
// difference from the least; 1 for the others).
func rowRanges(c *rowChunk) (lo, hi, units [pcCount]uint64) {
	for i := range units {
		units[i] = 1
	}
	n := c.len()
	if n == 0 {
		return lo, hi, units
	}
	ts, cls, client, prin, ids, dur := c.ts[:n], c.cls[:n], c.client[:n], c.prin[:n], c.ids[:n], c.dur[:n]
	tl, th := ts[0], ts[0]
	cl, ch := cls[0], cls[0]
	kl, kh := client[0], client[0]
	pl, ph := prin[0], prin[0]
	al, ah := uint32(ids[0]>>32), uint32(ids[0]>>32)
	xl, xh := uint32(ids[0]), uint32(ids[0])
	dl, dh := dur[0], dur[0]
	for k := range n {
		tl, th = min(tl, ts[k]), max(th, ts[k])
		cl, ch = min(cl, cls[k]), max(ch, cls[k])
		kl, kh = min(kl, client[k]), max(kh, client[k])
		pl, ph = min(pl, prin[k]), max(ph, prin[k])
		a, x := uint32(ids[k]>>32), uint32(ids[k])
		al, ah, xl, xh = min(al, a), max(ah, a), min(xl, x), max(xh, x)
		dl, dh = min(dl, dur[k]), max(dh, dur[k])
	}
	lo = [pcCount]uint64{uint64(tl), uint64(cl), kl, uint64(pl), uint64(al), uint64(xl), uint64(dl)}
	hi = [pcCount]uint64{uint64(th), uint64(ch), kh, uint64(ph), uint64(ah), uint64(xh), uint64(dh)}
	units[pcTS], units[pcDur] = unitOf(ts, lo[pcTS]), unitOf(dur, lo[pcDur])
	return lo, hi, units
}

// unitOf returns the largest of 1,000,000 and 1,000 that divides every value of vals less base (the
// least of them, as a uint64, so that each difference is the true one), or 1.
func unitOf[T int64 | uint32](vals []T, base uint64) uint64 {
	for _, u := range [...]uint64{1_000_000, 1_000} {
		if allMultiples(vals, base, u) {
			return u
		}
	}
	return 1
}

// allMultiples reports whether unit divides every value of vals less base (as uint64s, modulo 2^64).
// With unit = 2^s·q, q odd, x is a multiple when its low s bits are 0 and (x>>s)·q⁻¹ mod 2^64 is at
// most (2^64-1)/q (one multiplication a value rather than a division); a log's first values usually
// settle a no.
func allMultiples[T int64 | uint32](vals []T, base, unit uint64) bool {
	shift, inv := unitDivider(unit)
	low, lim := uint64(1)<<shift-1, ^uint64(0)/(unit>>shift)
	for _, v := range vals {
		if x := uint64(v) - base; x&low != 0 || (x>>shift)*inv > lim {
			return false
		}
	}
	return true
}

// widthMask is the mask of the w low bytes of a uint64.
func widthMask(w int) uint64 {
	if w >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*w) - 1
}

// writeTo writes p to w: its row count, each column's base, width and unit (as its exponent of
// ten), its data's length, and the data.
func (p *packedChunk) writeTo(w io.Writer) error {
	hdr := make([]byte, 0, packedHeader)
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(p.n))
	for _, c := range p.cols {
		hdr = binary.LittleEndian.AppendUint64(hdr, c.base)
		hdr = append(hdr, byte(c.width), byte(unitExp(c.unit)))
	}
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(len(p.data)))
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(p.data)
	return err
}

// packedHeader is the size of the header writeTo writes: the row count, each column's base, width
// and unit, and the data's length.
const packedHeader = 8 + pcCount*10 + 8

// unitExp is the exponent of ten of unit, one of packUnits.
func unitExp(unit uint64) int {
	for e, u := range packUnits {
		if u == unit {
			return e
		}
	}
	panic(fmt.Sprintf("a column stored in units of %d", unit))
}

// readPacked reads what writeTo wrote into p, its data in buf's array when it is large enough.
func readPacked(r io.Reader, p *packedChunk, buf []byte) error {
	var hdr [packedHeader]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n := binary.LittleEndian.Uint64(hdr[:])
	size := binary.LittleEndian.Uint64(hdr[8+pcCount*10:])
	if n > batchRows || size > pcCount*(8*batchRows+packSlack) { // a chunk holds at most batchRows
		return errors.New("corrupt chunk header")
	}
	*p = packedChunk{n: int(n)}
	off := 0
	for i := range p.cols {
		h := hdr[8+i*10:]
		w, e := int(h[8]), int(h[9])
		if w > 8 {
			return fmt.Errorf("corrupt chunk header: a column %d bytes wide", w)
		}
		if e >= len(packUnits) || packUnits[e] == 0 {
			return fmt.Errorf("corrupt chunk header: a column in units of 10^%d", e)
		}
		p.cols[i] = packedCol{base: binary.LittleEndian.Uint64(h), off: off, width: w, mask: widthMask(w), unit: packUnits[e]}
		off += int(n)*w + packSlack
	}
	if uint64(off) != size {
		return errors.New("corrupt chunk header: the columns do not fill the data")
	}
	p.data = resize(buf, size)
	_, err := io.ReadFull(r, p.data)
	return err
}
