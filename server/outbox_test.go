package server_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
)

// outbox keeps the messages a test server sent.
type outbox struct {
	mu   sync.Mutex
	sent []app.Message
}

func (o *outbox) Send(_ context.Context, m app.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// to is the messages sent to the address, oldest first.
func (o *outbox) to(addr string) []app.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []app.Message
	for _, m := range o.sent {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// tokenRE finds a bearer token in a message.
var tokenRE = regexp.MustCompile(`wb_[A-Za-z0-9_-]+`)

// register registers email over HTTP and returns the token that the
// server sent to it and the new user's id.
func (f *fixture) register(t *testing.T, email, name string) (token, id string) {
	t.Helper()
	res := f.do(t, "POST", "/v1/register", "", registerBody(t, email, name), "")
	require.Equal(t, 202, res.status, "%s", res.body)
	addr, err := access.NormalizeEmail(email)
	require.NoError(t, err)
	msgs := f.outbox.to(addr)
	require.NotEmpty(t, msgs, "no message to %s", addr)
	token = tokenRE.FindString(msgs[len(msgs)-1].Body)
	require.NotEmpty(t, token, "no token in %q", msgs[len(msgs)-1].Body)
	u, err := f.store.UserByEmail(context.Background(), addr)
	require.NoError(t, err)
	return token, u.ID
}

func TestFileOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o := app.FileOutbox{Dir: dir}
	for _, to := range []string{"a@example.org", "b@example.org"} {
		require.NoError(t, o.Send(context.Background(), app.Message{To: to, Subject: "S", Body: "token wb_x"}))
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "one file per message")
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Zero(t, fi.Mode().Perm()&0o077, "the folder is the owner's only")
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		assert.Zero(t, info.Mode().Perm()&0o077, "a message holds a token: the owner's only")
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(b), "To: "), "%s", b)
		assert.Contains(t, string(b), "\nSubject: S\n\ntoken wb_x\n")
	}
}

func TestWriterOutbox(t *testing.T) {
	var b strings.Builder
	o := &app.WriterOutbox{W: &b}
	require.NoError(t, o.Send(context.Background(), app.Message{To: "a@example.org", Subject: "S", Body: "B"}))
	assert.Equal(t, "---- message ----\nTo: a@example.org\nSubject: S\n\nB\n----\n", b.String())
}
