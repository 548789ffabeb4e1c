package cohort

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
)

// MaxReviewSize is the most participants a cohort review holds.
const MaxReviewSize = 10000

// ReviewSample draws the participants of a cohort review: a random sample
// of at most size persons of the cohort, in ascending person id. The
// order is md5 of the person id and the seed, so the same definition, seed
// and CDR always give the same sample, whichever DuckDB version computes
// it, and a new seed gives an independent one.
func (e *Engine) ReviewSample(ctx context.Context, def *Definition, seed int64, size int) ([]int64, error) {
	if size < 1 || size > MaxReviewSize {
		return nil, invalidf("review sample: size %d: want 1 to %d", size, MaxReviewSize)
	}
	params := strconv.FormatInt(seed, 10) + "\x00" + strconv.Itoa(size)
	ids, err := run(ctx, e, def, "review sample", params, func(q Query) ([]int64, error) {
		stmt := "SELECT person_id FROM (SELECT person_id FROM (\n" + q.SQL +
			"\n) ORDER BY md5(CAST(person_id AS VARCHAR) || ':' || ?::VARCHAR), person_id LIMIT ?::BIGINT) ORDER BY person_id"
		args := append(slices.Clip(q.Args), strconv.FormatInt(seed, 10), int64(size))
		ids := []int64{}
		err := e.query(ctx, "review sample", stmt, args, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		return ids, err
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(ids), nil
}
