package notebook

import (
	"fmt"
	"strings"

	"github.com/openworkbench/workbench"
)

// StarterNotebook is a Python notebook that pulls the dataset into pandas
// with DatasetCode and shows the first rows of each domain.
func StarterNotebook(d workbench.Dataset) (*Notebook, error) {
	code, err := DatasetCode(Python, d)
	if err != nil {
		return nil, err
	}
	// Markdown is display text: a name's line breaks would only break the
	// heading, so they become spaces.
	title := strings.Join(strings.Fields(d.Name), " ")
	intro := fmt.Sprintf("# Dataset: %s\n\nThe first cell pulls every domain of the dataset into a pandas data frame "+
		"over the workbench's API, as `frames[domain]`. It reads `WORKBENCH_URL`, `WORKBENCH_TOKEN` and "+
		"`WORKBENCH_WORKSPACE`, which `workbench notebook` sets.", title)
	return Python3(
		Cell{Type: Markdown, Source: intro},
		Cell{Type: Code, Source: strings.TrimRight(code, "\n")},
		Cell{Type: Code, Source: "for domain, frame in frames.items():\n    display(frame.head())"},
	), nil
}
