package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

func runAudit(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "audit", "audit --data DIR [--since T] [--user E] [--limit N] [--json]\n\n"+
		"Prints the audit log, oldest first: who did what, when, in which workspace, on what, and\n"+
		"how many rows or numbers came back (never the rows). Administrative commands run here\n"+
		"appear with the user "+cliActor+".")
	data := dataFlag(fs)
	since := fs.String("since", "", "only records at or after T: a time (2026-03-01T09:00:00Z), a date (2026-03-01) or a duration ago (24h)")
	user := fs.String("user", "", "only the records of the user with this email (or id, or "+cliActor+")")
	limit := fs.Int("limit", 0, "print at most this many records (0: all)")
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	q := store.AuditQuery{Limit: *limit}
	if *limit < 0 {
		return usagef("audit: --limit %d: want 0 or more", *limit)
	}
	if *since != "" {
		t, ok := parseSince(*since, time.Now())
		if !ok {
			return usagef("audit: --since %q: want a time (2026-03-01T09:00:00Z), a date (2026-03-01) or a duration (24h)", *since)
		}
		q.Since = t
	}
	s, err := openStore(ctx, "audit", *data)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if q.UserID = *user; strings.Contains(*user, "@") {
		u, err := s.UserByEmail(ctx, *user)
		if err != nil {
			return err
		}
		q.UserID = u.ID
	}
	log, err := s.QueryAudit(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		if log == nil {
			log = []access.AuditRecord{}
		}
		return writeJSON(e.stdout, log)
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		return err
	}
	emails := map[string]string{"": "(anonymous)"}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tUSER\tACTION\tWORKSPACE\tOBJECT\tSIZE\tRESULT")
	for _, r := range log {
		who, ok := emails[r.UserID]
		if !ok {
			who = r.UserID
		}
		result := "allowed"
		if !r.Allowed {
			result = "denied: " + r.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Time.Format(time.RFC3339), who, r.Action, r.Workspace, r.Object, r.ResultSize, result)
	}
	return tw.Flush()
}

// parseSince reads --since: an RFC 3339 time, a date (midnight UTC) or a
// duration before now.
func parseSince(s string, now time.Time) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), true
	}
	return time.Time{}, false
}
