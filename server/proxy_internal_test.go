package server

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientOf(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.168.1.1, fd00::/8")
	require.NoError(t, err)
	cases := []struct {
		name    string
		trusted bool
		remote  string
		xff     []string
		want    string
	}{
		{"no proxy configured: the header is ignored", false, "10.1.1.1:5000", []string{"203.0.113.9"}, "10.1.1.1"},
		{"untrusted peer: the header is ignored", true, "198.51.100.7:5000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"one trusted proxy", true, "10.1.1.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"the client's own entries on the left do not count", true, "10.1.1.1:5000", []string{"1.1.1.1, 2.2.2.2, 203.0.113.9"}, "203.0.113.9"},
		{"a chain of trusted proxies", true, "10.1.1.1:5000", []string{"1.1.1.1, 203.0.113.9, 192.168.1.1, 10.2.2.2"}, "203.0.113.9"},
		{"several header lines", true, "10.1.1.1:5000", []string{"1.1.1.1", "203.0.113.9, 10.2.2.2"}, "203.0.113.9"},
		{"an entry with a port", true, "10.1.1.1:5000", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"IPv6", true, "[fd00::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"IPv4 mapped in IPv6", true, "[::ffff:10.1.1.1]:5000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"no header from a trusted proxy", true, "10.1.1.1:5000", nil, "10.1.1.1"},
		{"only trusted entries", true, "10.1.1.1:5000", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"garbage stops at the last trusted hop", true, "10.1.1.1:5000", []string{"203.0.113.9, not-an-ip"}, "10.1.1.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Server{}
			if c.trusted {
				s.cfg.TrustedProxies = proxies
			}
			r := httptest.NewRequest("GET", "/v1/public/totals", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			assert.Equal(t, c.want, s.clientOf(r))
		})
	}
}

func TestParseProxies(t *testing.T) {
	cases := []struct {
		name, list string
		want       []string
		err        bool
	}{
		{"empty", "", nil, false},
		{"CIDRs and addresses", "10.0.0.0/8,192.168.1.1 , ::1", []string{"10.0.0.0/8", "192.168.1.1/32", "::1/128"}, false},
		{"host bits are masked", "10.1.2.3/8", []string{"10.0.0.0/8"}, false},
		{"not an address", "10.0.0.0/8,proxy.local", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseProxies(c.list)
			if c.err {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "server: trusted proxy")
				return
			}
			require.NoError(t, err)
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			assert.Equal(t, c.want, s)
		})
	}
}
