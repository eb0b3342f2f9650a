// Package reporttest reads and writes analysis results ([report.Result]) as JSON files, so that the
// tests of package report can render the Results the engine (package report/analyze) computes without
// running it: the engine's tests write the files from real analyses (go test -update) and check that
// they still match, and the writers' golden tests read them.
//
// The JSON is the Result's own fields, with each bucket given by its id in the Result's catalog, which
// must be a built-in one without overrides: Unmarshal takes the buckets from it, and checks that the
// limits the result judged against on every tier are the catalog's. The buckets of Result.Other are
// given by their ids in its (built-in) catalog.
package reporttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// resultFile is a Result with its buckets named by id.
type resultFile struct {
	report.Result
	Buckets []bucketFile // in place of Result.Buckets
	Other   *otherFile   // in place of Result.Other
}

// otherFile is a Result's OtherCatalog with its buckets named by id in that catalog.
type otherFile struct {
	report.OtherCatalog
	Buckets []otherBucketFile // in place of OtherCatalog.Buckets
}

// otherBucketFile is an OtherBucket with its bucket named by id.
type otherBucketFile struct {
	Bucket             string // in place of OtherBucket.Bucket
	report.OtherBucket        // every other field
}

// bucketFile is a BucketResult with its bucket named by id.
type bucketFile struct {
	Bucket              string // in place of BucketResult.Bucket
	report.BucketResult        // every other field
}

// Marshal returns res as indented JSON.
func Marshal(res *report.Result) ([]byte, error) {
	f := resultFile{Result: *res}
	f.Result.Buckets = nil
	for _, b := range res.Buckets {
		bf := bucketFile{Bucket: b.Bucket.ID, BucketResult: b}
		bf.BucketResult.Bucket = nil
		f.Buckets = append(f.Buckets, bf)
	}
	if o := res.Other; o != nil {
		f.Other = &otherFile{OtherCatalog: *o}
		f.Other.OtherCatalog.Buckets = nil
		for _, b := range o.Buckets {
			bf := otherBucketFile{Bucket: b.Bucket.ID, OtherBucket: b}
			bf.OtherBucket.Bucket = nil
			f.Other.Buckets = append(f.Other.Buckets, bf)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "\t")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Unmarshal reads a Result from the JSON Marshal wrote, taking each bucket from the built-in catalog
// the Result names.
func Unmarshal(data []byte) (*report.Result, error) {
	var f resultFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	cat, err := classify.Load(f.Catalog)
	if err != nil {
		return nil, err
	}
	res := f.Result
	for _, bf := range f.Buckets {
		bk, _, ok := cat.BucketByID(bf.Bucket)
		if !ok {
			return nil, fmt.Errorf("bucket %q is not in catalog %s", bf.Bucket, f.Catalog)
		}
		b := bf.BucketResult
		for _, t := range classify.Tiers {
			if lim := b.ByTier[t].Limit; lim != bk.Limit(t) {
				return nil, fmt.Errorf("bucket %s: limit %d on %s, but %d in catalog %s", bf.Bucket, lim, t, bk.Limit(t), f.Catalog)
			}
		}
		b.Bucket = bk
		res.Buckets = append(res.Buckets, b)
	}
	if f.Other != nil {
		oc, err := classify.Load(f.Other.Catalog)
		if err != nil {
			return nil, err
		}
		o := f.Other.OtherCatalog
		for _, bf := range f.Other.Buckets {
			bk, _, ok := oc.BucketByID(bf.Bucket)
			if !ok {
				return nil, fmt.Errorf("bucket %q is not in catalog %s", bf.Bucket, f.Other.Catalog)
			}
			b := bf.OtherBucket
			b.Bucket = bk
			o.Buckets = append(o.Buckets, b)
		}
		res.Other = &o
	}
	return &res, nil
}

// ReadFile reads a Result from the JSON file at path.
func ReadFile(path string) (*report.Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	res, err := Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
