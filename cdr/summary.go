package cdr

import (
	"context"
	"fmt"
)

// DomainCount is how many indexed events of a domain there are, and how
// many persons they belong to.
type DomainCount struct {
	Domain  string `json:"domain"`
	Events  int64  `json:"events"`
	Persons int64  `json:"persons"`
}

// DomainCounts summarizes the index by domain, standard concept rows only,
// largest first. The CDR must be indexed.
func (c *CDR) DomainCounts(ctx context.Context) ([]DomainCount, error) {
	if c.index == nil {
		return nil, fmt.Errorf("cdr: %s is not indexed (run 'workbench cdr index')", c.dir)
	}
	rows, err := c.db.QueryContext(ctx, `SELECT domain, count(*) AS events, count(DISTINCT person_id) AS persons
FROM search_events WHERE is_standard GROUP BY domain ORDER BY events DESC, domain`)
	if err != nil {
		return nil, fmt.Errorf("cdr: domain counts: %w", cleanError(err))
	}
	defer rows.Close()
	var out []DomainCount
	for rows.Next() {
		var d DomainCount
		if err := rows.Scan(&d.Domain, &d.Events, &d.Persons); err != nil {
			return nil, fmt.Errorf("cdr: domain counts: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cdr: domain counts: %w", cleanError(err))
	}
	return out, nil
}
