package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/store"
	jupyterlab "github.com/openworkbench/workbench/jupyter"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/server"
	"github.com/openworkbench/workbench/web"
)

func runServe(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "serve", "serve --data DIR --cdr DIR [--engine duckdb|spark --spark sc://HOST:PORT] [--public PUBDIR] [--addr HOST:PORT] [--timeout D] [--export-timeout D] [--memory-limit M] [--close-registration] [--trusted-proxies CIDRS] [--jupyterlab PATH] [--lab-idle D]\n"+
		"             [--oidc-issuer URL --oidc-client-id ID --oidc-secret-file FILE --oidc-redirect-url URL]\n"+
		"       serve --public PUBDIR [--addr HOST:PORT] [--trusted-proxies CIDRS]\n\n"+
		"Serves the HTTP API over the indexed CDR, with the users, workspaces and audit log of\n"+
		"the data directory, until interrupted (SIGINT, SIGTERM), then shuts down gracefully.\n"+
		"The public tier answers from the public release PUBDIR ('workbench public build'); without\n"+
		"--public, from DIR/public of the data directory, built there when missing or of another\n"+
		"CDR version. With --public alone the server is a public one: the public tier and the\n"+
		"data dictionary, with no row-level data on its machine. The public web pages (Data\n"+
		"Browser, Survey Explorer) are served at / from the same release. With --oidc-issuer,\n"+
		"researchers may sign in through their institution's OpenID provider as well.\n\n"+
		"With --engine spark the queries run on a Spark Connect server (--spark) over the CDR\n"+
		"as the cluster reads it (--cdr: a folder or a file://, s3a://, abfss:// or hdfs:// URI),\n"+
		"indexed by 'workbench cdr index'. What Spark does not run yet (concept search, Circe\n"+
		"cohorts) answers 503 naming it.")
	data := fs.String("data", "", "data directory: the state file and notebooks (required with --cdr)")
	dir := fs.String("cdr", "", "folder of the indexed CDR (required unless --public alone); with --engine spark, a folder or URI that the Spark cluster reads (file://, s3a://, abfss://, hdfs://)")
	eng := fs.String("engine", "duckdb", "what runs the queries: duckdb, in this process, or spark, a Spark Connect server (--spark)")
	remote := fs.String("spark", "", "the Spark Connect server of --engine spark (sc://HOST:15002)")
	pub := fs.String("public", "", "folder of the public release to serve")
	sf := addServeFlags(fs)
	of := addOIDCFlags(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := sf.check("serve"); err != nil {
		return err
	}
	oidc, err := of.config()
	if err != nil {
		return err
	}
	switch {
	case *eng != "duckdb" && *eng != "spark":
		return usagef("serve: --engine %q: want duckdb or spark", *eng)
	case *eng == "spark" && *remote == "":
		return usagef("serve: --engine spark needs --spark sc://HOST:PORT, the Spark Connect server")
	case *eng != "spark" && *remote != "":
		return usagef("serve: --spark is the server of --engine spark")
	case *eng == "spark" && *sf.memory != "":
		return usagef("serve: --memory-limit is DuckDB's; the Spark cluster sets its own")
	}
	if *dir == "" && *data == "" && *pub != "" && *eng == "duckdb" {
		return servePublic(ctx, e, sf, *pub)
	}
	if *dir == "" || *data == "" {
		return usagef("serve: --cdr and --data are required (or --public alone for a public server)")
	}
	if *eng == "spark" {
		return serveSpark(ctx, e, sf, *remote, *dir, *data, *pub, oidc)
	}
	st, err := openStore(ctx, "serve", *data)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	c, duck, err := openEngine(ctx, *dir, sf.cdrOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	var rel *public.Release
	if *pub != "" {
		rel, err = public.Open(*pub)
	} else {
		rel, err = ensureRelease(ctx, e, c, releaseDir(*data), public.Config{})
	}
	if err != nil {
		return err
	}
	lab, err := sf.lab(e)
	if err != nil {
		return err
	}
	defer lab.Close()
	site := siteOf(rel, st, lab, web.Config{OIDC: oidc})
	// An operator forwards what registration sends, or has a mail system
	// pick it up.
	info, _ := c.Index()
	return serveAPI(ctx, e, sf, *data, *dir, info, c.Schema(), duck, st, rel, site, lab, app.FileOutbox{Dir: outboxDir(*data)}, nil)
}

// servePublic serves the public tier and the public pages of the release
// dir alone.
func servePublic(ctx context.Context, e env, f serveFlags, dir string) error {
	rel, err := public.Open(dir)
	if err != nil {
		return err
	}
	schema, err := cdr.SchemaFor(cdr.V53)
	if err != nil {
		return err
	}
	site := siteOf(rel, nil, nil, web.Config{})
	srv, err := newServer(e, f, server.Deps{Release: rel, Schema: schema, Site: site})
	if err != nil {
		return err
	}
	m := rel.Manifest()
	return listen(ctx, e, f, srv, fmt.Sprintf("the public release %s (CDR %s)", dir, m.CDRVersionID), nil)
}

// serveFlags are the flags of serving the API, which serve and demo share.
type serveFlags struct {
	addr          *string
	timeout       *time.Duration
	exportTimeout *time.Duration
	memory        *string
	closeReg      *bool
	proxies       *string
	jupyterlab    *string
	labIdle       *time.Duration
}

func addServeFlags(fs *flag.FlagSet) serveFlags {
	return serveFlags{
		addr:          fs.String("addr", server.DefaultAddr, "address to listen on; port 0 picks a free one"),
		timeout:       fs.Duration("timeout", server.DefaultTimeout, "longest a request may take; its query is cancelled then"),
		exportTimeout: fs.Duration("export-timeout", server.DefaultExportTimeout, "longest a dataset export may take"),
		memory:        fs.String("memory-limit", "", "DuckDB memory limit of the CDR (\"4GB\"); empty: DuckDB's default"),
		closeReg:      fs.Bool("close-registration", false, "refuse self-registration (POST /v1/register); users are then added with 'workbench user add'"),
		proxies:       fs.String("trusted-proxies", "", "comma-separated CIDRs of the reverse proxies in front of the server; rate limits then key on the right-most X-Forwarded-For address that is not one of them"),
		jupyterlab:    fs.String("jupyterlab", "", "the jupyter-lab program of the workspaces' JupyterLab in the web pages; empty: $WORKBENCH_JUPYTERLAB, else jupyter-lab on PATH"),
		labIdle:       fs.Duration("lab-idle", 30*time.Minute, "how long a workspace's JupyterLab server runs without a request before it is stopped"),
	}
}

func (f serveFlags) check(cmd string) error {
	if *f.timeout <= 0 {
		return usagef("%s: --timeout %s: want a positive duration", cmd, *f.timeout)
	}
	if *f.exportTimeout <= 0 {
		return usagef("%s: --export-timeout %s: want a positive duration", cmd, *f.exportTimeout)
	}
	if *f.labIdle <= 0 {
		return usagef("%s: --lab-idle %s: want a positive duration", cmd, *f.labIdle)
	}
	if _, err := server.ParseProxies(*f.proxies); err != nil {
		return usagef("%s: --trusted-proxies: %v", cmd, err)
	}
	return nil
}

// lab is the manager of the workspaces' JupyterLab servers, with the
// program of --jupyterlab, else the one package jupyter finds; the pages
// say how to install it when there is none. Close it to stop them.
func (f serveFlags) lab(e env) (*jupyterlab.Manager, error) {
	cfg := jupyterlab.Config{Logger: slog.New(slog.NewTextHandler(e.stderr, nil)), IdleTimeout: *f.labIdle}
	if *f.jupyterlab != "" {
		cfg.Command = []string{*f.jupyterlab}
	}
	return jupyterlab.New(cfg)
}

func (f serveFlags) cdrOptions() cdr.Options { return cdr.Options{MemoryLimit: *f.memory} }

// notebookDir is the folder of the workspaces' notebooks in the data
// directory data.
func notebookDir(data string) string { return filepath.Join(data, "notebooks") }

// outboxDir is the folder of the messages registration sends (see
// server.FileOutbox) in the data directory data.
func outboxDir(data string) string { return filepath.Join(data, "outbox") }

// serveAPI serves the HTTP API over the engine eng of the CDR dir (with
// its index info and schema) and the state store of the data directory
// data, sending registration's messages to outbox, until ctx ends. Once
// it listens it prints the URL, from the listener so that port 0 shows
// the port taken, and calls ready with it when not nil. A site not nil is
// served at /; the services stop the JupyterLab servers of lab that
// their users lose.
func serveAPI(ctx context.Context, e env, f serveFlags, data, dir string, info cdr.IndexInfo, schema *cdr.Schema, eng workbench.Engine, st *store.Store, rel *public.Release, site func(*app.App) (http.Handler, error), lab *jupyterlab.Manager, outbox app.Outbox, ready func(url string)) error {
	srv, err := newServer(e, f, server.Deps{Engine: eng, Store: st, Release: rel, Schema: schema, Index: info, NotebookDir: notebookDir(data), Site: site, Labs: lab, Outbox: outbox})
	if err != nil {
		return err
	}
	return listen(ctx, e, f, srv, fmt.Sprintf("%s (CDR %s, %d persons)", dir, info.VersionID, info.Persons), ready)
}

// newServer is the server of the flags f over deps, logging to stderr.
func newServer(e env, f serveFlags, deps server.Deps) (*server.Server, error) {
	proxies, err := server.ParseProxies(*f.proxies)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	return server.New(server.Config{Addr: *f.addr, Timeout: *f.timeout, ExportTimeout: *f.exportTimeout, CloseRegistration: *f.closeReg, TrustedProxies: proxies, Logger: log}, deps)
}

// listen serves srv on the address of f until ctx ends, printing what it
// serves and its URL, from the listener so that port 0 shows the port
// taken, and calling ready with it when not nil.
func listen(ctx context.Context, e env, f serveFlags, srv *server.Server, what string, ready func(url string)) error {
	l, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return fmt.Errorf("%w (--addr chooses another address; port 0 picks a free one)", err)
	}
	url := "http://" + l.Addr().String()
	fmt.Fprintf(e.stdout, "workbench: serving %s on %s\n", what, url)
	if ready != nil {
		ready(url)
	}
	return srv.Serve(ctx, l)
}
