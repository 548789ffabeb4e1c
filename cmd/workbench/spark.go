package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/spark"
	"github.com/openworkbench/workbench/web"
)

// serveSpark serves the API with the Spark engine: the queries run on the
// Spark Connect server remote over the CDR loc, which the cluster reads;
// this machine keeps the state store and the public release.
func serveSpark(ctx context.Context, e env, sf serveFlags, remote, loc, data, pub string, oidc app.OIDCConfig) (err error) {
	eng, err := spark.Open(ctx, remote, loc, spark.Options{})
	if err != nil {
		return err
	}
	defer eng.Close()
	st, err := openStore(ctx, "serve", data)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	idx := eng.Index()
	info := cdr.IndexInfo{Layout: idx.Layout, VersionID: idx.VersionID, ReferenceDate: idx.ReferenceDate, CDMVersion: cdr.Version(idx.CDMVersion), Persons: idx.Persons}
	schema, err := cdr.SchemaFor(info.CDMVersion)
	if err != nil {
		schema, _ = cdr.SchemaFor(cdr.V53)
	}
	rel, err := sparkRelease(ctx, e, loc, data, pub, idx.VersionID)
	if err != nil {
		return err
	}
	lab, err := sf.lab(e)
	if err != nil {
		return err
	}
	defer lab.Close()
	var site func(*app.App) (http.Handler, error)
	if rel != nil {
		site = siteOf(rel, st, lab, web.Config{OIDC: oidc})
	}
	return serveAPI(ctx, e, sf, data, fmt.Sprintf("%s on Spark at %s", eng.CDR(), remote), info, schema, eng, st, rel, site, lab, app.FileOutbox{Dir: outboxDir(data)}, nil)
}

// sparkRelease is the public release of a server on Spark: PUBDIR when
// given; else DATA/public when it was built of this CDR version; else,
// for a CDR in a local folder, one built there with DuckDB as a DuckDB
// server does. A CDR that only the cluster reads has none until 'workbench
// public build' makes one: the public tier and the web pages are then off.
func sparkRelease(ctx context.Context, e env, loc, data, pub, version string) (*public.Release, error) {
	if pub != "" {
		return public.Open(pub)
	}
	dir := releaseDir(data)
	if r, err := public.Open(dir); err == nil && r.Manifest().CDRVersionID == version {
		return r, nil
	}
	local, ok := strings.CutPrefix(loc, "file://")
	if !ok {
		fmt.Fprintf(e.stderr, "workbench: no public release of CDR %s: the public tier and the web pages are off (build one with 'workbench public build' and pass --public)\n", version)
		return nil, nil
	}
	c, err := cdr.Open(ctx, local, cdr.Options{})
	if err != nil {
		return nil, fmt.Errorf("building the public release: %w", err)
	}
	defer c.Close()
	return ensureRelease(ctx, e, c, dir, public.Config{})
}

// sparkIndex builds the index of the CDR loc with the Spark Connect
// server remote (spark.BuildIndex) and returns what its meta.json says.
func sparkIndex(ctx context.Context, remote, loc string, progress cdr.Progress) (cdr.IndexInfo, error) {
	idx, err := spark.BuildIndex(ctx, remote, loc, spark.IndexOptions{Progress: progress})
	if err != nil {
		return cdr.IndexInfo{}, err
	}
	return cdr.IndexInfo{Layout: idx.Layout, VersionID: idx.VersionID, ReferenceDate: idx.ReferenceDate, CDMVersion: cdr.Version(idx.CDMVersion),
		Persons: idx.Persons, Events: idx.Events, BuiltAt: idx.BuiltAt}, nil
}
