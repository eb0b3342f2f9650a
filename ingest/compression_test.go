package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// TestCompressionAndParquet checks Compression on gzip, zstd, plain and short files, and that a
// Parquet file is refused with ErrParquet (naming the file) rather than read as lines.
func TestCompressionAndParquet(t *testing.T) {
	dir := t.TempDir()
	var gz, zs bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("bucket,second,requests,throttled\n"))
	w.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte("bucket,second,requests,throttled\n"))
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"counts.csv.gz", gz.Bytes(), "gzip"},
		{"counts.csv.zst", zs.Bytes(), "zstd"},
		{"counts.csv", []byte("bucket,second,requests,throttled\n"), ""},
		{"short", []byte{0x1f}, ""},
		{"empty", nil, ""},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := Compression(path); err != nil || got != c.want {
			t.Errorf("%s: Compression = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := Compression(filepath.Join(dir, "missing")); err == nil {
		t.Error("Compression of a missing file: no error")
	}
	pq := filepath.Join(dir, "requests.parquet")
	if err := os.WriteFile(pq, []byte("PAR1\x15\x04\x15\x00PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenParts(pq, Options{}, 2); !errors.Is(err, ErrParquet) || !bytes.Contains([]byte(err.Error()), []byte(pq)) {
		t.Errorf("OpenParts on Parquet: %v, want ErrParquet naming the file", err)
	}
}
