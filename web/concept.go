package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openworkbench/workbench/public"
)

type conceptData struct {
	public.ConceptPage
	Figures    []figure
	Histograms []figure
}

// concept is a concept's page: its counts, its breakdowns by sex at birth
// and age, its value histograms, its neighbours in the hierarchy and its
// source codes.
func (s *Site) concept(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	c, err := s.deps.Release.Concept(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := s.deps.Release.Manifest()
	d := conceptData{ConceptPage: c, Figures: []figure{
		breakdownFigure("sex", "Participants by sex at birth", c.SexAtBirth, m),
		breakdownFigure("age", "Participants by age", c.Age, m),
	}}
	for i, h := range c.Histograms {
		d.Histograms = append(d.Histograms, histogramFigure(fmt.Sprintf("hist-%d", i), h, c.Name))
	}
	s.render(w, r, http.StatusOK, "concept", c.Name, "search", d)
}
