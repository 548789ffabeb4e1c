package access_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/openworkbench/workbench/access"
)

func ExampleDecide() {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	alice := &access.User{ID: "1", Email: "alice@example.org"}
	done := now.AddDate(0, -1, 0)
	records := []access.Record{
		{UserID: "1", Kind: access.Profile, CompletedAt: done},
		{UserID: "1", Kind: access.EthicsTraining, CompletedAt: done},
		{UserID: "1", Kind: access.CodeOfConduct, CompletedAt: done, Version: "1"},
	}
	ask := func(role access.Role, action access.Action) {
		d := access.Decide(access.Request{User: alice, Records: records, Role: role, Action: action, Now: now})
		fmt.Printf("%s as %s: %v\n", action, role, d)
	}
	ask(access.Reader, access.CohortCount)
	records = append(records, access.Record{UserID: "1", Kind: access.Approval, CompletedAt: now, By: "admin"})
	ask(access.Reader, access.CohortCount)
	ask(access.Reader, access.CreateCohort)
	ask(access.None, access.CohortParticipants)

	d := access.Decide(access.Request{Action: access.BrowsePublic, Now: now})
	fmt.Println("anonymous", access.BrowsePublic+":", d)
	d = access.Decide(access.Request{Action: access.CohortCount, Role: access.Owner, Now: now})
	fmt.Println(errors.Is(d.Reason, access.ErrUnauthenticated))
	// Output:
	// cohort.count as READER: denied: access: forbidden: registered tier needs administrator approval (not completed)
	// cohort.count as READER: allowed
	// cohort.create as READER: denied: access: forbidden: cohort.create needs role WRITER, have READER
	// cohort.participants as NONE: denied: access: not found
	// anonymous public.browse: allowed
	// true
}

func ExamplePolicy_Status() {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	p := access.Policy{CodeOfConductVersion: "2026"}
	u := &access.User{ID: "7", Email: "bob@example.org"}
	records := []access.Record{
		{UserID: "7", Kind: access.Profile, CompletedAt: now.AddDate(-2, 0, 0)},
		{UserID: "7", Kind: access.EthicsTraining, CompletedAt: now.AddDate(-2, 0, 0)},
		{UserID: "7", Kind: access.CodeOfConduct, CompletedAt: now.AddDate(0, -1, 0), Version: "2025"},
	}
	s := p.Status(u, records, now)
	fmt.Println("tier:", s.Tier)
	for _, st := range s.Steps {
		fmt.Printf("%-22s %s", st.Kind, st.State)
		if st.Reason != "" {
			fmt.Printf(": %s", st.Reason)
		}
		fmt.Println()
	}
	// Output:
	// tier: public
	// profile                done
	// ethics training        expired: expired on 2025-06-01
	// code of conduct        outdated: signed version "2025", current is "2026"
	// administrator approval missing: not completed
	// controlled tier grant  missing: not completed
}

func ExampleDisclosure_Release() {
	var d access.Disclosure // the All of Us rule: threshold and bin 20, no noise
	for _, n := range []int64{0, 1, 20, 21, 40, 41, 1234} {
		fmt.Printf("%d -> %v\n", n, d.Release(n, "participants"))
	}
	// Output:
	// 0 -> 0
	// 1 -> <= 20
	// 20 -> <= 20
	// 21 -> 40
	// 40 -> 40
	// 41 -> 60
	// 1234 -> 1240
}

func ExampleDisclosure_Breakdown() {
	var d access.Disclosure
	b := d.Breakdown("sex at birth", "cdr 2026q2; sex at birth", 1003,
		map[string]int64{"Female": 512, "Male": 480, "Intersex": 11})
	fmt.Println(b.Label, b.Total)
	for _, g := range b.Groups {
		fmt.Printf("%-8s %6v %.3f\n", g.Label, g.Count, g.Share)
	}
	// Output:
	// sex at birth 1020
	// Female      520 0.510
	// Intersex  <= 20 0.020
	// Male        480 0.471
}

func ExampleLimiter_Allow() {
	l := &access.Limiter{Rate: 1, Burst: 2}
	t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	fmt.Println(l.Allow("198.51.100.7", t0), l.Allow("198.51.100.7", t0), l.Allow("198.51.100.7", t0))
	fmt.Println(l.Allow("203.0.113.9", t0))
	fmt.Println(l.Allow("198.51.100.7", t0.Add(time.Second)))
	// Output:
	// true true false
	// true
	// true
}
