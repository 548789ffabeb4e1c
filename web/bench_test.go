package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/web"
)

// BenchmarkPages measures the server time of every page: the release is
// in memory, so this is the search, the template and the charts. It runs
// over the release in WORKBENCH_BENCH_RELEASE (say one built by
// 'workbench public build' at 1,000,000 persons), else over the test
// fixture's. It reports each page's size too.
func BenchmarkPages(b *testing.B) {
	var rel *public.Release
	if dir := os.Getenv("WORKBENCH_BENCH_RELEASE"); dir != "" {
		var err error
		if rel, err = public.Open(dir); err != nil {
			b.Fatal(err)
		}
	} else {
		rel = newFixture(b).release
	}
	site, err := web.New(web.Config{}, web.Deps{Release: rel, Help: nopDesk{}})
	if err != nil {
		b.Fatal(err)
	}
	pages := pagesOf(b, rel)
	pages["search-all"] = "/search?q="
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, pages[name], nil)
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				site.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", pages[name], rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// nopDesk takes help requests and keeps none, so that the help page shows
// its form.
type nopDesk struct{}

func (nopDesk) Submit(context.Context, app.HelpForm) error { return nil }
