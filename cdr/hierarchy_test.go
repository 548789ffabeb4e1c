package cdr

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSourceHierarchy runs sourceClosureSQL over small vocabularies: the
// parents that relationships give, the ICD9CM and ICD10CM code prefixes
// where they give none, and what neither rule relates.
func TestSourceHierarchy(t *testing.T) {
	type concept struct{ vocab, code, std string }
	type relation struct {
		child, parent string // codes of the case's concepts
		rel           string // "Is a" (child to parent) or "Subsumes" (parent to child)
		invalid       bool
	}
	icd10cm := func(codes ...string) []concept {
		var out []concept
		for _, c := range codes {
			out = append(out, concept{"ICD10CM", c, ""})
		}
		return out
	}
	cases := []struct {
		name     string
		concepts []concept
		rels     []relation
		want     []string // "ancestor > descendant levels", by code
	}{
		{
			name:     "a dotted code's parent is its category",
			concepts: icd10cm("K92", "K92.1", "K92.2"),
			want:     []string{"K92 > K92.1 1", "K92 > K92.2 1"},
		},
		{
			name:     "the longest shorter code present",
			concepts: icd10cm("S72", "S72.0", "S72.00", "S72.001", "S72.001A", "E11", "E11.65"),
			want: []string{
				"E11 > E11.65 1",
				"S72 > S72.0 1", "S72 > S72.00 2", "S72 > S72.001 3", "S72 > S72.001A 4",
				"S72.0 > S72.00 1", "S72.0 > S72.001 2", "S72.0 > S72.001A 3",
				"S72.00 > S72.001 1", "S72.00 > S72.001A 2",
				"S72.001 > S72.001A 1",
			},
		},
		{
			name:     "a placeholder X that is no code is skipped",
			concepts: icd10cm("T36.0", "T36.0X1", "T36.0X1A"),
			want:     []string{"T36.0 > T36.0X1 1", "T36.0 > T36.0X1A 2", "T36.0X1 > T36.0X1A 1"},
		},
		{
			name: "ICD9CM",
			concepts: []concept{
				{"ICD9CM", "250", ""}, {"ICD9CM", "250.0", ""}, {"ICD9CM", "250.01", ""},
				{"ICD9CM", "E812", ""}, {"ICD9CM", "E812.0", ""}, {"ICD9CM", "V45", ""}, {"ICD9CM", "V45.81", ""},
			},
			want: []string{"250 > 250.0 1", "250 > 250.01 2", "250.0 > 250.01 1", "E812 > E812.0 1", "V45 > V45.81 1"},
		},
		{
			name: "prefixes only within ICD9CM and ICD10CM, each apart",
			concepts: []concept{
				{"ICD10", "K92", ""}, {"ICD10CM", "K92.2", ""}, {"ICD9CM", "250", ""}, {"ICD10CM", "250.0", ""},
				{"ICD10PCS", "0DB", ""}, {"ICD10PCS", "0DB6", ""}, {"SNOMED", "1234", "S"}, {"SNOMED", "12345", "S"},
			},
		},
		{
			name:     "a relationship parent comes before the prefix",
			concepts: icd10cm("X01", "X01.1", "Y02", "Y02.9"),
			rels:     []relation{{child: "X01.1", parent: "Y02", rel: "Is a"}},
			want:     []string{"Y02 > X01.1 1", "Y02 > Y02.9 1"},
		},
		{
			name: "relationships in any vocabulary of source concepts, both ways",
			concepts: []concept{
				{"ICD10", "K92", ""}, {"ICD10", "K92.2", ""}, {"OPCS4", "A01", ""}, {"OPCS4", "A01.1", ""}, {"OPCS4", "A01.11", ""},
			},
			rels: []relation{
				{child: "K92.2", parent: "K92", rel: "Subsumes"},
				{child: "A01.1", parent: "A01", rel: "Is a"}, {child: "A01.1", parent: "A01", rel: "Subsumes"},
				{child: "A01.11", parent: "A01.1", rel: "Is a"},
			},
			want: []string{"A01 > A01.1 1", "A01 > A01.11 2", "A01.1 > A01.11 1", "K92 > K92.2 1"},
		},
		{
			name: "relationships left out",
			concepts: []concept{
				{"Read", "G30", ""}, {"Read", "G30z", ""}, {"SNOMED", "22298006", "S"}, {"SNOMED", "57054005", "S"},
				{"ICD10", "I21", ""}, {"ATC", "C09", "C"}, {"ATC", "C09A", "C"}, {"Read", "G31", ""},
			},
			rels: []relation{
				{child: "G30z", parent: "G30", rel: "Is a", invalid: true},
				{child: "57054005", parent: "22298006", rel: "Is a"}, // standard: concept_ancestor's
				{child: "C09A", parent: "C09", rel: "Is a"},          // classification: concept_ancestor's
				{child: "G30", parent: "22298006", rel: "Is a"},      // to a standard concept
				{child: "G30", parent: "I21", rel: "Is a"},           // across vocabularies
				{child: "G31", parent: "G30", rel: "Maps to"},
			},
		},
		{
			name:     "a cycle ends",
			concepts: []concept{{"Read", "A", ""}, {"Read", "B", ""}},
			rels:     []relation{{child: "A", parent: "B", rel: "Is a"}, {child: "B", parent: "A", rel: "Is a"}},
			want:     []string{"A > B 1", "B > A 1"},
		},
	}
	ctx := context.Background()
	db, err := openDB(Options{})
	require.NoError(t, err)
	defer db.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			for _, stmt := range []string{
				"CREATE OR REPLACE TEMP TABLE concept (concept_id BIGINT, vocabulary_id VARCHAR, concept_code VARCHAR, standard_concept VARCHAR)",
				"CREATE OR REPLACE TEMP TABLE concept_relationship (concept_id_1 BIGINT, concept_id_2 BIGINT, relationship_id VARCHAR, invalid_reason VARCHAR)",
			} {
				_, err := conn.ExecContext(ctx, stmt)
				require.NoError(t, err)
			}
			ids := map[string]int64{}
			codes := map[int64]string{}
			for i, c := range tc.concepts {
				id := int64(i + 1)
				ids[c.code], codes[id] = id, c.code
				var std any
				if c.std != "" {
					std = c.std
				}
				_, err := conn.ExecContext(ctx, "INSERT INTO concept VALUES (?, ?, ?, ?)", id, c.vocab, c.code, std)
				require.NoError(t, err)
			}
			for _, r := range tc.rels {
				a, b := ids[r.child], ids[r.parent]
				if r.rel == "Subsumes" {
					a, b = b, a
				}
				var invalid any
				if r.invalid {
					invalid = "D"
				}
				_, err := conn.ExecContext(ctx, "INSERT INTO concept_relationship VALUES (?, ?, ?, ?)", a, b, r.rel, invalid)
				require.NoError(t, err)
			}
			rows, err := conn.QueryContext(ctx, sourceClosureSQL+" ORDER BY 1, 2")
			require.NoError(t, err)
			defer rows.Close()
			var got []string
			for rows.Next() {
				var a, d, levels int64
				require.NoError(t, rows.Scan(&a, &d, &levels))
				got = append(got, fmt.Sprintf("%s > %s %d", codes[a], codes[d], levels))
			}
			require.NoError(t, rows.Err())
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

// TestIndexSourceHierarchyGiBleed: in GiBleed's vocabulary ICD10CM K92
// (1569708) subsumes K92.2 (35208414), the source code of 479 persons'
// conditions; concept_ancestor has neither.
func TestIndexSourceHierarchyGiBleed(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, indexedGiBleed(t), Options{})
	require.NoError(t, err)
	defer c.Close()
	var levels, rollup, persons int64
	require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT min_levels FROM concept_closure WHERE ancestor_id = 1569708 AND descendant_id = 35208414").Scan(&levels))
	assert.Equal(t, int64(1), levels)
	require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT rollup_person_count FROM concept_counts WHERE concept_id = 1569708").Scan(&rollup))
	assert.Equal(t, int64(479), rollup)
	require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT count(*) FROM concept_person WHERE concept_id = 1569708 AND rolled AND NOT is_standard").Scan(&persons))
	assert.Equal(t, int64(479), persons)
}
