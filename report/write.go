package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteDir writes summary.json, summary.md, minutes.csv and report.html into dir (created if needed).
// Each file is written to a temporary name and renamed into place, so an interrupted run never leaves a
// half-written file; report.html comes last.
func WriteDir(dir string, res *Result, opt HTMLOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	files := []struct {
		name  string
		write func(*os.File) error
	}{
		{"summary.json", func(f *os.File) error { return WriteSummary(f, res) }},
		{"summary.md", func(f *os.File) error { return WriteMarkdown(f, res) }},
		{"minutes.csv", func(f *os.File) error { return WriteMinutesCSV(f, res) }},
		{"report.html", func(f *os.File) error { return RenderHTML(f, res, opt) }},
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
