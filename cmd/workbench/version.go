package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/store"
)

// versionInfo is what `workbench version` prints: what built this binary,
// and the versions of the files it reads and writes.
type versionInfo struct {
	Module      string `json:"module"`
	Version     string `json:"version"`
	Revision    string `json:"revision,omitempty"`
	Time        string `json:"time,omitempty"`
	Modified    bool   `json:"modified,omitempty"`
	Go          string `json:"go"`
	IndexLayout int    `json:"index_layout"`
	StateSchema int    `json:"state_schema"`
}

func buildVersion() versionInfo {
	v := versionInfo{Version: "(unknown)", Go: runtime.Version(), IndexLayout: cdr.IndexLayout, StateSchema: store.SchemaVersion()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module, v.Version = info.Main.Path, info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func runVersion(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "version", "version [--json]\n\nPrints the module version and VCS revision of this build, the Go version, and the\nversions of the CDR index layout and of the state file's schema it reads and writes.")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	v := buildVersion()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	rev := v.Revision
	if rev == "" {
		rev = "(no VCS information)"
	} else if v.Modified {
		rev += " (modified)"
	}
	fmt.Fprintf(e.stdout, "workbench %s\nmodule %s\nrevision %s\n%s\nindex layout %d\nstate schema %d\n", v.Version, v.Module, rev, v.Go, v.IndexLayout, v.StateSchema)
	return nil
}
