package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/web"
)

const (
	demoPersons = 10000
	demoSeed    = 1
	// demoTokensFile, in the demo's data directory, holds the plaintext
	// tokens of the demo users: the store keeps only their hashes.
	demoTokensFile = "demo-tokens.json"
	// demoTokenTTL is how long a demo token is issued for; one that would
	// expire within demoTokenMargin is issued anew.
	demoTokenTTL    = 90 * 24 * time.Hour
	demoTokenMargin = 24 * time.Hour
	demoWorkspace   = "Demo workspace"
	// demoCondition names the standard condition concept of the example
	// cohort and concept set, a real SNOMED concept of the synthetic
	// vocabulary: with its descendants, about one synthetic person in
	// thirteen has it.
	demoCondition = "Type 2 diabetes mellitus"
	// demoDataset names the example dataset and its starter notebook.
	demoDataset = "Type 2 diabetes mellitus conditions"
)

// demoUsers are the users the demo makes: an administrator, a researcher
// with every registered-tier step done, and one who has done only some.
var demoUsers = struct{ admin, researcher, pending demoUser }{
	admin:      demoUser{email: "admin@workbench.test", name: "Demo Administrator", admin: true},
	researcher: demoUser{email: "researcher@workbench.test", name: "Demo Researcher", steps: registeredSteps()},
	pending:    demoUser{email: "pending@workbench.test", name: "Demo Pending Researcher", steps: []access.Requirement{access.Profile, access.EthicsTraining}},
}

// demoUser is a user of the demo and the access steps recorded for them.
type demoUser struct {
	email, name string
	admin       bool
	steps       []access.Requirement
}

// registeredSteps are the steps that give the registered tier, approval
// last.
func registeredSteps() []access.Requirement {
	var out []access.Requirement
	for _, r := range access.Requirements() {
		if r.Tier() == access.Registered {
			out = append(out, r)
		}
	}
	return out
}

// demoTokens is the content of demoTokensFile.
type demoTokens struct {
	Admin      string `json:"admin"`
	Researcher string `json:"researcher"`
	Pending    string `json:"pending"`
}

// demoState is what the demo made in the state store.
type demoState struct {
	admin, researcher, pending access.User
	workspace                  workbench.Workspace
	cohort                     workbench.Cohort
	dataset                    workbench.Dataset
}

func runDemo(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "demo", "demo [--data DIR] [--addr HOST:PORT] [--timeout D] [--export-timeout D] [--memory-limit M] [--trusted-proxies CIDRS] [--jupyterlab PATH] [--lab-idle D]\n\n"+
		"Serves a working workbench over a 10,000-person synthetic CDR with three users: an\n"+
		"administrator, an approved researcher who owns a workspace holding an example cohort,\n"+
		"concept set, dataset and notebook, and a researcher who has not finished the access\n"+
		"steps, a reader of that workspace. Their bearer tokens are in DIR/"+demoTokensFile+".\n"+
		"The first run generates and indexes the CDR (DIR/cdr), builds its public release with\n"+
		"keyed noise (DIR/public, served as the web pages at /) and makes the state\n"+
		"(DIR/"+store.FileName+", DIR/notebooks); later runs reuse them, and the tokens while they\n"+
		"are valid. Serves until interrupted (SIGINT, SIGTERM), then shuts down gracefully.")
	data := fs.String("data", "", "the demo's data directory (default: workbench/demo in the user cache folder)")
	sf := addServeFlags(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := sf.check("demo"); err != nil {
		return err
	}
	if *data == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		*data = filepath.Join(cache, "workbench", "demo")
	}
	dir := filepath.Join(*data, "cdr")
	if err := demoCDR(ctx, e, dir, sf.cdrOptions()); err != nil {
		return err
	}
	st, err := store.Open(ctx, *data, store.Options{})
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	c, eng, err := openEngine(ctx, dir, sf.cdrOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	now := time.Now()
	ds, err := makeDemoState(ctx, st, eng, notebook.Files{Root: notebookDir(*data)}, now)
	if err != nil {
		return err
	}
	tokensPath := filepath.Join(*data, demoTokensFile)
	renewed, err := demoTokenFile(ctx, st, tokensPath, ds, now)
	if err != nil {
		return err
	}
	cfg, err := demoReleaseConfig(*data)
	if err != nil {
		return err
	}
	rel, err := ensureRelease(ctx, e, c, releaseDir(*data), cfg)
	if err != nil {
		return err
	}
	lab, err := sf.lab(e)
	if err != nil {
		return err
	}
	defer lab.Close()
	site := siteOf(rel, st, lab, web.Config{})
	// The demo shows on its terminal what registration sends.
	info, _ := c.Index()
	return serveAPI(ctx, e, sf, *data, dir, info, c.Schema(), eng, st, rel, site, lab, &app.WriterOutbox{W: e.stdout}, func(url string) {
		fmt.Fprintf(e.stdout, "the public pages (Data Browser, Survey Explorer): %s/\n", url)
		// One-time links, new at each start: the demo's users have no
		// password until they choose one.
		for _, u := range []struct {
			who  string
			user access.User
		}{{"the researcher", ds.researcher}, {"the administrator", ds.admin}} {
			if link, err := signInLink(ctx, st, u.user.ID, url); err == nil {
				fmt.Fprintf(e.stdout, "the Researcher Workbench as %s (%s), a one-time sign-in link: %s\n", u.who, u.user.Email, link)
			}
		}
		if renewed {
			fmt.Fprintf(e.stdout, "new tokens of the demo users (admin, researcher, pending) written to %s\n", tokensPath)
		} else {
			fmt.Fprintf(e.stdout, "tokens of the demo users (admin, researcher, pending): %s\n", tokensPath)
		}
		ws := ds.workspace.ID
		fmt.Fprintf(e.stdout, "the researcher's workspace %q (%s) holds the cohort %q (%s) and the dataset %q (%s); try:\n",
			ds.workspace.Name, ws, ds.cohort.Name, ds.cohort.ID, ds.dataset.Name, ds.dataset.ID)
		fmt.Fprintf(e.stdout, "  TOKEN=$(sed -n 's/.*\"researcher\": \"\\(.*\\)\".*/\\1/p' %s)\n", tokensPath)
		fmt.Fprintf(e.stdout, "  curl -H \"Authorization: Bearer $TOKEN\" %s/v1/workspaces/%s/cohorts/%s/count\n", url, ws, ds.cohort.ID)
		fmt.Fprintf(e.stdout, "  curl -H \"Authorization: Bearer $TOKEN\" '%s/v1/workspaces/%s/datasets/%s/export?domain=CONDITION&format=csv'\n", url, ws, ds.dataset.ID)
		fmt.Fprintf(e.stdout, "  curl %s/v1/public/totals   # the public tier: no token\n", url)
		fmt.Fprintf(e.stdout, "the workspace's notebooks in Jupyter: workbench notebook --data %s --workspace %s --url %s\n", *data, ws, url)
	})
}

// demoCDR generates the demo CDR in dir unless it exists, indexes it
// unless its index is current (within opt's memory limit), and prints a
// summary.
func demoCDR(ctx context.Context, e env, dir string, opt cdr.Options) error {
	bar := newProgress(e.stderr)
	defer bar.done()
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stdout, "generating a %d-person synthetic CDR in %s\n", demoPersons, dir)
		if _, err := synth.Generate(ctx, dir, synth.Options{Persons: demoPersons, Seed: demoSeed, Progress: bar.update}); err != nil {
			return err
		}
	}
	// A demo CDR indexed by an older version is indexed again.
	var info cdr.IndexInfo
	indexed := false
	c, err := cdr.Open(ctx, dir, opt)
	switch {
	case errors.Is(err, cdr.ErrIndexStale):
	case err != nil:
		return err
	default:
		info, indexed = c.Index()
		c.Close()
	}
	if !indexed {
		start := time.Now()
		if info, err = cdr.Index(ctx, dir, cdr.IndexOptions{Options: opt, Progress: bar.update}); err != nil {
			return err
		}
		bar.done()
		printIndex(e.stdout, dir, info, time.Since(start))
	}
	bar.done()
	return demoSummary(ctx, e.stdout, dir)
}

// demoSummary prints what the demo CDR holds, read from its index.
func demoSummary(ctx context.Context, w io.Writer, dir string) error {
	c, err := cdr.Open(ctx, dir, cdr.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	info, _ := c.Index()
	fmt.Fprintf(w, "CDR %s (OMOP CDM %s, version %s, reference date %s)\n", dir, info.CDMVersion, info.VersionID, info.ReferenceDate)
	fmt.Fprintf(w, "%d persons, %d indexed events\n\n", info.Persons, info.Events)
	counts, err := c.DomainCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-22s %12s %10s\n", "DOMAIN", "EVENTS", "PERSONS")
	for _, d := range counts {
		fmt.Fprintf(w, "%-22s %12d %10d\n", d.Domain, d.Events, d.Persons)
	}
	fmt.Fprintln(w)
	return nil
}

// makeDemoState makes, or finds from an earlier run, the demo users with
// their steps and the researcher's workspace with the example cohort,
// concept set and dataset, and a starter notebook of the dataset among the
// workspace's notebooks. Steps that are missing or expired at now are
// recorded again, so a demo started a year later still has an approved
// researcher.
func makeDemoState(ctx context.Context, st *store.Store, eng *engine.Engine, notebooks notebook.Files, now time.Time) (demoState, error) {
	var ds demoState
	var err error
	for _, u := range []struct {
		spec demoUser
		out  *access.User
	}{{demoUsers.admin, &ds.admin}, {demoUsers.researcher, &ds.researcher}, {demoUsers.pending, &ds.pending}} {
		if *u.out, err = u.spec.make(ctx, st, now); err != nil {
			return ds, err
		}
	}
	if ds.workspace, err = demoWorkspaceOf(ctx, st, ds.researcher, ds.pending); err != nil {
		return ds, err
	}
	concept, err := demoConcept(ctx, eng)
	if err != nil {
		return ds, err
	}
	if ds.cohort, err = demoCohort(ctx, st, ds, concept); err != nil {
		return ds, err
	}
	set, err := demoConceptSet(ctx, st, ds, concept)
	if err != nil {
		return ds, err
	}
	datasets, err := st.ListDatasets(ctx, ds.workspace.ID)
	if err != nil {
		return ds, err
	}
	if i := slices.IndexFunc(datasets, func(d workbench.Dataset) bool { return d.Name == demoDataset }); i >= 0 {
		ds.dataset = datasets[i]
		return ds, nil
	}
	columns := map[cohort.Domain][]string{
		cohort.DomainPerson:    {"person_id", "year_of_birth", "gender_concept_name", "race_concept_name", "ethnicity_concept_name"},
		cohort.DomainCondition: {"person_id", "condition_concept_id", "condition_concept_name", "condition_start_date"},
	}
	cat, err := eng.DatasetCatalog(ctx)
	if err != nil {
		return ds, err
	}
	if err := cat.Check(columns); err != nil {
		return ds, fmt.Errorf("demo: the example dataset: %w", err)
	}
	ds.dataset, err = st.CreateDataset(ctx, ds.researcher.ID, workbench.Dataset{
		WorkspaceID: ds.workspace.ID, Name: demoDataset,
		Description: "The example cohort's persons and their conditions of the example concept set",
		CohortIDs:   []string{ds.cohort.ID}, ConceptSetIDs: []string{set.ID}, Columns: columns,
	})
	if err != nil {
		return ds, err
	}
	nb, err := notebook.StarterNotebook(workbench.Dataset{
		ID: ds.dataset.ID, WorkspaceID: ds.workspace.ID, Name: ds.dataset.Name, Description: ds.dataset.Description,
		CohortIDs: ds.dataset.CohortIDs, ConceptSetIDs: ds.dataset.ConceptSetIDs, Columns: ds.dataset.Columns,
	})
	if err != nil {
		return ds, err
	}
	if _, err := notebooks.Create(ds.workspace.ID, demoDataset, nb); err != nil && !errors.Is(err, notebook.ErrExists) {
		return ds, err
	}
	return ds, nil
}

// demoCohort is the example cohort of the demo workspace: the persons with
// the concept or a descendant. It is saved when absent.
func demoCohort(ctx context.Context, st *store.Store, ds demoState, concept engine.Concept) (workbench.Cohort, error) {
	cohorts, err := st.ListCohorts(ctx, ds.workspace.ID)
	if err != nil {
		return workbench.Cohort{}, err
	}
	if i := slices.IndexFunc(cohorts, func(c workbench.Cohort) bool { return c.Name == demoCondition }); i >= 0 {
		return cohorts[i], nil
	}
	def := &cohort.Definition{Includes: []cohort.Group{{
		ID: "includes_1",
		Items: []cohort.Item{{
			ID:   "items_1",
			Type: cohort.DomainCondition,
			Parameters: []cohort.Parameter{{
				ParameterID: "param1", Name: concept.Name, Domain: cohort.DomainCondition,
				Type: cohort.CriteriaType(concept.VocabularyID), Group: true, Standard: true, ConceptID: concept.ID,
			}},
		}},
	}}}
	if err := def.Validate(); err != nil {
		return workbench.Cohort{}, fmt.Errorf("demo: the example cohort: %w", err)
	}
	b, err := def.MarshalJSON()
	if err != nil {
		return workbench.Cohort{}, err
	}
	return st.CreateCohort(ctx, ds.researcher.ID, workbench.Cohort{
		WorkspaceID: ds.workspace.ID, Name: demoCondition,
		Description: "Persons with a condition of " + concept.Name + " or any of its descendants", Definition: b,
	})
}

// demoConceptSet is the example concept set of the demo workspace: the
// concept and its descendants. It is saved when absent.
func demoConceptSet(ctx context.Context, st *store.Store, ds demoState, concept engine.Concept) (workbench.ConceptSet, error) {
	sets, err := st.ListConceptSets(ctx, ds.workspace.ID)
	if err != nil {
		return workbench.ConceptSet{}, err
	}
	if i := slices.IndexFunc(sets, func(c workbench.ConceptSet) bool { return c.Name == demoCondition }); i >= 0 {
		return sets[i], nil
	}
	set := &cohort.ConceptSet{Name: demoCondition, Items: []cohort.ConceptSetItem{{ConceptID: concept.ID, IncludeDescendants: true}}}
	if err := set.Validate(); err != nil {
		return workbench.ConceptSet{}, fmt.Errorf("demo: the example concept set: %w", err)
	}
	b, err := set.MarshalJSON()
	if err != nil {
		return workbench.ConceptSet{}, err
	}
	return st.CreateConceptSet(ctx, ds.researcher.ID, workbench.ConceptSet{
		WorkspaceID: ds.workspace.ID, Name: demoCondition,
		Description: concept.Name + " and every descendant concept", Definition: b,
	})
}

// make finds the user by email or adds them, and records the steps of
// theirs that are missing at now, as the CLI's 'user complete' and 'user
// approve' would, audited alike.
func (d demoUser) make(ctx context.Context, st *store.Store, now time.Time) (access.User, error) {
	u, err := st.UserByEmail(ctx, d.email)
	if errors.Is(err, workbench.ErrNotFound) {
		u, err = st.AddUser(ctx, access.User{Email: d.email, Name: d.name, Admin: d.admin})
	}
	if err != nil {
		return u, err
	}
	recs, err := st.Records(ctx, u.ID)
	if err != nil {
		return u, err
	}
	var policy access.Policy
	for _, step := range policy.Status(&u, recs, now).Steps {
		if step.State == access.StepDone || !slices.Contains(d.steps, step.Kind) {
			continue
		}
		rec := access.Record{UserID: u.ID, Kind: step.Kind, CompletedAt: now}
		action := access.CompleteStep
		switch step.Kind {
		case access.CodeOfConduct:
			rec.Version = policy.ConductVersion()
		case access.Approval:
			rec.By, action = cliActor, access.ApproveUser
		}
		if _, err := st.PutRecord(ctx, rec); err != nil {
			return u, err
		}
		if err := st.AppendAudit(ctx, access.AuditRecord{Time: now, UserID: cliActor, Action: action, Object: u.ID, Allowed: true}); err != nil {
			return u, err
		}
	}
	return u, nil
}

// demoWorkspaceOf is the demo workspace the researcher owns. When absent
// it is created and shared with the reader, whose requests the access
// steps then refuse (403) rather than the missing role (404).
func demoWorkspaceOf(ctx context.Context, st *store.Store, researcher, reader access.User) (workbench.Workspace, error) {
	ms, err := st.ListWorkspaces(ctx, researcher.ID)
	if err != nil {
		return workbench.Workspace{}, err
	}
	for _, m := range ms {
		if m.Name == demoWorkspace && m.Role == access.Owner {
			return m.Workspace, nil
		}
	}
	ws, err := st.CreateWorkspace(ctx, researcher.ID, workbench.Workspace{
		Name:        demoWorkspace,
		Description: "The demo's example workspace over the synthetic CDR.",
		ResearchPurpose: workbench.ResearchPurpose{
			IntendedStudy: "How is diabetes mellitus distributed by age, sex and race in the synthetic population, and what else do those persons have?",
			Approach:      "A cohort of the condition and its descendants, its demographics and top concepts, and a dataset of its conditions analysed in a notebook.",
			Uses:          []workbench.Use{workbench.MethodsDevelopment, workbench.Educational},
		},
		Tier: access.Registered,
	})
	if err != nil {
		return ws, err
	}
	return ws, st.SetRole(ctx, ws.ID, reader.ID, access.Reader)
}

// demoConcept finds the standard condition concept named demoCondition in
// the CDR's vocabulary: by name rather than id, so that the demo says what
// it means and fails clearly on a vocabulary without it.
func demoConcept(ctx context.Context, eng *engine.Engine) (engine.Concept, error) {
	standard := true
	found, err := eng.SearchConcepts(ctx, engine.ConceptSearch{Query: demoCondition, Domain: "Condition", Standard: &standard})
	if err != nil {
		return engine.Concept{}, err
	}
	for _, c := range found {
		if c.Name == demoCondition {
			return c, nil
		}
	}
	return engine.Concept{}, fmt.Errorf("demo: the CDR has no standard condition concept named %q", demoCondition)
}

// demoTokenFile makes sure the file at path holds a token of each demo
// user that is valid for at least demoTokenMargin after now: it keeps the
// tokens there that are, issues the others anew, and rewrites the file
// (mode 0600) when it issued any. It reports whether it did.
func demoTokenFile(ctx context.Context, st *store.Store, path string, ds demoState, now time.Time) (bool, error) {
	var toks demoTokens
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return false, err
	default:
		// A file that does not parse gets new tokens, like one that is absent.
		if json.Unmarshal(b, &toks) != nil {
			toks = demoTokens{}
		}
	}
	renewed := false
	for _, t := range []struct {
		tok  *string
		user access.User
	}{{&toks.Admin, ds.admin}, {&toks.Researcher, ds.researcher}, {&toks.Pending, ds.pending}} {
		if *t.tok != "" {
			// A user an administrator disabled keeps a token that is
			// otherwise valid (Authenticate returns them): a new one would
			// not work either.
			u, err := st.Authenticate(ctx, *t.tok, now.Add(demoTokenMargin))
			if err == nil && u.ID == t.user.ID {
				continue
			}
		}
		if *t.tok, _, err = st.CreateToken(ctx, t.user.ID, demoTokenTTL, now); err != nil {
			return false, err
		}
		renewed = true
	}
	if !renewed {
		return false, nil
	}
	return true, writePrivate(path, toks)
}

// writePrivate writes v as indented JSON to path, readable by the owner
// only, through a temporary file so that the file is never half written.
func writePrivate(path string, v any) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = writeJSON(f, v)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// printRows prints a table -> row count map sorted by table.
func printRows(w io.Writer, rows map[string]int64) {
	names := make([]string, 0, len(rows))
	for t := range rows {
		names = append(names, t)
	}
	slices.Sort(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range names {
		fmt.Fprintf(tw, "  %s\t%d\n", t, rows[t])
	}
	tw.Flush()
}
