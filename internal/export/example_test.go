package export_test

import (
	"fmt"
	"os"
	"time"

	"github.com/openworkbench/workbench/internal/export"
)

// Rows come from database/sql (*sql.Rows) in the server; any Rows will do.
func ExampleWrite() {
	cols := []export.Column{{Name: "person_id", Type: "BIGINT"}, {Name: "name", Type: "VARCHAR"}, {Name: "start", Type: "DATE"}}
	r := &rows{data: [][]any{
		{int64(1), "Fracture, wrist", time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)},
		{int64(2), nil, nil},
	}}
	n, err := export.Write(os.Stdout, export.JSON, cols, r, export.Options{})
	fmt.Println(n, err)
	// Output:
	// [
	// {"person_id":1,"name":"Fracture, wrist","start":"2020-02-29"},
	// {"person_id":2,"name":null,"start":null}
	// ]
	// 2 <nil>
}
