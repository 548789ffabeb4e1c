package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench/public"
)

// pageSize is the concepts per page of a domain's list.
const pageSize = 50

// previewSize is the concepts the search page shows per domain.
const previewSize = 5

type searchData struct {
	Query   string
	Domains []domainHits
	Found   int
}

type domainHits struct {
	public.DomainResult
	Top []public.Concept
}

// search is the search across domains: per domain, the concepts found and
// the first of them by count.
func (s *Site) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	rel := s.deps.Release
	data := searchData{Query: q}
	for _, d := range rel.Domains(q) {
		h := domainHits{DomainResult: d}
		if d.Concepts > 0 {
			res, err := rel.Search(public.Query{Text: q, Domain: d.Domain, Limit: previewSize})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			h.Top = res.Concepts
		}
		data.Found += d.Concepts
		data.Domains = append(data.Domains, h)
	}
	title := "Search"
	if q != "" {
		title = "Search: " + q
	}
	s.render(w, r, http.StatusOK, "search", title, "search", data)
}

type domainData struct {
	Domain, Label, Query, Sort string
	Result                     public.SearchResult
	Page, Pages                int
	Prev, Next                 string
	First                      int
}

// domain is one domain's concepts that the search finds, paged, sorted by
// count or name.
func (s *Site) domain(w http.ResponseWriter, r *http.Request) {
	dom := r.PathValue("domain")
	q := r.URL.Query()
	if domainLabel(dom) == dom {
		s.fail(w, r, errNotFound)
		return
	}
	sort := q.Get("sort")
	if sort == "" {
		sort = public.SortCount
	}
	pageNo := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1<<20 {
			s.fail(w, r, public.ErrInvalid)
			return
		}
		pageNo = n
	}
	res, err := s.deps.Release.Search(public.Query{Text: q.Get("q"), Domain: dom, Sort: sort, Offset: (pageNo - 1) * pageSize, Limit: pageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := domainData{Domain: dom, Label: domainLabel(dom), Query: q.Get("q"), Sort: sort, Result: res, Page: pageNo,
		Pages: max(1, (res.Total+pageSize-1)/pageSize), First: (pageNo-1)*pageSize + 1}
	link := func(p int) string {
		v := url.Values{}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		v.Set("sort", sort)
		v.Set("page", strconv.Itoa(p))
		return "/browse/" + dom + "?" + v.Encode()
	}
	if pageNo > 1 {
		d.Prev = link(pageNo - 1)
	}
	if pageNo < d.Pages {
		d.Next = link(pageNo + 1)
	}
	s.render(w, r, http.StatusOK, "domain", d.Label, "search", d)
}
