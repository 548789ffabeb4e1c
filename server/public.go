package server

import (
	"net/http"
	"strings"

	"github.com/openworkbench/workbench/public"
)

// publicRoutes are the public tier: answers of the public release, open to
// anonymous callers and rate limited per client.
func (s *Server) publicRoutes() []route {
	p := s.svc.Public
	id := func(get func(*http.Request, int64) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			n, err := idVar(r, "id")
			if err != nil {
				s.fail(w, r, err)
				return
			}
			out, err := get(r, n)
			s.reply(w, r, http.StatusOK, out, err)
		}
	}
	plain := func(get func(*http.Request) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			out, err := get(r)
			s.reply(w, r, http.StatusOK, out, err)
		}
	}
	return []route{
		{http.MethodGet, "/v1/public/manifest", open, plain(func(r *http.Request) (any, error) { return p.PublicManifest(r.Context()) })},
		{http.MethodGet, "/v1/public/totals", open, plain(func(r *http.Request) (any, error) { return p.PublicTotals(r.Context()) })},
		{http.MethodGet, "/v1/public/demographics", open, plain(func(r *http.Request) (any, error) {
			scope := r.URL.Query().Get("scope")
			if scope == "" {
				scope = public.ScopeAll
			}
			return p.PublicDemographics(r.Context(), scope)
		})},
		{http.MethodGet, "/v1/public/concepts", open, plain(func(r *http.Request) (any, error) {
			q := r.URL.Query()
			search := public.Query{Text: q.Get("q"), Domain: strings.ToUpper(q.Get("domain")), Sort: q.Get("sort")}
			var err error
			if search.Limit, err = intQuery(r, "limit"); err != nil {
				return nil, err
			}
			if search.Offset, err = intQuery(r, "offset"); err != nil {
				return nil, err
			}
			return p.PublicSearch(r.Context(), search)
		})},
		{http.MethodGet, "/v1/public/domains", open, plain(func(r *http.Request) (any, error) { return p.PublicDomains(r.Context(), r.URL.Query().Get("q")) })},
		{http.MethodGet, "/v1/public/concepts/{id}", open, id(func(r *http.Request, n int64) (any, error) { return p.PublicConcept(r.Context(), n) })},
		{http.MethodGet, "/v1/public/top-concepts", open, plain(func(r *http.Request) (any, error) {
			n, err := intQuery(r, "limit")
			if err != nil {
				return nil, err
			}
			if n == 0 {
				n = 10
			}
			return p.PublicTopConcepts(r.Context(), strings.ToUpper(r.URL.Query().Get("domain")), n)
		})},
		{http.MethodGet, "/v1/public/surveys", open, plain(func(r *http.Request) (any, error) { return p.PublicSurveys(r.Context()) })},
		{http.MethodGet, "/v1/public/surveys/{id}", open, id(func(r *http.Request, n int64) (any, error) { return p.PublicSurvey(r.Context(), n) })},
		{http.MethodGet, "/v1/public/questions/{id}", open, id(func(r *http.Request, n int64) (any, error) { return p.PublicQuestion(r.Context(), n) })},
	}
}
