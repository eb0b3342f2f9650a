package analyze

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ratecard/ratecard/ingest"
)

// openParquet opens an Apache Parquet file of requests, one request a row, which package ingest does
// not read itself (ingest.ErrParquet). DuckDB reads the rows and writes each as one JSON object
// (nested columns as nested objects, timestamps as "2006-01-02 15:04:05") into a pipe, which ingest
// reads as JSON lines: with opt.Fields (--field time=ts --field path=request.uri) as the json format,
// else as whatever JSON-lines format the objects look like. So a row is a line, parsed, classified and
// counted as a JSON line is. opt.Progress gets the file's size once DuckDB has read it.
//
// The returned closer stops the reading when the part is closed early.
func openParquet(path string, opt ingest.Options) (*ingest.Reader, io.Closer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	d, err := openDuckDB("")
	if err != nil {
		return nil, nil, err
	}
	pr, pw := io.Pipe()
	progress := opt.Progress
	go func() {
		defer d.close()
		q := "SELECT to_json(t)::VARCHAR FROM read_parquet('" + strings.ReplaceAll(path, "'", "''") + "') t"
		err := d.queryArrow(context.Background(), q, func(rec arrow.RecordBatch) error {
			col, ok := rec.Column(0).(*array.String)
			if !ok {
				return fmt.Errorf("unexpected column type %s", rec.Schema())
			}
			var buf []byte
			for i := range int(rec.NumRows()) {
				buf = append(append(buf[:0], col.Value(i)...), '\n')
				if _, err := pw.Write(buf); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil && progress != nil {
			progress.Add(st.Size())
		}
		if err != nil {
			err = fmt.Errorf("read Parquet through DuckDB: %w", err)
		}
		pw.CloseWithError(err)
	}()
	opt.Progress = nil // the pipe's bytes are not the file's
	if opt.Fields != nil && opt.Format == "" {
		opt.Format = "json"
	}
	r, err := ingest.NewReader(pr, path, opt)
	if err != nil {
		pr.CloseWithError(err)
		return nil, nil, err
	}
	return r, pr, nil
}
