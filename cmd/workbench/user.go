package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

// cliActor stands for the administrator at the command line (whoever can
// open the data directory) in approval records and the audit log.
const cliActor = "cli"

// cliApp is the services over the store s, and ctx carrying the
// administrator at the command line: the same decisions and audit records
// as an administrator's over HTTP, under the name cliActor.
func cliApp(ctx context.Context, s *store.Store) (*app.App, context.Context, error) {
	a, err := app.New(app.Config{Store: s})
	if err != nil {
		return nil, nil, err
	}
	return a, workbench.NewContext(ctx, &access.User{ID: cliActor, Email: cliActor, Name: "command line", Admin: true}), nil
}

func userCommands() []command {
	return []command{
		{"add", "add a user", runUserAdd},
		{"list", "list the users with their access tier and missing steps", runUserList},
		{"complete", "record an access step of a user (for administrators and tests)", runUserComplete},
		{"approve", "approve a user whose profile, training and code of conduct are complete", runUserApprove},
		{"disable", "disable a user: every request of theirs is refused", runUserDisable},
		{"enable", "enable a disabled user again", runUserEnable},
		{"token", "print a new bearer token of a user", runUserToken},
		{"link", "print a one-time link that signs a user in to the web pages", runUserLink},
		{"tokens", "list a user's tokens (never their secrets)", runUserTokens},
		{"revoke", "revoke one token of a user, or all of them", runUserRevoke},
	}
}

func runUser(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "user", "Manage the users of a data directory (--data DIR, created if absent).", userCommands(), args)
}

// dataFlag adds --data, which every state command takes.
func dataFlag(fs flagSet) *string {
	return fs.String("data", "", "data directory holding "+store.FileName+"; created if absent (required)")
}

// openStore opens the state store of the data directory for the command
// cmd.
func openStore(ctx context.Context, cmd, dir string) (*store.Store, error) {
	if dir == "" {
		return nil, usagef("%s: --data is required", cmd)
	}
	return store.Open(ctx, dir, store.Options{})
}

// userCommand parses the flags of a command about one user (--data and
// --email, both required, and those more adds), opens the store and finds
// the user; the caller closes the store.
func userCommand(ctx context.Context, e env, name, synopsis string, args []string, more func(fs flagSet)) (*store.Store, access.User, error) {
	fs := newFlags(e, name, synopsis)
	data := dataFlag(fs)
	email := fs.String("email", "", "the user's email (required)")
	if more != nil {
		more(fs)
	}
	if _, err := parse(fs, args, 0, 0); err != nil {
		return nil, access.User{}, err
	}
	if *email == "" {
		return nil, access.User{}, usagef("%s: --email is required", name)
	}
	s, err := openStore(ctx, name, *data)
	if err != nil {
		return nil, access.User{}, err
	}
	u, err := s.UserByEmail(ctx, *email)
	if err != nil {
		s.Close()
		return nil, access.User{}, err
	}
	return s, u, nil
}

// flagSet is the part of flag.FlagSet that commands add flags with.
type flagSet interface {
	String(name, value, usage string) *string
	Bool(name string, value bool, usage string) *bool
	Duration(name string, value time.Duration, usage string) *time.Duration
}

// closeStore closes s, reporting a failure to close when nothing else
// failed: the close checkpoints what was written.
func closeStore(s *store.Store, err *error) {
	if cerr := s.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

func runUserAdd(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "user add", "user add --data DIR --email E [--name N] [--admin]\n\nAdds a user; emails are unique whatever their case. An administrator may approve and\ndisable users and read the audit log, and sees no data without the access steps.")
	data := dataFlag(fs)
	email := fs.String("email", "", "the user's email (required)")
	name := fs.String("name", "", "the user's name")
	admin := fs.Bool("admin", false, "make the user an administrator")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *email == "" {
		return usagef("user add: --email is required")
	}
	s, err := openStore(ctx, "user add", *data)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	u, err := s.AddUser(ctx, access.User{Email: *email, Name: *name, Admin: *admin})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %s (%s)\n", u.Email, u.ID)
	return nil
}

// listedUser is a line of 'user list --json'.
type listedUser struct {
	access.User
	Status access.Status `json:"status"`
}

func runUserList(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "user list", "user list --data DIR [--json]\n\nLists every user with the access tier reached and the registered tier's steps not done.")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print as JSON, with every step")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	s, err := openStore(ctx, "user list", *data)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	users, err := s.ListUsers(ctx)
	if err != nil {
		return err
	}
	var policy access.Policy
	now := time.Now()
	listed := make([]listedUser, len(users))
	for i, u := range users {
		recs, err := s.Records(ctx, u.ID)
		if err != nil {
			return err
		}
		listed[i] = listedUser{User: u, Status: policy.Status(&u, recs, now)}
	}
	if *asJSON {
		return writeJSON(e.stdout, listed)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tID\tFLAGS\tTIER\tMISSING")
	for _, l := range listed {
		var flags, missing []string
		if l.Admin {
			flags = append(flags, "admin")
		}
		if l.Disabled {
			flags = append(flags, "disabled")
		}
		for _, st := range l.Status.Missing(access.Registered) {
			missing = append(missing, fmt.Sprintf("%s (%s)", st.Kind, st.State))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Email, l.Name, l.ID, strings.Join(flags, ","), l.Status.Tier, strings.Join(missing, ", "))
	}
	return tw.Flush()
}

// selfSteps are the steps 'user complete' records.
var selfSteps = []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct}

func runUserComplete(ctx context.Context, e env, args []string) (err error) {
	var step *string
	s, u, err := userCommand(ctx, e, "user complete",
		"user complete --data DIR --email E --step profile|ethics_training|code_of_conduct\n\n"+
			"Records that the user completed a step, now (the code of conduct: its current version).\n"+
			"Users complete their steps themselves through the server; this command is for\n"+
			"administrators and tests.",
		args, func(fs flagSet) {
			step = fs.String("step", "", "profile, ethics_training or code_of_conduct (required)")
		})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	kind := access.Requirement(*step)
	if !kind.SelfService() {
		names := make([]string, len(selfSteps))
		for i, k := range selfSteps {
			names[i] = string(k)
		}
		return usagef("user complete: --step %q: want %s", *step, strings.Join(names, ", "))
	}
	now := time.Now()
	var policy access.Policy
	rec := access.Record{UserID: u.ID, Kind: kind, CompletedAt: now}
	if kind == access.CodeOfConduct {
		rec.Version = policy.ConductVersion()
	}
	if _, err := s.PutRecord(ctx, rec); err != nil {
		return err
	}
	if err := s.AppendAudit(ctx, access.AuditRecord{Time: now, UserID: cliActor, Action: access.CompleteStep, Object: u.ID, Allowed: true}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s completed\n", u.Email, kind)
	return nil
}

func runUserApprove(ctx context.Context, e env, args []string) (err error) {
	s, u, err := userCommand(ctx, e, "user approve",
		"user approve --data DIR --email E\n\nApproves the user for the registered tier; refused, naming what is missing, until the\nuser's profile, ethics training and code of conduct are complete.", args, nil)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	a, actx, err := cliApp(ctx, s)
	if err != nil {
		return err
	}
	before, err := s.Records(ctx, u.ID)
	if err != nil {
		return err
	}
	var policy access.Policy
	if policy.Status(&u, before, time.Now()).Done(access.Approval) {
		fmt.Fprintf(e.stdout, "%s is already approved\n", u.Email)
		return nil
	}
	if _, err := a.Admin.ApproveUser(actx, u.ID); err != nil {
		return fmt.Errorf("user approve: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s approved\n", u.Email)
	return nil
}

func runUserDisable(ctx context.Context, e env, args []string) error {
	return setDisabled(ctx, e, args, true)
}

func runUserEnable(ctx context.Context, e env, args []string) error {
	return setDisabled(ctx, e, args, false)
}

// setDisabled is user disable and user enable: the same audited service
// calls as an administrator's over HTTP, with --reason for the audit log.
func setDisabled(ctx context.Context, e env, args []string, disable bool) (err error) {
	name, usage, verb := "user enable", "user enable --data DIR --email E [--reason TEXT]\n\nEnables a disabled user again: their access steps, sessions and unexpired tokens count as before.", "enabled"
	if disable {
		name, usage, verb = "user disable", "user disable --data DIR --email E [--reason TEXT]\n\nDisables the user: their tokens stop working and every request but their own status is refused.", "disabled"
	}
	var reason *string
	s, u, err := userCommand(ctx, e, name, usage, args, func(fs flagSet) {
		reason = fs.String("reason", verb+" at the command line", "why, for the audit log")
	})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	a, actx, err := cliApp(ctx, s)
	if err != nil {
		return err
	}
	change := a.Admin.EnableUser
	if disable {
		change = a.Admin.DisableUser
	}
	if err := change(actx, u.ID, *reason); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "%s %s\n", u.Email, verb)
	return nil
}

func runUserToken(ctx context.Context, e env, args []string) (err error) {
	var ttl *time.Duration
	s, u, err := userCommand(ctx, e, "user token",
		"user token --data DIR --email E [--ttl 720h]\n\nPrints a new bearer token of the user on stdout, and nothing else. Only its hash is\nkept: it cannot be shown again.",
		args, func(fs flagSet) { ttl = fs.Duration("ttl", store.DefaultTokenTTL, "how long the token is valid") })
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if *ttl <= 0 {
		return usagef("user token: --ttl %s: want a positive duration", *ttl)
	}
	if u.Disabled {
		return fmt.Errorf("user token: %s is disabled", u.Email)
	}
	plain, _, err := s.CreateToken(ctx, u.ID, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, plain)
	return nil
}

func runUserLink(ctx context.Context, e env, args []string) (err error) {
	var base *string
	s, u, err := userCommand(ctx, e, "user link",
		"user link --data DIR --email E [--url URL]\n\nPrints a link that signs the user in to the web pages once, within a day: how the\nfirst administrator of an install signs in, or a user who lost their password.",
		args, func(fs flagSet) {
			base = fs.String("url", "http://"+server.DefaultAddr, "the address the pages are served at")
		})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if u.Disabled {
		return fmt.Errorf("user link: %s is disabled", u.Email)
	}
	link, err := signInLink(ctx, s, u.ID, *base)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, link)
	return nil
}

// signInLink is a new one-time sign-in link of the user at the site base.
func signInLink(ctx context.Context, s *store.Store, userID, base string) (string, error) {
	secret, err := s.CreateSignInLink(ctx, userID, "", app.LinkTTL, time.Now())
	if err != nil {
		return "", err
	}
	return strings.TrimRight(base, "/") + "/signin/link/" + secret, nil
}

func runUserTokens(ctx context.Context, e env, args []string) (err error) {
	var asJSON *bool
	s, u, err := userCommand(ctx, e, "user tokens", "user tokens --data DIR --email E [--json]\n\nLists the user's tokens: id, creation, expiry, revocation. The secrets are not kept.",
		args, func(fs flagSet) { asJSON = fs.Bool("json", false, "print as JSON") })
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	toks, err := s.ListTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		if toks == nil {
			toks = []workbench.Token{}
		}
		return writeJSON(e.stdout, toks)
	}
	now := time.Now()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tEXPIRES\tSTATE")
	for _, t := range toks {
		state := "valid"
		switch {
		case !t.RevokedAt.IsZero():
			state = "revoked " + t.RevokedAt.Format(time.RFC3339)
		case !now.Before(t.ExpiresAt):
			state = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.CreatedAt.Format(time.RFC3339), t.ExpiresAt.Format(time.RFC3339), state)
	}
	return tw.Flush()
}

func runUserRevoke(ctx context.Context, e env, args []string) (err error) {
	var id *string
	var all *bool
	s, u, err := userCommand(ctx, e, "user revoke", "user revoke --data DIR --email E (--token ID | --all)\n\nRevokes a token of the user (its id, from 'user tokens'), or every token.",
		args, func(fs flagSet) {
			id = fs.String("token", "", "the id of the token to revoke")
			all = fs.Bool("all", false, "revoke every token of the user")
		})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if (*id == "") == !*all {
		return usagef("user revoke: want --token ID or --all")
	}
	toks, err := s.ListTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	n := 0
	for _, t := range toks {
		if (*all || t.ID == *id) && t.RevokedAt.IsZero() {
			if err := s.RevokeToken(ctx, t.ID, now); err != nil {
				return err
			}
			n++
		}
	}
	if *id != "" && n == 0 {
		return fmt.Errorf("user revoke: %s has no unrevoked token %s", u.Email, *id)
	}
	fmt.Fprintf(e.stdout, "%s: %d token(s) revoked\n", u.Email, n)
	return nil
}
