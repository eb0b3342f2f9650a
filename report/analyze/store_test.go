package analyze

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// TestStoreReanalysis checks that a store analysed again for another catalog, tier and threshold
// gives exactly what a fresh run over the logs gives, and that it guards foreign files.
func TestStoreReanalysis(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.log")
	var sb strings.Builder
	for i := range 3000 {
		target := []string{"/api/v1/users/jane%40example.com", "/oauth2/default/v1/token", "/oauth2/v1/authorize", "/login/login.htm", "/api/v1/orgs"}[i%5]
		sec := i % 60
		min := 10 + i/600
		sb.WriteString("10.0.0.1 - - [14/Oct/2026:08:")
		sb.WriteString(two(min) + ":" + two(sec))
		sb.WriteString(" +0000] \"GET " + target + " HTTP/1.1\" 200 1 \"-\" \"ua\"\n")
	}
	sb.WriteString("garbage\n")
	if err := os.WriteFile(logPath, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	seed := classify.Seed()
	okta, err := classify.Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "m.duckdb")
	ctx := context.Background()
	first, err := Files(ctx, []string{logPath}, Options{Catalog: seed, Tier: classify.Enterprise, WarnPercent: 60, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := Files(ctx, []string{logPath}, Options{Catalog: seed, Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, direct) {
		t.Errorf("analysis while writing the store differs from a plain run")
	}
	for _, opt := range []Options{
		{Catalog: seed, Tier: classify.Enterprise, WarnPercent: 60},
		{Catalog: okta, Tier: classify.DeveloperFree, WarnPercent: 90},
		{Catalog: seed, Tier: classify.Workforce, WarnPercent: 30},
	} {
		again, err := Store(ctx, db, opt)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Files(ctx, []string{logPath}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, fresh) {
			t.Errorf("%s/%s: store analysis differs from a fresh run:\nstore: %+v\nfresh: %+v", opt.Catalog.Name, opt.Tier, again.Buckets, fresh.Buckets)
		}
	}

	// A store of another format version is refused with a message to ingest again.
	old, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`UPDATE ratecard_meta SET value = 'ratecard-store-1' WHERE key = 'version'`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	if _, err := Store(ctx, db, Options{Catalog: seed}); err == nil || !strings.Contains(err.Error(), "another version of ratecard") ||
		!strings.Contains(err.Error(), "with the log files again") {
		t.Errorf("Store on a version-1 store: %v", err)
	}

	// A file that is not a DuckDB database is neither read as a store nor replaced.
	foreign := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(foreign, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Store(ctx, foreign, Options{Catalog: seed}); !errors.Is(err, ErrNotStore) {
		t.Errorf("Store on a text file: %v, want ErrNotStore", err)
	}
	if _, err := Files(ctx, []string{logPath}, Options{Catalog: seed, WarnPercent: 60, DB: foreign}); !errors.Is(err, ErrNotStore) {
		t.Errorf("Files --db onto a text file: %v, want ErrNotStore", err)
	}
	if b, _ := os.ReadFile(foreign); string(b) != "precious" {
		t.Errorf("the text file was overwritten")
	}
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
