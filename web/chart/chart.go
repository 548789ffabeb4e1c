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
	"strconv"
	"strings"
	"unicode/utf8"
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
	lineHeight = 17 // between the lines of a wrapped label
	pad        = 4
)

// A label's line holds lineRunes runes, which the label column fits at
// the pages' font size; a label takes at most maxLines lines.
const (
	lineRunes = 20
	maxLines  = 3
)

// Bars returns a horizontal bar chart of bars titled title, with id as the
// id of its title element (ids must be unique on a page). The bars are
// drawn in the order given; a bar of value 0 has no length, only its text.
// A label longer than a line wraps at spaces onto more lines, the bar's
// row growing with it ("Native Hawaiian or Other Pacific Islander" takes
// three); what still does not fit (a word longer than a line, a fourth
// line) is cut with an ellipsis, the full label staying in the bar's own
// <title>.
func Bars(id, title string, bars []Bar) template.HTML {
	var most float64
	labels := make([][]string, len(bars))
	h := 2 * pad
	for i, b := range bars {
		most = max(most, b.Value)
		labels[i] = wrap(b.Label, lineRunes, maxLines)
		h += rowHeight + (len(labels[i])-1)*lineHeight
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s">`, width, h, esc(id))
	fmt.Fprintf(&s, `<title id="%s">%s</title>`, esc(id), esc(title))
	span := float64(width - labelWidth - textWidth)
	y := pad
	for i, b := range bars {
		w := 0.0
		if most > 0 {
			w = b.Value / most * span
		}
		// The bar sits in the middle of its row, the label's lines
		// around the bar's middle.
		extra := (len(labels[i]) - 1) * lineHeight
		barY := float64(y) + float64(extra)/2
		base := barY + barHeight - 4
		fmt.Fprintf(&s, `<g class="bar"><title>%s: %s</title>`, esc(b.Label), esc(b.Text))
		if len(labels[i]) == 1 {
			fmt.Fprintf(&s, `<text class="label" x="%d" y="%s" text-anchor="end">%s</text>`, labelWidth-8, num(base), esc(labels[i][0]))
		} else {
			fmt.Fprintf(&s, `<text class="label" x="%d" y="%s" text-anchor="end">`, labelWidth-8, num(base-float64(extra)/2))
			for j, line := range labels[i] {
				dy := 0
				if j > 0 {
					dy = lineHeight
				}
				fmt.Fprintf(&s, `<tspan x="%d" dy="%d">%s</tspan>`, labelWidth-8, dy, esc(line))
			}
			s.WriteString(`</text>`)
		}
		fmt.Fprintf(&s, `<rect x="%d" y="%s" width="%.1f" height="%d"/>`, labelWidth, num(barY), w, barHeight)
		fmt.Fprintf(&s, `<text class="value" x="%.1f" y="%s">%s</text>`, float64(labelWidth)+w+6, num(base), esc(b.Text))
		s.WriteString(`</g>`)
		y += rowHeight + extra
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate: whole numbers without a fraction.
func num(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// wrap breaks s at spaces into lines of at most n runes, at most lines of
// them. A word longer than a line is cut with an ellipsis, and so is the
// last line when words remain.
func wrap(s string, n, lines int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		word = cut(word, n)
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= n:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	out = append(out, line)
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] = cut(out[lines-1]+" …", n)
	}
	return out
}

// cut shortens s to n runes, ending it with an ellipsis when cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
