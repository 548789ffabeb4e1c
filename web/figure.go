package web

import (
	"fmt"
	"html/template"
	"strconv"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/web/chart"
)

// figure is a chart and the table of its values, from released numbers:
// the partial "figure" draws both.
type figure struct {
	ID, Title string
	// Note says why there are no rows, when there are none.
	Note string
	Rows []row
}

// row is one labelled released number.
type row struct {
	Label string
	Count access.Released
}

// SVG is the figure's chart.
func (f figure) SVG() template.HTML {
	bars := make([]chart.Bar, len(f.Rows))
	for i, r := range f.Rows {
		bars[i] = chart.Bar{Label: r.Label, Value: float64(r.Count.Value()), Text: r.Count.String()}
	}
	return chart.Bars(f.ID+"-title", f.Title, bars)
}

// withheld is the note of a breakdown the release does not hold.
func withheld(m public.Manifest) string {
	return fmt.Sprintf("Not shown: breakdowns of fewer than %d participants are not released.", m.Disclosure.MinBreakdownTotal)
}

// breakdownFigure is the figure of a breakdown; b nil or without groups is
// a withheld one.
func breakdownFigure(id, title string, b *access.PublicBreakdown, m public.Manifest) figure {
	f := figure{ID: id, Title: title}
	if b == nil || len(b.Groups) == 0 {
		f.Note = withheld(m)
		return f
	}
	for _, g := range b.Groups {
		f.Rows = append(f.Rows, row{g.Label, g.Count})
	}
	return f
}

// histogramFigure is the figure of a measurement's value histogram.
func histogramFigure(id string, h public.Histogram, name string) figure {
	unit := h.Unit
	if unit == "" {
		unit = "no unit"
	}
	f := figure{ID: id, Title: fmt.Sprintf("%s (%s), %s: participants by value", name, unit, h.SexAtBirth)}
	for _, b := range h.Bins {
		f.Rows = append(f.Rows, row{binLabel(b), b.Count})
	}
	return f
}

func binLabel(b public.Bin) string {
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	switch {
	case b.Low == nil && b.High != nil:
		return "under " + num(*b.High)
	case b.High == nil && b.Low != nil:
		return num(*b.Low) + " and over"
	case b.Low != nil && b.High != nil:
		return num(*b.Low) + " to " + num(*b.High)
	}
	return "any value"
}
