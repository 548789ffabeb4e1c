package main

import (
	"os"
	"testing"

	"github.com/openworkbench/workbench/internal/testcdr"
)

// indexedGiBleed returns the folder of the shared indexed GiBleed CDR.
// Tests must not change it.
func indexedGiBleed(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("indexes GiBleed")
	}
	return testcdr.GiBleed(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	os.Exit(code)
}
