package sqlname

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuote(t *testing.T) {
	assert.Equal(t, `"person"`, Quote("person"))
	assert.Equal(t, `"a""b"`, Quote(`a"b`), "a quote inside is doubled")
	assert.Equal(t, `"x; DROP TABLE y"`, Quote("x; DROP TABLE y"))
}

func TestBackquote(t *testing.T) {
	assert.Equal(t, "`person`", Backquote("person"))
	assert.Equal(t, "`a``b`", Backquote("a`b"), "a backquote inside is doubled")
	assert.Equal(t, "`x\"; DROP TABLE y`", Backquote(`x"; DROP TABLE y`))
}
