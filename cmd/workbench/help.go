package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

func helpRequestCommands() []command {
	return []command{
		{"list", "list the open help requests sent with the public pages' help form", runHelpList},
		{"close", "close a help request once it is answered", runHelpClose},
	}
}

func runHelpRequests(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "help-requests", "Read and close the requests of the public pages' help form.", helpRequestCommands(), args)
}

func runHelpList(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "help-requests list", "help-requests list --data DIR [--all] [--json]\n\n"+
		"Prints the open help requests, oldest first, with their messages; --all adds the closed ones.")
	data := dataFlag(fs)
	all := fs.Bool("all", false, "list closed requests too")
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	s, err := openStore(ctx, "help-requests list", *data)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	a, actx, err := cliApp(ctx, s)
	if err != nil {
		return err
	}
	list, err := a.Help.HelpRequests(actx, *all)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no help request")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSENT\tFROM\tTOPIC\tCLOSED")
	for _, h := range list {
		closed := ""
		if !h.ClosedAt.IsZero() {
			closed = h.ClosedAt.Format(time.RFC3339) + " by " + h.ClosedBy
		}
		from := h.Email
		if h.Name != "" {
			from = h.Name + " <" + h.Email + ">"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.CreatedAt.Format(time.RFC3339), from, h.Topic, closed)
		fmt.Fprintf(tw, "\t%s\n", strings.ReplaceAll(h.Message, "\n", "\n\t"))
	}
	return tw.Flush()
}

func runHelpClose(ctx context.Context, e env, args []string) (err error) {
	fs := newFlags(e, "help-requests close", "help-requests close --data DIR ID...\n\n"+
		"Closes the help requests, recorded as closed by "+cliActor+" and written to the audit log.")
	data := dataFlag(fs)
	ids, err := parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, "help-requests close", *data)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	a, actx, err := cliApp(ctx, s)
	if err != nil {
		return err
	}
	for _, id := range ids {
		h, err := a.Help.CloseHelpRequest(actx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "closed %s (%s, %s)\n", h.ID, h.Email, h.Topic)
	}
	return nil
}
