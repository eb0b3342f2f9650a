package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// WriteDir writes summary.json, summary.md, minutes.csv and report.html into dir (created if needed),
// and, when opt.Request is set, the evidence pack request.md and request.csv (see BuildRequest); then
// unless opt.Request.ShowClients every file is written from Anonymize(res), so no caller address, user
// agent or raw log line is in the directory. The files are rendered concurrently (they only read res), each into a temporary file; only when all
// are complete are they renamed into place, report.html last, so an interrupted or failed run never
// leaves a half-written file.
func WriteDir(dir string, res *Result, opt HTMLOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	type file struct {
		name  string
		write func(*os.File) error
	}
	var files []file
	if opt.Request != nil {
		if !opt.Request.ShowClients {
			res = Anonymize(res)
		}
		rq := BuildRequest(res, *opt.Request)
		files = append(files,
			file{"request.md", func(f *os.File) error { return WriteRequestMarkdown(f, rq) }},
			file{"request.csv", func(f *os.File) error { return WriteRequestCSV(f, rq) }})
	}
	files = append(files,
		file{"summary.json", func(f *os.File) error { return WriteSummary(f, res) }},
		file{"summary.md", func(f *os.File) error { return WriteMarkdown(f, res) }},
		file{"minutes.csv", func(f *os.File) error { return WriteMinutesCSV(f, res) }},
		file{"report.html", func(f *os.File) error { return RenderHTML(f, res, opt) }})
	tmps := make([]string, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tmps[i], errs[i] = writeTemp(filepath.Join(dir, f.name), f.write)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, t := range tmps {
			if t != "" {
				os.Remove(t)
			}
		}
		return err
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.name)); err != nil {
			for _, t := range tmps[i:] {
				os.Remove(t)
			}
			return fmt.Errorf("write %s: %w", filepath.Join(dir, f.name), err)
		}
	}
	return nil
}

// writeTemp writes a file beside path under a temporary name and returns that name; on error nothing
// is left behind.
func writeTemp(path string, write func(*os.File) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return tmp, nil
}
