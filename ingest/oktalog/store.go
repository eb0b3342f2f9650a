package oktalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// The files of a fetch directory. Segments hold the events; every name that starts with "." is
// the fetcher's own (the checkpoint, the org's rate-limit settings, files being written) and is
// skipped by analyze.
const (
	ManifestName = ".ratecard-fetch.json"
	SettingsName = ".ratecard-rate-limit-settings.json"
	segmentFmt   = "systemlog-%06d.ndjson.gz"
	tmpSuffix    = ".tmp"
)

// SegmentName is the file name of segment n (1-based): systemlog-000001.ndjson.gz. Names sort in
// fetch order, which is the order of the events' published times.
func SegmentName(n int) string { return fmt.Sprintf(segmentFmt, n) }

// EventRef names one event by its published time (as Okta wrote it) and uuid.
type EventRef struct {
	Published string `json:"published"`
	UUID      string `json:"uuid"`
}

// Manifest is the checkpoint of a fetch, ManifestName in its directory: what was asked, how far it
// got, and where to go on. It holds no credential: the next-page URL carries only the query and
// Okta's opaque cursor.
type Manifest struct {
	Tool    string    `json:"tool"` // "ratecard fetch"
	Format  int       `json:"format"`
	Org     string    `json:"org"` // scheme://host
	Since   time.Time `json:"since"`
	Until   time.Time `json:"until"`
	Limit   int       `json:"page_limit"`
	Started time.Time `json:"started"`            // when the fetch began (its first run)
	Updated time.Time `json:"updated"`            // the last checkpoint
	Done    time.Time `json:"completed,omitzero"` // when the last page was read; zero while incomplete

	// Next is the URL of the next page to read: the first request's URL until a page was read,
	// then the Link rel="next" of the last page committed; "" once complete.
	Next string `json:"next"`
	// Segments is the number of segments committed: SegmentName(1) … SegmentName(Segments).
	// A segment file numbered above it is left over from a run that stopped between writing a
	// segment and this checkpoint, and is deleted on resume.
	Segments int   `json:"segments"`
	Events   int64 `json:"events"`
	Pages    int64 `json:"pages"`
	// Duplicates counts events dropped because an earlier page had the same uuid at the same
	// published time (a page boundary repeating an event).
	Duplicates int64 `json:"duplicates_dropped"`
	// Last is the last event written; Boundary the uuids of every written event with Last's
	// published time, so that a page repeating one of them is not written twice.
	Last     *EventRef `json:"last,omitempty"`
	Boundary []string  `json:"boundary_uuids,omitempty"`
}

// Complete reports whether the fetch read its last page.
func (m *Manifest) Complete() bool { return !m.Done.IsZero() }

// manifestFormat is the Manifest's Format; a manifest of another format is refused.
const manifestFormat = 1

// ReadManifest reads dir's checkpoint; it returns nil and no error when dir has none (it is not a
// fetch directory).
func ReadManifest(dir string) (*Manifest, error) {
	b, err := readOptional(dir, ManifestName)
	if b == nil || err != nil {
		return nil, err
	}
	return parseManifest(b, filepath.Join(dir, ManifestName))
}

// readOptional reads dir/name; nil and no error when it does not exist.
func readOptional(dir, name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// parseManifest decodes a checkpoint file.
func parseManifest(b []byte, name string) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: not a ratecard fetch checkpoint: %w", name, err)
	}
	if m.Tool != "ratecard fetch" || m.Format != manifestFormat {
		return nil, fmt.Errorf("%s: not a ratecard fetch checkpoint of format %d", name, manifestFormat)
	}
	if m.Segments < 0 || m.Events < 0 || m.Org == "" {
		return nil, fmt.Errorf("%s: inconsistent checkpoint", name)
	}
	return &m, nil
}

// writeFileAtomic writes data to name through a temporary file in the same directory, synced and
// then renamed over name, and syncs the directory: a crash leaves the old file or the new one.
func writeFileAtomic(name string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(name), "."+strings.TrimPrefix(filepath.Base(name), ".")+tmpSuffix)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

// syncDir flushes a directory's entries (the renames in it) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// store is a fetch directory being written.
type store struct {
	dir string
	m   Manifest

	seg     *os.File     // the open segment's temporary file, nil when none
	gz      *gzip.Writer // compressing into seg
	segN    int          // events in the open segment
	pending Manifest     // the checkpoint to write when the open segment is committed

	// beforeRename and afterRename, when set (tests), run before a segment is renamed into place
	// and after it is, before the checkpoint: an error there stands for the process dying at that
	// point, and must be harmless.
	beforeRename, afterRename func() error
	// broken is set when a commit failed part-way: nothing more is committed, so that no
	// checkpoint can count pages whose segment was not written.
	broken bool
}

// openStore prepares dir for the fetch m describes: it creates it, or resumes the fetch its
// checkpoint records (which must be of the same org and range), removing temporary files and
// segments beyond the checkpoint. A directory with other files and no checkpoint is refused.
func openStore(dir string, m Manifest) (*store, bool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, err
	}
	old, err := ReadManifest(dir)
	if err != nil {
		return nil, false, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false, err
	}
	if old == nil {
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				return nil, false, fmt.Errorf("%s holds files but no fetch checkpoint (%s): give an empty or new --out", dir, ManifestName)
			}
		}
		s := &store{dir: dir, m: m}
		s.pending = s.m
		return s, false, s.checkpoint(s.m)
	}
	if old.Org != m.Org || !old.Since.Equal(m.Since) || !old.Until.Equal(m.Until) {
		return nil, false, &MismatchError{Dir: dir, Have: *old}
	}
	for _, e := range entries {
		name := e.Name()
		n, isSeg := segmentNumber(name)
		if strings.HasSuffix(name, tmpSuffix) || isSeg && n > old.Segments {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, false, err
			}
		}
	}
	s := &store{dir: dir, m: *old}
	s.pending = s.m
	return s, true, nil
}

// MismatchError is a directory holding a fetch of another org or range.
type MismatchError struct {
	Dir  string
	Have Manifest
}

// Error names what the directory holds.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s holds a fetch of %s for [%s, %s): give the same --org, --since and --until to continue it, or another --out",
		e.Dir, e.Have.Org, e.Have.Since.Format(time.RFC3339), e.Have.Until.Format(time.RFC3339))
}

// segmentNumber parses a segment file name.
func segmentNumber(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "systemlog-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".ndjson.gz")
	if !ok || len(s) < 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// write appends one page's events (each a complete JSON line) to the open segment, opening one
// when none is, and records next as where to continue after them.
func (s *store) write(lines []byte, events int, next string, upd func(*Manifest)) error {
	if s.seg == nil && events > 0 {
		name := filepath.Join(s.dir, "."+SegmentName(s.m.Segments+1)+tmpSuffix)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		s.seg, s.gz, s.segN = f, gzip.NewWriter(f), 0
	}
	if events > 0 {
		if _, err := s.gz.Write(lines); err != nil {
			return err
		}
		s.segN += events
	}
	s.pending.Next = next
	upd(&s.pending)
	return nil
}

// commit closes the open segment, renames it into place, then writes the checkpoint that counts
// it: a crash between the two renames leaves a segment the checkpoint does not count, which the
// next run deletes and fetches again. With no open segment it writes the checkpoint alone.
func (s *store) commit(now time.Time) error {
	if s.broken {
		return errors.New("an earlier commit failed")
	}
	err := s.commitOnce(now)
	if err != nil {
		s.broken = true
	}
	return err
}

// commitOnce is commit without the broken guard.
func (s *store) commitOnce(now time.Time) error {
	m := s.pending
	if s.seg != nil {
		if err := s.gz.Close(); err != nil {
			return err
		}
		if err := s.seg.Sync(); err != nil {
			return err
		}
		tmp := s.seg.Name()
		if err := s.seg.Close(); err != nil {
			return err
		}
		s.seg, s.gz = nil, nil
		m.Segments = s.m.Segments + 1
		if s.beforeRename != nil {
			if err := s.beforeRename(); err != nil {
				return err
			}
		}
		if err := os.Rename(tmp, filepath.Join(s.dir, SegmentName(m.Segments))); err != nil {
			return err
		}
		if err := syncDir(s.dir); err != nil {
			return err
		}
		if s.afterRename != nil {
			if err := s.afterRename(); err != nil {
				return err
			}
		}
	}
	m.Updated = now.UTC()
	if err := s.checkpoint(m); err != nil {
		return err
	}
	s.m, s.pending = m, m
	return nil
}

// checkpoint writes m atomically.
func (s *store) checkpoint(m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(s.dir, ManifestName), append(b, '\n'))
}
