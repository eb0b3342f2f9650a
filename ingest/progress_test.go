package ingest

import (
	"bytes"
	"sync/atomic"
	"testing"
)

// TestProgress checks Options.Progress on Readers made by NewReader and Open.
func TestProgress(t *testing.T) {
	plain := goodLines(3000)
	gz := gzipMembers(t, plain)
	for _, tt := range []struct {
		name string
		open func(opt Options) (*Reader, error)
		want int
	}{
		{"NewReader", func(opt Options) (*Reader, error) { return NewReader(bytes.NewReader(plain), "a.log", opt) }, len(plain)},
		{"NewReader gzip", func(opt Options) (*Reader, error) { return NewReader(bytes.NewReader(gz), "a.log.gz", opt) }, len(gz)},
		{"Open", func(opt Options) (*Reader, error) { return Open(writeFile(t, "a.log", plain), opt) }, len(plain)},
		{"Open gzip", func(opt Options) (*Reader, error) { return Open(writeFile(t, "a.log.gz", gz), opt) }, len(gz)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var progress atomic.Int64
			r, err := tt.open(Options{Progress: &progress})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := readAll(t, r); got.stats.Requests != 3000 {
				t.Fatalf("%d requests", got.stats.Requests)
			}
			if p := progress.Load(); p != int64(tt.want) {
				t.Errorf("Progress = %d, want %d", p, tt.want)
			}
		})
	}
}
