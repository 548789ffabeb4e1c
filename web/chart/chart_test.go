package chart_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/web/chart"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestBars(t *testing.T) {
	for _, tc := range []struct {
		name, title string
		bars        []chart.Bar
	}{
		{"sex", "Participants by sex at birth", []chart.Bar{{"Female", 540, "540"}, {"Male", 460, "460"}, {"Other", 20, "<= 20"}}},
		{"zero", "Nothing released", []chart.Bar{{"0-17", 0, "0"}, {"18-44", 0, "0"}}},
		{"escaped", `A <b>"title"</b> & more`, []chart.Bar{{"A label far too long to fit beside its bar & <tag>", 40, "40"}}},
		{"race", "Participants by race", []chart.Bar{
			{"American Indian or Alaska Native", 20, "<= 20"}, {"Asian", 80, "80"}, {"Black or African American", 220, "220"},
			{"Native Hawaiian or Other Pacific Islander", 20, "<= 20"}, {"White", 1000, "1000"},
		}},
		{"cut", "Labels beyond three lines", []chart.Bar{
			{"Pneumonoultramicroscopicsilicovolcanoconiosis", 10, "<= 20"},
			{"One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen", 30, "40"},
		}},
		{"empty", "No bars", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(chart.Bars("chart-"+tc.name, tc.title, tc.bars)) + "\n"
			path := filepath.Join("testdata", tc.name+".svg")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), got)
		})
	}
}

func ExampleBars() {
	svg := chart.Bars("age", "Participants by age", []chart.Bar{{Label: "18-44", Value: 40, Text: "40"}})
	fmt.Println(svg)
	// Output:
	// <svg class="chart" viewBox="0 0 480 34" role="img" aria-labelledby="age"><title id="age">Participants by age</title><g class="bar"><title>18-44: 40</title><text class="label" x="182" y="18" text-anchor="end">18-44</text><rect x="190" y="4" width="226.0" height="18"/><text class="value" x="422.0" y="18">40</text></g></svg>
}
