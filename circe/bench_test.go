package circe_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/circe"
)

var (
	benchCDR   = flag.String("bench.cdr", "", "CDR folder of BenchmarkPhenotype (skipped when empty)")
	benchRemap = flag.Bool("bench.remap", false, "map concept ids absent from the CDR's vocabulary onto its own concepts of the same domain")
)

// remap replaces, in each concept set of the expression, every concept id
// that the CDR's concept table lacks with one of the CDR's standard
// concepts of the same domain: the i-th such id of a domain becomes the
// domain's i-th concept by id (cycling). A synthetic CDR has invented
// concept ids, so without this the Phenotype Library's concept sets are
// empty there and the cohort does no work.
func remap(tb testing.TB, db *sql.DB, data []byte) []byte {
	ctx := context.Background()
	var doc map[string]any
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	require.NoError(tb, d.Decode(&doc))
	pool := map[string][]int64{}
	next := map[string]int{}
	seen := map[string]int64{}
	sets, _ := doc["ConceptSets"].([]any)
	for _, cs := range sets {
		expr, _ := cs.(map[string]any)["expression"].(map[string]any)
		items, _ := expr["items"].([]any)
		for _, it := range items {
			concept := it.(map[string]any)["concept"].(map[string]any)
			id, err := concept["CONCEPT_ID"].(json.Number).Int64()
			require.NoError(tb, err)
			var found int
			require.NoError(tb, db.QueryRowContext(ctx, "SELECT count(*) FROM concept WHERE concept_id = ?", id).Scan(&found))
			if found > 0 {
				continue
			}
			domain, _ := concept["DOMAIN_ID"].(string)
			key := domain + "/" + concept["CONCEPT_ID"].(json.Number).String()
			if to, ok := seen[key]; ok {
				concept["CONCEPT_ID"] = json.Number(strconv.FormatInt(to, 10))
				continue
			}
			if _, ok := pool[domain]; !ok {
				rows, err := db.QueryContext(ctx, "SELECT concept_id FROM concept WHERE domain_id = ? AND standard_concept = 'S' ORDER BY concept_id", domain)
				require.NoError(tb, err)
				for rows.Next() {
					var c int64
					require.NoError(tb, rows.Scan(&c))
					pool[domain] = append(pool[domain], c)
				}
				require.NoError(tb, rows.Err())
				rows.Close()
			}
			if len(pool[domain]) == 0 {
				continue
			}
			to := pool[domain][next[domain]%len(pool[domain])]
			next[domain]++
			seen[key] = to
			concept["CONCEPT_ID"] = json.Number(strconv.FormatInt(to, 10))
		}
	}
	out, err := json.Marshal(doc)
	require.NoError(tb, err)
	return out
}

// BenchmarkPhenotype counts the four Phenotype Library definitions of
// testdata/phenotype on the CDR of -bench.cdr, each compiled once; it
// reports the cohort's entries and persons beside the time.
func BenchmarkPhenotype(b *testing.B) {
	if *benchCDR == "" {
		b.Skip("set -bench.cdr to a CDR folder")
	}
	ctx := context.Background()
	c, err := cdr.Open(ctx, *benchCDR, cdr.Options{})
	require.NoError(b, err)
	defer c.Close()
	files, err := filepath.Glob("testdata/phenotype/*.json")
	require.NoError(b, err)
	for _, f := range files {
		b.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(b *testing.B) {
			data := readFile(b, f)
			if *benchRemap {
				data = remap(b, c.DB(), data)
			}
			e, err := circe.Parse(data)
			require.NoError(b, err)
			p, err := circe.Compile(e)
			require.NoError(b, err)
			var n circe.Counts
			for b.Loop() {
				n, err = circe.Count(ctx, c.DB(), p)
				require.NoError(b, err)
			}
			b.ReportMetric(float64(n.Entries), "entries")
			b.ReportMetric(float64(n.Subjects), "persons")
		})
	}
}
