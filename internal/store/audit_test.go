package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

func TestAudit(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	recs := []access.AuditRecord{
		{Time: t0, UserID: "u_a", Action: access.CohortCount, Workspace: "w_1", Object: "c_1", ResultSize: 1, Allowed: true},
		{Time: t0.Add(time.Minute), Action: access.BrowsePublic, Allowed: true},
		{Time: t0.Add(time.Minute), UserID: "u_b", Action: access.CohortParticipants, Workspace: "w_1", Reason: "access: not found"},
		{Time: t0.Add(2 * time.Minute), UserID: "u_a", Action: access.ExportDataset, Workspace: "w_1", Object: "d_1", ResultSize: 5000, Allowed: true},
	}
	for i := range recs {
		require.NoError(t, s.AppendAudit(ctx, recs[i]))
		recs[i].Time = norm(recs[i].Time)
	}

	tests := []struct {
		name string
		q    AuditQuery
		want []access.AuditRecord
	}{
		{"all", AuditQuery{}, recs},
		{"since", AuditQuery{Since: t0.Add(time.Minute)}, recs[1:]},
		{"user", AuditQuery{UserID: "u_a"}, []access.AuditRecord{recs[0], recs[3]}},
		{"limit", AuditQuery{Limit: 2}, recs[:2]},
		{"all three", AuditQuery{Since: t0.Add(time.Second), UserID: "u_a", Limit: 1}, recs[3:]},
		{"none", AuditQuery{Since: t0.Add(time.Hour)}, nil},
		{"until", AuditQuery{Until: t0.Add(time.Minute)}, recs[:1]},
		{"action", AuditQuery{Action: string(access.ExportDataset)}, recs[3:]},
		{"workspace", AuditQuery{Workspace: "w_1"}, []access.AuditRecord{recs[0], recs[2], recs[3]}},
		{"a page", AuditQuery{Workspace: "w_1", Offset: 1, Limit: 1}, recs[2:3]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.QueryAudit(ctx, tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	assert.ErrorIs(t, s.AppendAudit(ctx, access.AuditRecord{Action: access.CohortCount}), workbench.ErrInvalid)
	assert.ErrorIs(t, s.AppendAudit(ctx, access.AuditRecord{Time: t0}), workbench.ErrInvalid)
	_, err := s.QueryAudit(ctx, AuditQuery{Limit: -1})
	assert.ErrorIs(t, err, workbench.ErrInvalid)
	_, err = s.QueryAudit(ctx, AuditQuery{Offset: -1})
	assert.ErrorIs(t, err, workbench.ErrInvalid)
}
