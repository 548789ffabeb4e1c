package public_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/public"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key"), []byte("0123456789abcdef0123\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "short"), []byte("abc"), 0o600))
	for _, tc := range []struct {
		name   string
		json   string
		fields []string // every field an error must name; none: valid
	}{
		{"empty object", `{}`, nil},
		{"all rules", `{"threshold": 50, "bin": 25, "min_breakdown_total": 200, "histogram_bins": 12}`, nil},
		{"keyed", `{"noise": {"mechanism": "keyed", "key_file": "key", "max": 10}}`, nil},
		{"laplace", `{"noise": {"mechanism": "laplace", "key_file": "key", "epsilon": 0.5}}`, nil},
		{"below the floor", `{"threshold": 10, "bin": 5}`, []string{"threshold", "bin"}},
		{"small minimum", `{"threshold": 40, "min_breakdown_total": 30}`, []string{"min_breakdown_total"}},
		{"bins", `{"histogram_bins": 80}`, []string{"histogram_bins"}},
		{"unknown mechanism", `{"noise": {"mechanism": "gaussian"}}`, []string{"noise.mechanism"}},
		{"keyed without max or key", `{"noise": {"mechanism": "keyed"}}`, []string{"noise.key_file", "noise.max"}},
		{"short key", `{"noise": {"mechanism": "keyed", "key_file": "short", "max": 3}}`, []string{"noise.key_file"}},
		{"laplace epsilon", `{"noise": {"mechanism": "laplace", "key_file": "key", "epsilon": 0, "max": 4}}`, []string{"noise.epsilon", "noise.max"}},
		{"half configured", `{"noise": {"max": 4}}`, []string{"noise.mechanism"}},
		{"missing key file", `{"noise": {"mechanism": "keyed", "key_file": "nope", "max": 4}}`, []string{"noise.key_file"}},
		{"unknown field", `{"treshold": 30}`, []string{"treshold"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.json), 0o644))
			_, err := public.LoadConfig(path)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, public.ErrInvalid)
			for _, f := range tc.fields {
				assert.Contains(t, err.Error(), f)
			}
		})
	}
}

func TestZeroConfigValid(t *testing.T) {
	require.NoError(t, public.Config{}.Validate())
}
