package ingest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ExpandPaths replaces every directory among paths with the files under it, in name order
// (subdirectories included, depth first, as filepath.WalkDir visits them), leaving other paths
// and "-" as they are. Names starting with "." are skipped, files and directories alike: they
// are hidden files and the metadata "ratecard fetch" keeps beside its segments (its checkpoint,
// the org's rate-limit settings, temporary files). A directory that holds no file is kept as it
// is, and a path that cannot be stat'ed too, for the reader to report like any file that cannot
// be read; only an error walking a directory is returned.
func ExpandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if p == "-" || err != nil || !fi.IsDir() {
			out = append(out, p)
			continue
		}
		n := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if !d.Type().IsRegular() {
				if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
					return nil // a symlink to a directory, a socket, a broken link
				}
			}
			out = append(out, path)
			return nil
		})
		if err != nil {
			return nil, err // a *fs.PathError naming the entry
		}
		if len(out) == n {
			out = append(out, p)
		}
	}
	return out, nil
}
