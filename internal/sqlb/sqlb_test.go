package sqlb

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
