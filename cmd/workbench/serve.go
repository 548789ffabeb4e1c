package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/server"
)

func runServe(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "serve", "serve --data DIR --cdr DIR [--addr HOST:PORT] [--timeout D] [--memory-limit M]\n\n"+
		"Serves the HTTP API over the indexed CDR, with the users, workspaces and audit log of\n"+
		"the data directory, until interrupted (SIGINT, SIGTERM), then shuts down gracefully.")
	data := dataFlag(fs)
	dir := fs.String("cdr", "", "folder of the indexed CDR (required)")
	addr := fs.String("addr", server.DefaultAddr, "address to listen on; port 0 picks a free one")
	timeout := fs.Duration("timeout", server.DefaultTimeout, "longest a request may take; its query is cancelled then")
	memory := fs.String("memory-limit", "", "DuckDB memory limit of the CDR (\"4GB\"); empty: DuckDB's default")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("serve: --cdr is required")
	}
	if *timeout <= 0 {
		return usagef("serve: --timeout %s: want a positive duration", *timeout)
	}
	st, err := openStore(ctx, "serve", *data)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	c, eng, err := openEngine(ctx, *dir, cdr.Options{MemoryLimit: *memory})
	if err != nil {
		return err
	}
	defer c.Close()
	info, _ := c.Index()

	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	srv, err := server.New(server.Config{Addr: *addr, Timeout: *timeout, Logger: log},
		server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "workbench: serving %s (CDR %s, %d persons) on http://%s\n", *dir, info.VersionID, info.Persons, l.Addr())
	return srv.Serve(ctx, l)
}
