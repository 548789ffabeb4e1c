package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/web"
)

// pagesOf lists a path of every kind of page of the fixture's release.
func pagesOf(t testing.TB, rel *public.Release) map[string]string {
	t.Helper()
	top, err := rel.TopConcepts(public.DomainCondition, 1)
	require.NoError(t, err)
	require.NotEmpty(t, top)
	surveys := rel.Surveys()
	require.NotEmpty(t, surveys)
	sv, err := rel.Survey(surveys[0].ID)
	require.NoError(t, err)
	require.NotEmpty(t, sv.QuestionList)
	word := strings.Fields(top[0].Name)[0]
	return map[string]string{
		"home":     "/",
		"scope":    "/?scope=ehr",
		"search":   "/search?q=" + url.QueryEscape(word),
		"domain":   "/browse/CONDITION?sort=name",
		"concept":  fmt.Sprintf("/concepts/%d", top[0].ID),
		"surveys":  "/surveys",
		"survey":   fmt.Sprintf("/surveys/%d", sv.ID),
		"question": fmt.Sprintf("/questions/%d", sv.QuestionList[0].ID),
		"about":    "/about",
		"help":     "/help",
	}
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	h := f.site(t, web.Config{})
	for name, path := range pagesOf(t, f.release) {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "default-src 'self'")
			assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.NotEmpty(t, rec.Header().Get("Referrer-Policy"))
			body := rec.Body.String()
			assert.Less(t, len(body), 200<<10, "a page under 200 KB")
			assert.NotRegexp(t, `(?i)<script>|\son[a-z]+=|style=|https?://`, body, "no inline script, handler or style, no external resource")
			assert.NotRegexp(t, `(?i)\sdownload[\s=>]|href="[^"]*(\.csv|\.parquet|export)`, body, "no download")
		})
	}
}

func TestNotFound(t *testing.T) {
	f := newFixture(t)
	h := f.site(t, web.Config{})
	for _, path := range []string{"/nowhere", "/concepts/999999999999", "/concepts/x", "/browse/NOPE", "/surveys/1", "/questions/1"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		assert.Equal(t, http.StatusNotFound, rec.Code, path)
		assert.Contains(t, rec.Body.String(), "no such page", path)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/browse/CONDITION?sort=size", nil))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

// TestServerMount checks that the server serves the pages outside the API
// and keeps the API's problem+json 404 for unknown /v1 paths.
func TestServerMount(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	resp := get(t, base+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	resp = get(t, base+"/v1/nowhere")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	resp = get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp = get(t, base+"/static/site.css")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")
}

var tokenField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// helpClient fetches the help form with a cookie jar and returns the
// client and the form's token.
func helpClient(t *testing.T, base string) (*http.Client, string) {
	t.Helper()
	jar := newJar()
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/help")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := tokenField.FindStringSubmatch(string(b))
	require.NotNil(t, m, "the form has a token")
	return c, m[1]
}

func TestHelpForm(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.site(t, web.Config{}))
	defer srv.Close()
	ctx := t.Context()
	before, err := f.store.HelpRequests(ctx, false)
	require.NoError(t, err)

	c, tok := helpClient(t, srv.URL)
	post := func(c *http.Client, v url.Values) (*http.Response, string) {
		resp, err := c.PostForm(srv.URL+"/help", v)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	t.Run("every problem at its field", func(t *testing.T) {
		resp, body := post(c, url.Values{"csrf_token": {tok}, "email": {"not an address"}, "topic": {"Nope"}, "message": {"  "}, "name": {"Ann"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		for _, id := range []string{"email-error", "topic-error", "message-error"} {
			assert.Contains(t, body, `id="`+id+`"`)
		}
		assert.NotContains(t, body, `id="name-error"`)
		assert.Contains(t, body, `value="Ann"`, "what was typed is kept")
	})
	t.Run("no token", func(t *testing.T) {
		resp, _ := post(c, url.Values{"email": {"a@example.org"}, "topic": {"Something else"}, "message": {"hi"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("another visitor's token", func(t *testing.T) {
		_, other := helpClient(t, srv.URL)
		resp, _ := post(c, url.Values{"csrf_token": {other}, "email": {"a@example.org"}, "topic": {"Something else"}, "message": {"hi"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("from another origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/help", strings.NewReader(url.Values{"csrf_token": {tok}, "email": {"a@example.org"}, "topic": {"Something else"}, "message": {"hi"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://evil.example")
		resp, err := c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("stored", func(t *testing.T) {
		resp, _ := post(c, url.Values{"csrf_token": {tok}, "name": {"Ann Smith"}, "email": {"ann@example.org"}, "topic": {"Getting registered access"}, "message": {"How do I register?"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/help?sent=1", resp.Header.Get("Location"))
		after, err := f.store.HelpRequests(ctx, false)
		require.NoError(t, err)
		require.Len(t, after, len(before)+1)
		got := after[len(after)-1]
		assert.Equal(t, "ann@example.org", got.Email)
		assert.Equal(t, "How do I register?", got.Message)
	})
}

func TestHelpRateLimit(t *testing.T) {
	f := newFixture(t)
	cfg := web.Config{}
	cfg.RateLimit.Rate, cfg.RateLimit.Burst = 0.001, 2
	srv := httptest.NewServer(f.site(t, cfg))
	defer srv.Close()
	c, tok := helpClient(t, srv.URL)
	var codes []int
	for range 3 {
		resp, err := c.PostForm(srv.URL+"/help", url.Values{"csrf_token": {tok}, "email": {"bad"}})
		require.NoError(t, err)
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	assert.Equal(t, []int{http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, http.StatusTooManyRequests}, codes)
}
