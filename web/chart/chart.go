// Package chart draws the bar charts of the web pages as SVG, in pure Go:
// a chart is text (an <svg> element with a title, one labelled bar per
// value and the value written at the end of its bar), so it reads without
// colour, scales to a phone's width through its viewBox, and needs no
// script. [Bars] is the one chart; pages pair it with a table of the same
// values.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one bar: a label, the value that sets its length and the text
// written beside it (the released number as shown, such as "<= 20").
type Bar struct {
	Label string
	Value float64
	Text  string
}

// Geometry of a chart, in the units of its viewBox.
const (
	width      = 480
	labelWidth = 190
	textWidth  = 64
	rowHeight  = 26
	barHeight  = 18
	pad        = 4
)

// Bars returns a horizontal bar chart of bars titled title, with id as the
// id of its title element (ids must be unique on a page). The bars are
// drawn in the order given; a bar of value 0 has no length, only its text.
// Labels longer than fit are cut with an ellipsis, the full label staying
// in the bar's own <title>.
func Bars(id, title string, bars []Bar) template.HTML {
	var most float64
	for _, b := range bars {
		most = max(most, b.Value)
	}
	h := len(bars)*rowHeight + 2*pad
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s">`, width, h, esc(id))
	fmt.Fprintf(&s, `<title id="%s">%s</title>`, esc(id), esc(title))
	span := float64(width - labelWidth - textWidth)
	for i, b := range bars {
		y := pad + i*rowHeight
		w := 0.0
		if most > 0 {
			w = b.Value / most * span
		}
		fmt.Fprintf(&s, `<g class="bar"><title>%s: %s</title>`, esc(b.Label), esc(b.Text))
		fmt.Fprintf(&s, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight-4, esc(cut(b.Label, 20)))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d"/>`, labelWidth, y, w, barHeight)
		fmt.Fprintf(&s, `<text class="value" x="%.1f" y="%d">%s</text>`, float64(labelWidth)+w+6, y+barHeight-4, esc(b.Text))
		s.WriteString(`</g>`)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func esc(s string) string { return html.EscapeString(s) }

// cut shortens s to n runes, ending it with an ellipsis when cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
