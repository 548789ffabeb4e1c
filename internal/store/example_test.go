package store_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
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
