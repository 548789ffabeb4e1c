package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

func runServe(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "serve", "serve --data DIR --cdr DIR [--addr HOST:PORT] [--timeout D] [--export-timeout D] [--memory-limit M] [--close-registration] [--trusted-proxies CIDRS]\n\n"+
		"Serves the HTTP API over the indexed CDR, with the users, workspaces and audit log of\n"+
		"the data directory, until interrupted (SIGINT, SIGTERM), then shuts down gracefully.")
	data := dataFlag(fs)
	dir := fs.String("cdr", "", "folder of the indexed CDR (required)")
	sf := addServeFlags(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("serve: --cdr is required")
	}
	if err := sf.check("serve"); err != nil {
		return err
	}
	st, err := openStore(ctx, "serve", *data)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	c, eng, err := openEngine(ctx, *dir, sf.cdrOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	// An operator forwards what registration sends, or has a mail system
	// pick it up.
	return serveAPI(ctx, e, sf, *data, *dir, c, eng, st, server.FileOutbox{Dir: outboxDir(*data)}, nil)
}

// serveFlags are the flags of serving the API, which serve and demo share.
type serveFlags struct {
	addr          *string
	timeout       *time.Duration
	exportTimeout *time.Duration
	memory        *string
	closeReg      *bool
	proxies       *string
}

func addServeFlags(fs *flag.FlagSet) serveFlags {
	return serveFlags{
		addr:          fs.String("addr", server.DefaultAddr, "address to listen on; port 0 picks a free one"),
		timeout:       fs.Duration("timeout", server.DefaultTimeout, "longest a request may take; its query is cancelled then"),
		exportTimeout: fs.Duration("export-timeout", server.DefaultExportTimeout, "longest a dataset export may take"),
		memory:        fs.String("memory-limit", "", "DuckDB memory limit of the CDR (\"4GB\"); empty: DuckDB's default"),
		closeReg:      fs.Bool("close-registration", false, "refuse self-registration (POST /v1/register); users are then added with 'workbench user add'"),
		proxies:       fs.String("trusted-proxies", "", "comma-separated CIDRs of the reverse proxies in front of the server; rate limits then key on the right-most X-Forwarded-For address that is not one of them"),
	}
}

func (f serveFlags) check(cmd string) error {
	if *f.timeout <= 0 {
		return usagef("%s: --timeout %s: want a positive duration", cmd, *f.timeout)
	}
	if *f.exportTimeout <= 0 {
		return usagef("%s: --export-timeout %s: want a positive duration", cmd, *f.exportTimeout)
	}
	if _, err := server.ParseProxies(*f.proxies); err != nil {
		return usagef("%s: --trusted-proxies: %v", cmd, err)
	}
	return nil
}

func (f serveFlags) cdrOptions() cdr.Options { return cdr.Options{MemoryLimit: *f.memory} }

// notebookDir is the folder of the workspaces' notebooks in the data
// directory data.
func notebookDir(data string) string { return filepath.Join(data, "notebooks") }

// outboxDir is the folder of the messages registration sends (see
// server.FileOutbox) in the data directory data.
func outboxDir(data string) string { return filepath.Join(data, "outbox") }

// serveAPI serves the HTTP API over the open CDR dir and the state store
// of the data directory data, sending registration's messages to outbox,
// until ctx ends. Once it listens it prints the
// URL, from the listener so that port 0 shows the port taken, and calls
// ready with it when not nil.
func serveAPI(ctx context.Context, e env, f serveFlags, data, dir string, c *cdr.CDR, eng *cohort.Engine, st *store.Store, outbox server.Outbox, ready func(url string)) error {
	info, _ := c.Index()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	proxies, err := server.ParseProxies(*f.proxies)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Addr: *f.addr, Timeout: *f.timeout, ExportTimeout: *f.exportTimeout, CloseRegistration: *f.closeReg, TrustedProxies: proxies, Logger: log},
		server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info, NotebookDir: notebookDir(data), Outbox: outbox})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return fmt.Errorf("%w (--addr chooses another address; port 0 picks a free one)", err)
	}
	url := "http://" + l.Addr().String()
	fmt.Fprintf(e.stdout, "workbench: serving %s (CDR %s, %d persons) on %s\n", dir, info.VersionID, info.Persons, url)
	if ready != nil {
		ready(url)
	}
	return srv.Serve(ctx, l)
}
