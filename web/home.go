package web

import (
	"net/http"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/public"
)

// homeData is the Data Snapshots page: the participants in all and by
// type of data, the demographics of one scope, and the most common
// concepts of four domains.
type homeData struct {
	Totals  public.Totals
	Scope   string
	Scopes  []struct{ ID, Label string }
	Figures []figure
	Top     []topList
}

type topList struct {
	Domain, Label string
	Concepts      []public.Concept
}

// topDomains are the domains of the home page's lists.
var topDomains = []string{public.DomainCondition, public.DomainDrug, public.DomainMeasurement, public.DomainProcedure}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	rel := s.deps.Release
	d, err := rel.Demographics(r.URL.Query().Get("scope"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := rel.Manifest()
	data := homeData{Totals: rel.Totals(), Scope: d.Scope, Scopes: public.Scopes}
	for _, b := range []struct {
		id, title string
		b         *access.PublicBreakdown
	}{
		{"sex", "Sex at birth", &d.SexAtBirth},
		{"gender", "Gender", &d.Gender},
		{"race", "Race", &d.Race},
		{"ethnicity", "Ethnicity", &d.Ethnicity},
		{"age", "Age", &d.Age},
	} {
		data.Figures = append(data.Figures, breakdownFigure("demo-"+b.id, b.title, b.b, m))
	}
	for _, dom := range topDomains {
		cs, err := rel.TopConcepts(dom, 10)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data.Top = append(data.Top, topList{Domain: dom, Label: domainLabel(dom), Concepts: cs})
	}
	s.render(w, r, http.StatusOK, "home", "Data Snapshots", "home", data)
}
