package analyze

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// drillDownSQL makes hot_rows, the requests of the hot minutes.
//
//go:embed drilldown.sql
var drillDownSQL string

// drillDownTopSQL gives the top callers of each bucket's hot minutes.
//
//go:embed drilldown_top.sql
var drillDownTopSQL string

// principalsSQL gives each principal's busiest minute per bucket.
//
//go:embed principals.sql
var principalsSQL string

// drillDownTop is the number of callers listed per bucket.
const drillDownTop = 5

// drillDown finds who made the requests of each bucket's hot minutes (the table hot): the top client
// addresses, user agents, path templates and user-agent products (ingest.Product), largest first.
// Buckets without hot minutes get none.
// Client host names and user agents, raw input text, are masked with ingest.Redact.
func drillDown(ctx context.Context, d *duckDB, f *minuteFigures) error {
	if err := d.exec(ctx, drillDownSQL); err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	if err := agentProducts(ctx, d); err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	rows, err := d.conn.QueryContext(ctx, drillDownTopSQL, drillDownTop)
	if err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl, col uint8
		var id uint64
		var s report.Share
		if err := rows.Scan(&cl, &col, &id, &s.Name, &s.Count); err != nil {
			return fmt.Errorf("drill-down: %w", err)
		}
		b := f.buckets[cl]
		if b == nil {
			continue
		}
		switch col {
		case 0:
			if id&ipv4Flag != 0 {
				s.Name = ipv4Name(id)
			} else {
				s.Name = ingest.Redact(s.Name) // a host name as logged: raw input text
			}
			b.Clients = append(b.Clients, s)
		case 1:
			s.Name = ingest.Redact(s.Name) // user agents are raw input text: a login or token can hide there
			b.Agents = append(b.Agents, s)
		case 2:
			b.Paths = append(b.Paths, s)
		case 3:
			b.Products = append(b.Products, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	return nil
}

// productSchema is the layout of agent_products: each agent id's product id.
var productSchema = arrow.NewSchema([]arrow.Field{
	{Name: "agent", Type: arrow.PrimitiveTypes.Uint32},
	{Name: "product", Type: arrow.PrimitiveTypes.Uint32},
}, nil)

// agentProducts makes the tables agent_products (agent, product) and product_names (id, name) from
// agent_names: each user agent's product (ingest.Product) under a dense id, the agents not logged
// (id 0) and past the dictionaries' bound (1) under the products "" and "(other)".
func agentProducts(ctx context.Context, d *duckDB) error {
	rows, err := d.conn.QueryContext(ctx, `SELECT id, name FROM agent_names ORDER BY id`)
	if err != nil {
		return err
	}
	var agentIDs []uint32
	var agentNames []string
	for rows.Next() {
		var id uint32
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		agentIDs, agentNames = append(agentIDs, id), append(agentNames, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	productOf, productNames := agentProductIDs(agentIDs, agentNames)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), productSchema)
	defer b.Release()
	b.Field(0).(*array.Uint32Builder).AppendValues(agentIDs, nil)
	b.Field(1).(*array.Uint32Builder).AppendValues(productOf, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := d.createFromArrow(rec, `CREATE OR REPLACE TEMP TABLE agent_products AS SELECT agent, product FROM arrow_view`); err != nil {
		return fmt.Errorf("agent_products: %w", err)
	}
	nb := array.NewRecordBuilder(memory.NewGoAllocator(), namesSchema)
	defer nb.Release()
	for i, n := range productNames {
		nb.Field(0).(*array.Uint32Builder).Append(uint32(i))
		nb.Field(1).(*array.StringBuilder).Append(n)
	}
	nrec := nb.NewRecordBatch()
	defer nrec.Release()
	if err := d.createFromArrow(nrec, `CREATE OR REPLACE TEMP TABLE product_names AS SELECT id, name FROM arrow_view`); err != nil {
		return fmt.Errorf("product_names: %w", err)
	}
	return nil
}

// agentProductIDs gives each agent (ids[i], named names[i], in id order) its user-agent product's id
// (ingest.Product; the agents past the dictionaries' bound the product "(other)"), and the
// products' names by id: "" and "(other)" first, then the others as the agents first name them.
func agentProductIDs(ids []uint32, names []string) (productOf []uint32, productNames []string) {
	pids := map[string]uint32{"": idNone, "(other)": idOther}
	productNames = []string{"", "(other)"}
	productOf = make([]uint32, len(ids))
	for i, id := range ids {
		p := ingest.Product(names[i])
		if id == idOther {
			p = "(other)"
		}
		pid, ok := pids[p]
		if !ok {
			pid = uint32(len(productNames))
			pids[p] = pid
			productNames = append(productNames, p)
		}
		productOf[i] = pid
	}
	return productOf, productNames
}

// maxPrincipals bounds the principals listed per bucket, the most loaded first.
const maxPrincipals = 20

// principalPeaks finds each principal's busiest minute per bucket and judges it against the
// principal's share of the chosen tier's limit.
func principalPeaks(ctx context.Context, d *duckDB, p params, f *minuteFigures) error {
	rows, err := d.conn.QueryContext(ctx, principalsSQL)
	if err != nil {
		return fmt.Errorf("principal peaks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var pp report.PrincipalPeak
		var m int64
		if err := rows.Scan(&cl, &pp.Name, &pp.Peak, &m); err != nil {
			return fmt.Errorf("principal peaks: %w", err)
		}
		b := f.buckets[cl]
		if b == nil || len(b.Principals) >= maxPrincipals {
			continue
		}
		pp.Minute = time.Unix(m*60, 0).UTC()
		judgePrincipal(&pp, b, p)
		b.Principals = append(b.Principals, pp)
	}
	return rows.Err()
}

// judgePrincipal sets a principal's share, limit and verdicts, and its bucket's count in its busiest
// minute, from its name, peak and minute.
func judgePrincipal(pp *report.PrincipalPeak, b *report.BucketResult, p params) {
	pp.Share = p.principals.Share(pp.Name)
	lim := b.ByTier[p.tier].Limit
	pp.Limit = classify.PrincipalLimit(lim, pp.Share)
	pp.Over = lim != classify.NA && pp.Peak > int64(pp.Limit)
	pp.BucketCount = minuteCount(b.Minutes, pp.Minute)
	pp.BucketOver = lim != classify.NA && pp.BucketCount > int64(lim)
}
