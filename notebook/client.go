package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/public"
)

// The environment of notebooks and generated code.
const (
	EnvURL       = "WORKBENCH_URL"
	EnvToken     = "WORKBENCH_TOKEN"
	EnvWorkspace = "WORKBENCH_WORKSPACE"
)

// Client calls the workbench's HTTP API: one method per endpoint, ctx
// first, answering the library's own types and error values. Its methods
// are safe for concurrent use.
type Client struct {
	// URL is the server's address, such as http://127.0.0.1:8080.
	URL *url.URL
	// Token is the bearer token; empty for the public tier.
	Token string
	// Workspace is the workspace a notebook works in (WORKBENCH_WORKSPACE);
	// the methods take theirs as an argument, so it is there for callers.
	Workspace string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// New is a client of the server at rawURL (http or https) with the bearer
// token.
func New(rawURL, token string) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalidAt("url", "%q: want http://HOST:PORT or https://HOST", rawURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return &Client{URL: u, Token: token}, nil
}

// FromEnv is the client of WORKBENCH_URL with WORKBENCH_TOKEN, working in
// WORKBENCH_WORKSPACE: the environment `workbench notebook` sets.
func FromEnv() (*Client, error) {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		return nil, fmt.Errorf("%w: %s is not set: the server's address, such as http://127.0.0.1:8080", ErrInvalid, EnvURL)
	}
	c, err := New(raw, os.Getenv(EnvToken))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvURL, err)
	}
	c.Workspace = os.Getenv(EnvWorkspace)
	return c, nil
}

// Error is an answer of the server that reports a problem. It matches
// (errors.Is) the error value the server answered for, rebuilt from the
// problem's code (access.ErrForbidden, cohort.ErrInvalid,
// workbench.ErrNotFound, ...); a timeout also matches
// context.DeadlineExceeded. Problems at their paths come as a
// *fault.Fields under that value (fault.FieldsOf).
type Error struct {
	Method string
	Path   string
	Status int
	Title  string
	Detail string
	// Kind and Code are the kind and the code of the error the server
	// answered for.
	Kind fault.Kind
	Code string
	// Fields are the problems, each at its path.
	Fields []fault.Field
	wraps  []error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("notebook: %s %s: %d %s", e.Method, e.Path, e.Status, e.Title)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap is the library's error values e matches.
func (e *Error) Unwrap() []error { return e.wraps }

// known is every error value a server may answer with, by code.
var known = func() map[string]*fault.Error {
	m := map[string]*fault.Error{}
	for _, list := range [][]*fault.Error{access.Errors, cohort.Errors, circe.Errors, engine.Errors, public.Errors, workbench.Errors, Errors} {
		for _, e := range list {
			m[e.Code()] = e
		}
	}
	return m
}()

// call is one request.
type call struct {
	method string
	// path is the path's parts after /v1 (or from the root, for /healthz):
	// each is escaped.
	path  []string
	root  bool
	query url.Values
	// body is sent as JSON.
	body any
	// out receives the JSON answer; nil ignores it.
	out any
}

func (c *Client) http() *http.Client {
	if c.HTTP == nil {
		return http.DefaultClient
	}
	return c.HTTP
}

// send sends the call and returns the response of a 2xx answer, to be
// closed, or the problem as an *Error.
func (c *Client) send(ctx context.Context, k call) (*http.Response, error) {
	u := *c.URL
	parts := k.path
	if !k.root {
		parts = append([]string{"v1"}, parts...)
	}
	escaped := make([]string, len(parts))
	for i, p := range parts {
		escaped[i] = url.PathEscape(p)
	}
	// Each part is one segment: a / in an id or an email is escaped.
	u.RawPath = u.EscapedPath() + "/" + strings.Join(escaped, "/")
	u.Path += "/" + strings.Join(parts, "/")
	u.RawQuery = k.query.Encode()

	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return nil, fmt.Errorf("notebook: %s %s: %w", k.method, u.Path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("notebook: %s %s: %w", k.method, u.Path, err)
	}
	if res.StatusCode/100 == 2 {
		return res, nil
	}
	defer res.Body.Close()
	return nil, problem(k, u.Path, res)
}

// do sends the call and decodes its JSON answer into k.out.
func (c *Client) do(ctx context.Context, k call) error {
	res, err := c.send(ctx, k)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if k.out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	if err := json.NewDecoder(res.Body).Decode(k.out); err != nil {
		return fmt.Errorf("notebook: %s %s: reading the answer: %w", k.method, res.Request.URL.Path, err)
	}
	return nil
}

// maxProblem bounds how much of an error answer is read.
const maxProblem = 1 << 20

// problem is the *Error of an answer that is not 2xx.
func problem(k call, path string, res *http.Response) error {
	e := &Error{Method: k.method, Path: path, Status: res.StatusCode, Title: http.StatusText(res.StatusCode)}
	b, _ := io.ReadAll(io.LimitReader(res.Body, maxProblem))
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	var p struct {
		Title  string        `json:"title"`
		Detail string        `json:"detail"`
		Kind   fault.Kind    `json:"kind"`
		Code   string        `json:"code"`
		Errors []fault.Field `json:"errors"`
	}
	if mt == "application/problem+json" && json.Unmarshal(b, &p) == nil {
		e.Detail, e.Kind, e.Code, e.Fields = p.Detail, p.Kind, p.Code, p.Errors
		if p.Title != "" {
			e.Title = p.Title
		}
	} else {
		e.Detail = strings.TrimSpace(string(b))
	}
	if s, ok := known[e.Code]; ok {
		e.wraps = append(e.wraps, s)
		if len(e.Fields) > 0 {
			e.wraps = append(e.wraps, &fault.Fields{Of: s, List: e.Fields})
		}
	}
	if e.Kind == fault.Timeout {
		e.wraps = append(e.wraps, context.DeadlineExceeded)
	}
	return e
}

// The client is the services of the workbench over HTTP.
var (
	_ workbench.AccountService    = (*Client)(nil)
	_ workbench.AdminService      = (*Client)(nil)
	_ workbench.DictionaryService = (*Client)(nil)
	_ workbench.WorkspaceService  = (*Client)(nil)
	_ workbench.PublicService     = (*Client)(nil)
	_ workbench.HelpService       = (*Client)(nil)
	_ workbench.CohortService     = (*Client)(nil)
	_ workbench.ConceptService    = (*Client)(nil)
	_ workbench.ConceptSetService = (*Client)(nil)
	_ workbench.DatasetService    = (*Client)(nil)
	_ workbench.ReviewService     = (*Client)(nil)
	_ workbench.CirceService      = (*Client)(nil)
)
