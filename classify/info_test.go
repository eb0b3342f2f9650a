package classify

import (
	"strings"
	"testing"
)

func TestInfo(t *testing.T) {
	for _, name := range Catalogs() {
		info, ok := Info(name)
		if !ok || info.Name != name || info.Provenance == "" || info.Edition == "" || info.EditionDetail == "" || len(info.Sources) == 0 {
			t.Errorf("built-in catalog %s has no description: %+v", name, info)
		}
		for _, s := range info.Sources {
			if !strings.HasPrefix(s.URL, "https://") || s.Title == "" {
				t.Errorf("%s: source %+v is not a public page", name, s)
			}
		}
		if o := Other(name); o == "" || o == name {
			t.Errorf("Other(%s) = %q", name, o)
		}
	}
	for _, tt := range []struct{ name, short, other string }{
		{"seed", "seed (the tables ratecard started from, an earlier edition of Okta's published limits)", "okta-2025"},
		{"okta-2025", "okta-2025 (the last tables Okta published, 2025)", "seed"},
		{"seed+limits.yaml", "seed (the tables ratecard started from, an earlier edition of Okta's published limits; with the org's limits from limits.yaml)", "okta-2025"},
		{"okta-2025+learned", "okta-2025 (the last tables Okta published, 2025; with the limits Okta announced in the input (X-Rate-Limit-Limit headers, System Log rate-limit events))", "seed"},
	} {
		info, ok := Info(tt.name)
		if !ok || info.Short() != tt.short || Other(tt.name) != tt.other {
			t.Errorf("Info(%s) = %q, %v; Other = %q", tt.name, info.Short(), ok, Other(tt.name))
		}
		if !strings.HasPrefix(info.Describe(), info.Name+": "+info.Provenance) {
			t.Errorf("Describe(%s) = %q", tt.name, info.Describe())
		}
	}
	if _, ok := Info("mine.tsv"); ok || Other("mine.tsv") != "" {
		t.Error("a parsed catalog is described as a built-in one")
	}
	a, _ := Info("seed")
	a.Sources[0].Title = "changed"
	if b, _ := Info("seed"); b.Sources[0].Title == "changed" {
		t.Error("Info hands out the shared sources")
	}
}
