package access_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		name, in, want string
		reason         string // part of the refusal's reason; "" when accepted
	}{
		{"plain", "ada@example.org", "ada@example.org", ""},
		{"spaces around", "  ada@example.org \n", "ada@example.org", ""},
		{"domain lower-cased, local part kept", "Ada@Example.ORG", "Ada@example.org", ""},
		{"fullwidth letters", "ａｄａ@ｅｘａｍｐｌｅ.ｏｒｇ", "ada@example.org", ""},
		{"ligature", "ﬁle@example.org", "file@example.org", ""},
		{"composed and decomposed accents agree", "re\u0301mi@example.org", "rémi@example.org", ""},
		{"Cyrillic throughout", "иван@пример.рф", "иван@пример.рф", ""},
		{"Japanese with a Latin domain", "やまだ太郎@example.jp", "やまだ太郎@example.jp", ""},
		{"Korean with a Latin domain", "김민준@example.kr", "김민준@example.kr", ""},
		{"Cyrillic a among Latin letters", "\u0430da@example.org", "", "Cyrillic, Latin"},
		{"Cyrillic e in the domain", "ada@\u0435xample.org", "", "Cyrillic, Latin"},
		{"Cyrillic local part, Latin domain", "асе@example.org", "", "Cyrillic, Latin"},
		{"Greek omicron", "r\u03bfot@example.org", "", "Greek, Latin"},
		{"zero-width space", "ada\u200b@example.org", "", "U+200B"},
		{"zero-width joiner", "a\u200dda@example.org", "", "U+200D"},
		{"soft hyphen", "a\u00adda@example.org", "", "U+00AD"},
		{"right-to-left override", "ada@\u202eexample.org", "", "U+202E"},
		{"byte order mark", "\ufeffada@example.org", "", "U+FEFF"},
		{"variation selector", "ada\ufe0f@example.org", "", "U+FE0F"},
		{"Hangul filler", "ada\u3164@example.org", "", "U+3164"},
		{"no-break space inside", "a\u00a0da@example.org", "", "U+00A0"},
		{"control character", "ada\x01@example.org", "", "U+0001"},
		{"invalid UTF-8", "ada\xff@example.org", "", "U+FFFD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := access.NormalizeEmail(c.in)
			if c.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, c.want, got)
				return
			}
			require.ErrorIs(t, err, access.ErrInvalid)
			var e *access.EmailError
			require.ErrorAs(t, err, &e)
			assert.Contains(t, e.Reason, c.reason)
			assert.Contains(t, err.Error(), "access: email: ")
		})
	}
}
