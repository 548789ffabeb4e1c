package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
)

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"version", "--json"}, &out, &errOut), errOut.String())
	var v versionInfo
	require.NoError(t, json.Unmarshal(out.Bytes(), &v))
	assert.Equal(t, cdr.IndexLayout, v.IndexLayout)
	assert.Positive(t, v.StateSchema)
	assert.NotEmpty(t, v.Go)
	out.Reset()
	require.Equal(t, exitOK, run(context.Background(), []string{"version"}, &out, &errOut))
	assert.Contains(t, out.String(), "index layout ")
	assert.Equal(t, exitUsage, run(context.Background(), []string{"version", "extra"}, &out, &errOut))
}
