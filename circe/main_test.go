package circe_test

import (
	"os"
	"testing"

	"github.com/openworkbench/workbench/internal/testcdr"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testcdr.Cleanup()
	os.Exit(code)
}
