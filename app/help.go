package app

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

// HelpTopics are the topics a help request may have, in the form's order.
var HelpTopics = []string{
	"A question about the data",
	"Getting registered access",
	"A problem with the pages",
	"Something else",
}

// Limits of a help request's fields, in characters.
const (
	MaxHelpName    = 200
	MaxHelpEmail   = 254
	MaxHelpMessage = 5000
)

// HelpForm is what a visitor sends with the help form.
type HelpForm struct {
	Name, Email, Topic, Message string
}

// Validate trims the form's fields and reports every problem at once as a
// *fault.Fields, each at its field's name.
func (f *HelpForm) Validate() error {
	f.Name, f.Email, f.Topic, f.Message = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Topic), strings.TrimSpace(f.Message)
	errs := fault.Fields{Of: workbench.ErrInvalid}
	add := errs.Add
	if utf8.RuneCountInString(f.Name) > MaxHelpName {
		add("name", "Write your name in at most %d characters.", MaxHelpName)
	}
	switch a, err := mail.ParseAddress(f.Email); {
	case f.Email == "":
		add("email", "Enter an email address, so that we can answer you.")
	case err != nil || a.Address != f.Email || len(f.Email) > MaxHelpEmail || !strings.Contains(f.Email[strings.LastIndexByte(f.Email, '@')+1:], "."):
		add("email", "Enter an email address like name@example.org.")
	}
	if !slices.Contains(HelpTopics, f.Topic) {
		add("topic", "Choose a topic from the list.")
	}
	switch n := utf8.RuneCountInString(f.Message); {
	case n == 0:
		add("message", "Write your question or the problem you met.")
	case n > MaxHelpMessage:
		add("message", "Shorten your message to at most %d characters (it has %d).", MaxHelpMessage, n)
	}
	return errs.Err()
}

// HelpDesk keeps the help requests of the public pages for
// administrators; the web pages submit through it. Listing and closing
// them goes through Help, which decides and audits.
type HelpDesk struct {
	Store *store.Store
}

// Submit validates the form (a *fault.Fields) and stores it as an open
// request.
func (h HelpDesk) Submit(ctx context.Context, f HelpForm) error {
	_, err := h.Add(ctx, f)
	return err
}

// Add is Submit returning the stored request.
func (h HelpDesk) Add(ctx context.Context, f HelpForm) (workbench.HelpRequest, error) {
	if err := f.Validate(); err != nil {
		return workbench.HelpRequest{}, err
	}
	if h.Store == nil {
		return workbench.HelpRequest{}, errors.New("app: help desk without a store")
	}
	return h.Store.AddHelpRequest(ctx, workbench.HelpRequest{Name: f.Name, Email: f.Email, Topic: f.Topic, Message: f.Message})
}

// List returns the open requests, or every request when all.
func (h HelpDesk) List(ctx context.Context, all bool) ([]workbench.HelpRequest, error) {
	return h.Store.HelpRequests(ctx, all)
}

// Close closes the request id on behalf of the user by.
func (h HelpDesk) Close(ctx context.Context, id, by string) (workbench.HelpRequest, error) {
	return h.Store.CloseHelpRequest(ctx, id, by)
}

// Help is the administrators' side of the help desk, gated and audited.
type Help struct {
	gate *gate
	desk HelpDesk
}

// HelpRequests is the open help requests, or every one when all.
func (h Help) HelpRequests(ctx context.Context, all bool) ([]workbench.HelpRequest, error) {
	req, err := h.gate.check(ctx, access.ReadHelpRequests, "")
	if err != nil {
		return nil, err
	}
	out, err := h.desk.List(ctx, all)
	if err != nil {
		return nil, err
	}
	h.gate.audit(ctx, req, allowed, "", "", int64(len(out)))
	return nonNil(out), nil
}

// CloseHelpRequest closes the request id on behalf of the administrator
// of ctx.
func (h Help) CloseHelpRequest(ctx context.Context, id string) (workbench.HelpRequest, error) {
	req, err := h.gate.check(ctx, access.CloseHelpRequest, "")
	if err != nil {
		return workbench.HelpRequest{}, err
	}
	out, err := h.desk.Close(ctx, id, req.User.ID)
	if err != nil {
		return workbench.HelpRequest{}, err
	}
	h.gate.audit(ctx, req, allowed, "", id, 1)
	return out, nil
}
