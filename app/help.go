// Package app holds the application services that the HTTP API, the web
// pages and the CLI call alike.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

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

// FieldError is one problem of a form, at its field.
type FieldError struct {
	Field, Msg string
}

// FieldErrors is every problem of a form at once.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Msg
	}
	return "app: invalid: " + strings.Join(parts, "; ")
}

// Of is the message of field, or "".
func (e FieldErrors) Of(field string) string {
	for _, f := range e {
		if f.Field == field {
			return f.Msg
		}
	}
	return ""
}

// Validate trims the form's fields and reports every problem at once as
// FieldErrors, each naming its field.
func (f *HelpForm) Validate() error {
	f.Name, f.Email, f.Topic, f.Message = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Topic), strings.TrimSpace(f.Message)
	var errs FieldErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{field, fmt.Sprintf(format, args...)})
	}
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
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// HelpDesk keeps the help requests of the public pages for
// administrators. Deciding who may list and close them is the caller's
// (the server's gate, the CLI's local access).
type HelpDesk struct {
	Store *store.Store
}

// Submit validates the form (FieldErrors) and stores it as an open
// request.
func (h HelpDesk) Submit(ctx context.Context, f HelpForm) error {
	_, err := h.Add(ctx, f)
	return err
}

// Add is Submit returning the stored request.
func (h HelpDesk) Add(ctx context.Context, f HelpForm) (store.HelpRequest, error) {
	if err := f.Validate(); err != nil {
		return store.HelpRequest{}, err
	}
	if h.Store == nil {
		return store.HelpRequest{}, errors.New("app: help desk without a store")
	}
	return h.Store.AddHelpRequest(ctx, store.HelpRequest{Name: f.Name, Email: f.Email, Topic: f.Topic, Message: f.Message})
}

// List returns the open requests, or every request when all.
func (h HelpDesk) List(ctx context.Context, all bool) ([]store.HelpRequest, error) {
	return h.Store.HelpRequests(ctx, all)
}

// Close closes the request id on behalf of the user by.
func (h HelpDesk) Close(ctx context.Context, id, by string) (store.HelpRequest, error) {
	return h.Store.CloseHelpRequest(ctx, id, by)
}
