package server_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/server"
)

// TestRateLimitBehindProxy runs the public limit behind a trusted proxy
// (the test's own loopback client): each forwarded client has its bucket,
// and addresses a client writes into the header do not give it another.
func TestRateLimitBehindProxy(t *testing.T) {
	f := newFixture(t, server.Config{
		RateLimit:      server.RateLimit{Rate: 0.001, Burst: 1},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
	})
	get := func(xff string) int {
		req, err := http.NewRequest("GET", f.url+"/v1/public/totals", nil)
		require.NoError(t, err)
		req.Header.Set("X-Forwarded-For", xff)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		return res.StatusCode
	}
	cases := []struct {
		name, xff string
		want      int
	}{
		{"first client", "203.0.113.1", http.StatusOK},
		{"first client again", "203.0.113.1", http.StatusTooManyRequests},
		{"second client", "203.0.113.2", http.StatusOK},
		{"second client claiming another address", "198.51.100.99, 203.0.113.2", http.StatusTooManyRequests},
		{"first client through a second trusted proxy", "203.0.113.1, 127.0.0.2", http.StatusTooManyRequests},
	}
	for _, c := range cases {
		require.Equal(t, c.want, get(c.xff), c.name)
	}
}
