package access

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every rule is an action of Actions and the other way round, so that the
// matrix test, which walks Actions, sees every rule.
func TestRulesAreActions(t *testing.T) {
	var ruled []Action
	for a := range rules {
		ruled = append(ruled, a)
	}
	assert.ElementsMatch(t, actions, ruled)
}
