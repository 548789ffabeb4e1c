package app_test

import (
	"fmt"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/export"
)

// A download is named after its dataset and domain, the domain in lower
// case as a file's name usually is.
func ExampleExportName() {
	fmt.Println(app.ExportName("d_1", cohort.DomainCondition, export.CSV))
	fmt.Println(app.ExportName("d_1", cohort.DomainPerson, export.Arrow))
	// Output:
	// d_1-condition.csv
	// d_1-person.arrows
}
