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

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
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
		return nil, &ValidationError{Path: "url", Msg: fmt.Sprintf("%q: want http://HOST:PORT or https://HOST", rawURL)}
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
// (errors.Is) the library's error values the server answers for: 401
// access.ErrUnauthenticated; 403 access.ErrForbidden (and
// access.ErrDisabled for a disabled user); 404 access.ErrNotFound,
// engine.ErrNotFound and ErrNotFound; 409 ErrExists; 429
// access.ErrRateLimited; 504 context.DeadlineExceeded; every 4xx of bad
// input (400, 413, 415) ErrInvalid, and cohort.ErrInvalid or
// access.ErrInvalid when those packages refused it. Validation problems
// come with their paths as cohort.ValidationErrors, or ValidationErrors
// for notebooks (errors.As).
type Error struct {
	Method string
	Path   string
	Status int
	Title  string
	Detail string
	// Paths are the validation problems, each with its JSON path.
	Paths []FieldError
	wraps []error
}

// FieldError is one validation problem with its JSON path.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
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
	// notebook says that validation paths concern a notebook document.
	notebook bool
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
		Title  string       `json:"title"`
		Detail string       `json:"detail"`
		Errors []FieldError `json:"errors"`
	}
	if mt == "application/problem+json" && json.Unmarshal(b, &p) == nil {
		e.Detail, e.Paths = p.Detail, p.Errors
		if p.Title != "" {
			e.Title = p.Title
		}
	} else {
		e.Detail = strings.TrimSpace(string(b))
	}
	e.wraps = sentinels(e, k.notebook)
	return e
}

// sentinels is what e matches: the values the server maps to its status,
// told apart by the package that the detail names.
func sentinels(e *Error, nb bool) []error {
	from := func(pkg string) bool { return strings.HasPrefix(e.Detail, pkg+": ") }
	var out []error
	switch e.Status {
	case http.StatusUnauthorized:
		out = append(out, access.ErrUnauthenticated)
	case http.StatusForbidden:
		out = append(out, access.ErrForbidden)
		if strings.Contains(e.Detail, access.ErrDisabled.Error()) {
			out = append(out, access.ErrDisabled)
		}
	case http.StatusNotFound:
		out = append(out, access.ErrNotFound, engine.ErrNotFound, ErrNotFound)
	case http.StatusConflict:
		out = append(out, ErrExists)
	case http.StatusTooManyRequests:
		out = append(out, access.ErrRateLimited)
	case http.StatusGatewayTimeout:
		out = append(out, context.DeadlineExceeded)
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		out = append(out, ErrInvalid)
		if from("access") {
			out = append(out, access.ErrInvalid)
		}
		if len(e.Paths) > 0 && nb {
			list := make(ValidationErrors, len(e.Paths))
			for i, p := range e.Paths {
				list[i] = &ValidationError{Path: p.Path, Msg: p.Message}
			}
			out = append(out, list)
		} else if len(e.Paths) > 0 {
			list := make(cohort.ValidationErrors, len(e.Paths))
			for i, p := range e.Paths {
				list[i] = &cohort.ValidationError{Path: p.Path, Msg: p.Message}
			}
			out = append(out, list)
		} else if from("cohort") {
			out = append(out, cohort.ErrInvalid)
		}
	}
	return out
}
