package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/testkit"
)

func TestServe(t *testing.T) {
	dir := indexedGiBleed(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testkit.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", t.TempDir(), "--cdr", dir, "--addr", "127.0.0.1:0", "--close-registration", "--trusted-proxies", "10.0.0.0/8"}, &stdout, &stderr)
	}()

	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	var url string
	require.Eventually(t, func() bool {
		url = urlRE.FindString(stdout.String())
		return url != ""
	}, 2*time.Minute, 20*time.Millisecond, "stderr: %s", stderr.String())

	res, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res, err = http.Get(url + "/v1/me")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	res, err = http.Post(url+"/v1/register", "application/json", strings.NewReader(`{"email": "a@example.org", "name": "A"}`))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "--close-registration")

	cancel()
	assert.Equal(t, exitOK, <-done, "stderr: %s", stderr.String())
}

func TestServeUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitUsage, run(context.Background(), []string{"serve", "--data", t.TempDir()}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--cdr and --data are required")
}

func TestServeBadFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"serve: proxy not a CIDR", []string{"serve", "--cdr", "x", "--trusted-proxies", "10.0.0.0/8,proxy.local"}, `--trusted-proxies: server: trusted proxy "proxy.local"`},
		{"demo: proxy not a CIDR", []string{"demo", "--trusted-proxies", "10.0.0.0/33"}, `--trusted-proxies: server: trusted proxy "10.0.0.0/33"`},
		{"serve: timeout", []string{"serve", "--cdr", "x", "--timeout", "0s"}, "--timeout 0s: want a positive duration"},
		{"serve: unknown engine", []string{"serve", "--cdr", "x", "--engine", "presto"}, `--engine "presto": want duckdb or spark`},
		{"serve: Spark without its server", []string{"serve", "--cdr", "x", "--engine", "spark"}, "--engine spark needs --spark sc://HOST:PORT"},
		{"serve: a Spark server without the engine", []string{"serve", "--cdr", "x", "--spark", "sc://h:15002"}, "--spark is the server of --engine spark"},
		{"serve: DuckDB's memory limit on Spark", []string{"serve", "--cdr", "x", "--engine", "spark", "--spark", "sc://h:15002", "--memory-limit", "4GB"}, "--memory-limit is DuckDB's"},
		{"serve: OpenID provider without a client", []string{"serve", "--cdr", "x", "--oidc-issuer", "https://sso.example.org"}, "without a client id, client secret, redirect URL"},
		{"serve: unreadable client secret", []string{"serve", "--cdr", "x", "--oidc-issuer", "https://sso.example.org", "--oidc-secret-file", "/nonexistent/secret"}, "--oidc-secret-file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(c.args, "--data", t.TempDir())
			assert.Equal(t, exitUsage, run(context.Background(), args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), c.want)
		})
	}
}

// TestServeSparkUnreachable starts serve on a Spark Connect address where
// nothing listens: it fails at once, saying so, and needs no Spark.
func TestServeSparkUnreachable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--engine", "spark", "--spark", "sc://127.0.0.1:1", "--cdr", t.TempDir(), "--data", t.TempDir()}, &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "no Spark Connect server answers at sc://127.0.0.1:1")
}

func TestIndexBadFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown engine", []string{"--engine", "presto"}, `--engine "presto": want duckdb or spark`},
		{"Spark without its server", []string{"--engine", "spark"}, "--engine spark needs --spark sc://HOST:PORT"},
		{"a Spark server without the engine", []string{"--spark", "sc://h:15002"}, "--spark is the server of --engine spark"},
		{"DuckDB's threads on Spark", []string{"--engine", "spark", "--spark", "sc://h:15002", "--threads", "2"}, "--memory-limit and --threads are DuckDB's"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"cdr", "index"}, c.args...), t.TempDir())
			assert.Equal(t, exitUsage, run(context.Background(), args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), c.want)
		})
	}
}

// TestIndexSparkUnreachable builds an index with a Spark Connect address
// where nothing listens: it fails, saying so, and needs no Spark.
func TestIndexSparkUnreachable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"cdr", "index", "--engine", "spark", "--spark", "sc://127.0.0.1:1", t.TempDir()}, &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "no Spark Connect server answers at sc://127.0.0.1:1")
}
