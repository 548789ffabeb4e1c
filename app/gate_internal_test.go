package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

// TestAuditQueue appends records from many goroutines at once: each
// append returns after its record is in the log, and no record is lost or
// written twice. Run with -race.
func TestAuditQueue(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	var q auditQueue
	const writers, each = 16, 25
	now := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				object := fmt.Sprintf("%d-%d", w, i)
				rec := access.AuditRecord{Time: now, UserID: "u_load", Action: access.CohortCount, Object: object, Allowed: true}
				if !assert.NoError(t, q.append(ctx, st, rec)) {
					return
				}
				// Committed before append returned.
				recs, err := st.QueryAudit(ctx, store.AuditQuery{UserID: "u_load"})
				if assert.NoError(t, err) {
					assert.True(t, hasObject(recs, object), "record %s not in the log after append", object)
				}
			}
		})
	}
	wg.Wait()
	recs, err := st.QueryAudit(ctx, store.AuditQuery{})
	require.NoError(t, err)
	seen := map[string]int{}
	for _, r := range recs {
		seen[r.Object]++
	}
	assert.Len(t, seen, writers*each)
	for object, n := range seen {
		assert.Equal(t, 1, n, object)
	}
	assert.False(t, q.writing, "the queue is idle once every append returned")
	assert.Empty(t, q.queued)
}

func hasObject(recs []access.AuditRecord, object string) bool {
	for _, r := range recs {
		if r.Object == object {
			return true
		}
	}
	return false
}
