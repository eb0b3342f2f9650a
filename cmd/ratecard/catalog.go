package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

// catalogFlags are the flags that choose the limits: a built-in catalog and an org's overrides.
type catalogFlags struct{ name, limits *string }

// addCatalogFlags defines --catalog and --limits on fs.
func addCatalogFlags(fs *flag.FlagSet) catalogFlags {
	return catalogFlags{
		name:   fs.String("catalog", classify.DefaultCatalog, "rate-limit catalog: "+strings.Join(classify.Catalogs(), ", ")),
		limits: fs.String("limits", "", "YAML file of the org's own limits and multipliers (see README: Limits files), or 'learned' (analyze, request): the limits Okta announced in the input's X-Rate-Limit-Limit headers or System Log events"),
	}
}

// learned reports whether --limits asks for the limits Okta announced in the input ("learned"; a
// file of that name is ./learned).
func (c catalogFlags) learned() bool { return *c.limits == "learned" }

// load returns the chosen catalog with the limits file applied (none for "learned", whose limits
// come from the input later). An unknown catalog is a usage error; a limits file that cannot be read
// or is invalid is a data error naming the file and line.
func (c catalogFlags) load() (*classify.Catalog, error) {
	if !slices.Contains(classify.Catalogs(), *c.name) {
		return nil, unknownValue("--catalog", *c.name, classify.Catalogs())
	}
	cat, err := classify.Load(*c.name)
	if err != nil {
		return nil, err
	}
	if *c.limits == "" || c.learned() {
		return cat, nil // learned limits come from the input, after a first analysis
	}
	f, err := os.Open(*c.limits)
	if err != nil {
		return nil, fmt.Errorf("--limits: %w", err)
	}
	defer f.Close()
	ov, err := classify.ParseOverrides(*c.limits, f)
	if err != nil {
		return nil, err
	}
	return cat.WithOverrides(ov)
}
