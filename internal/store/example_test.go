package store_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "workbench-state-")
	defer os.RemoveAll(dir)

	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	u, err := s.AddUser(ctx, access.User{Email: "ann@example.org", Name: "Ann"})
	if err != nil {
		panic(err)
	}
	now := time.Now()
	token, _, err := s.CreateToken(ctx, u.ID, time.Hour, now)
	if err != nil {
		panic(err)
	}
	who, err := s.Authenticate(ctx, token, now)
	fmt.Println(who.Email, err)
	_, err = s.Authenticate(ctx, token, now.Add(2*time.Hour))
	fmt.Println(err)
	// Output:
	// ann@example.org <nil>
	// store: token expired
}

// ExampleStore_RoleOf loads what a decision needs from the store and asks
// access.Decide, as the server's gate does for every request.
func ExampleStore_RoleOf() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "workbench-state-")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	now := time.Now()
	owner, _ := s.AddUser(ctx, access.User{Email: "owner@example.org"})
	reader, _ := s.AddUser(ctx, access.User{Email: "reader@example.org"})
	for _, kind := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval} {
		rec := access.Record{UserID: reader.ID, Kind: kind, CompletedAt: now, Version: access.DefaultCodeOfConductVersion, By: owner.ID}
		if _, err := s.PutRecord(ctx, rec); err != nil {
			panic(err)
		}
	}
	w, _ := s.CreateWorkspace(ctx, owner.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "GI bleeding"})
	if err := s.SetRole(ctx, w.ID, reader.ID, access.Reader); err != nil {
		panic(err)
	}

	records, _ := s.Records(ctx, reader.ID)
	role, _ := s.RoleOf(ctx, w.ID, reader.ID)
	for _, action := range []access.Action{access.CohortCount, access.CreateCohort} {
		d := access.Decide(access.Request{User: &reader, Records: records, Role: role, WorkspaceTier: w.Tier, Action: action, Now: now})
		fmt.Println(action, d)
	}
	// Output:
	// cohort.count allowed
	// cohort.create denied: access: forbidden: cohort.create needs role WRITER, have READER
}
