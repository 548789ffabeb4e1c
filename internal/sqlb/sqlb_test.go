package sqlb

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuilder(t *testing.T) {
	var b Builder
	assert.True(t, b.Empty())
	b.SQL("SELECT person_id FROM ").Table(`cdr "v8"`, "search_person").SQL(" WHERE ").Ident("age_at_ref").SQL(" >= ").Arg(int64(18), "BIGINT")
	assert.Equal(t, `SELECT person_id FROM "cdr ""v8"""."search_person" WHERE "age_at_ref" >= ?::BIGINT`, b.String())
	assert.Equal(t, []any{int64(18)}, b.Args())

	var outer Builder
	outer.SQL("WITH x AS (\n").AddIndented(new(Builder).SQL("SELECT 1\nWHERE ").Arg("a", "VARCHAR"), "  ").SQL("\n)\n")
	outer.AddQuery("SELECT ?::BIGINT", []any{int64(2)}).SQL(" UNION ALL ").Add(&b)
	assert.Equal(t, "WITH x AS (\n  SELECT 1\n  WHERE ?::VARCHAR\n)\nSELECT ?::BIGINT UNION ALL "+b.String(), outer.String())
	assert.Equal(t, []any{"a", int64(2), int64(18)}, outer.Args(), "arguments in the order of their placeholders")
	assert.Equal(t, `"t"`, new(Builder).Table("", "t").String(), "no schema: the connection's default")
}

func TestSpark(t *testing.T) {
	var b Builder
	b.SQL("SELECT person_id FROM ").Table("cdr`v8", "search_person").SQL(" WHERE age_at_ref >= ").Arg(int64(18), "BIGINT").
		SQL(" AND value_as_number < ").Arg(-6.5, "DOUBLE").SQL(" AND entry_date > ").Arg("2020-02-29", "DATE").
		SQL(" AND concept_id IN (SELECT explode(").Arg([]int64{3, -1}, "BIGINT[]").SQL("))")
	got, err := b.Spark()
	require.NoError(t, err)
	assert.Equal(t, "SELECT person_id FROM `cdr``v8`.`search_person` WHERE age_at_ref >= 18L AND value_as_number < (-6.5E+00D)"+
		" AND entry_date > DATE '2020-02-29' AND concept_id IN (SELECT explode(array(3L, (-1L))))", got)
	assert.Equal(t, `SELECT person_id FROM "cdr`+"`"+`v8"."search_person" WHERE age_at_ref >= ?::BIGINT AND value_as_number < ?::DOUBLE`+
		` AND entry_date > ?::DATE AND concept_id IN (SELECT explode(?::BIGINT[]))`, b.String(), "the same builder still renders for DuckDB")

	indented := new(Builder).SQL("WITH x AS (\n").AddIndented(new(Builder).SQL("SELECT 1\nWHERE ").Arg(true, "BOOLEAN"), "  ").SQL("\n)")
	got, err = indented.Spark()
	require.NoError(t, err)
	assert.Equal(t, "WITH x AS (\n  SELECT 1\n  WHERE TRUE\n)", got)

	spark, err := new(Builder).AddQuery("SELECT 1", nil).SQL(" LIMIT ").Arg(int64(5), "BIGINT").Spark()
	require.NoError(t, err)
	assert.Equal(t, "SELECT 1 LIMIT 5L", spark, "a query without arguments is Spark text already")
	_, err = new(Builder).AddQuery("SELECT ?::BIGINT", []any{int64(1)}).Spark()
	assert.ErrorContains(t, err, "placeholders")
}

// TestSparkLiteral checks that only typed values become literals, written
// from their value, and that strings are refused whatever they hold.
func TestSparkLiteral(t *testing.T) {
	for _, tt := range []struct {
		name string
		v    any
		typ  string
		want string
	}{
		{"int", int64(8532), "BIGINT", "8532L"},
		{"int as integer", int64(30), "INTEGER", "30"},
		{"negative integer", int64(-30), "INTEGER", "(-30)"},
		{"negative int", int64(-3), "BIGINT", "(-3L)"},
		{"empty list", []int64{}, "BIGINT[]", "CAST(array() AS ARRAY<BIGINT>)"},
		{"float", 0.1, "DOUBLE", "1E-01D"},
		{"large float", 1.5e300, "DOUBLE", "1.5E+300D"},
		{"negative zero", math.Copysign(0, -1), "DOUBLE", "(-0E+00D)"},
		{"date text", "0999-12-31", "DATE", "DATE '0999-12-31'"},
		{"date", time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC), "DATE", "DATE '2021-03-04'"},
		{"false", false, "BOOLEAN", "FALSE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SparkLiteral(tt.v, tt.typ)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, tt := range []struct {
		name string
		v    any
		typ  string
	}{
		{"string", "CONDITION", "VARCHAR"},
		{"string as a number", "1", "BIGINT"},
		{"injection as a date", "2020-01-01' OR '1'='1", "DATE"},
		{"day out of range", "2021-02-29", "DATE"},
		{"date with time", "2021-02-01T00:00:00Z", "DATE"},
		{"NaN", math.NaN(), "DOUBLE"},
		{"infinity", math.Inf(-1), "DOUBLE"},
		{"int32", int32(1), "BIGINT"},
		{"float as int", 1.0, "BIGINT"},
		{"unknown type", int64(1), "HUGEINT"},
		{"integer out of range", int64(1) << 31, "INTEGER"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SparkLiteral(tt.v, tt.typ)
			assert.ErrorContains(t, err, "sqlb: spark:")
		})
	}
}
