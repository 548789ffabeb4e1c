package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
)

// The administration pages: researchers to approve or disable, the audit
// log and the help requests. app.Admin and app.Help refuse anyone but an
// administrator, so a researcher gets the 403 of fail.

// adminUsersData is the users page: those waiting for approval first.
type adminUsersData struct {
	Token   string
	Pending []workbench.UserStatus
	Others  []workbench.UserStatus
	Notice  string
}

var adminNotices = map[string]string{
	"approved": "The researcher was approved: they have registered tier access now.",
	"disabled": "The user was disabled; the reason is in the audit log.",
	"enabled":  "The user was enabled again; the reason is in the audit log.",
}

func (s *Site) adminUsers(w http.ResponseWriter, r *http.Request, v *visit) {
	users, err := s.deps.App.Admin.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminUsersData{Token: v.Token, Notice: adminNotices[r.URL.Query().Get("done")]}
	for _, u := range users {
		if pending(u) {
			d.Pending = append(d.Pending, u)
		} else {
			d.Others = append(d.Others, u)
		}
	}
	s.show(w, r, v, http.StatusOK, "admin", "Administration", "admin", d)
}

// pending reports whether u waits for an administrator: every
// self-service step done, not approved, not disabled.
func pending(u workbench.UserStatus) bool {
	if u.Status.Disabled || u.Status.Done(access.Approval) {
		return false
	}
	for _, k := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct} {
		if !u.Status.Done(k) {
			return false
		}
	}
	return true
}

func (s *Site) approveUser(w http.ResponseWriter, r *http.Request, v *visit) {
	if _, err := s.deps.App.Admin.ApproveUser(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin?done=approved", http.StatusSeeOther)
}

// disableData is the form that disables a user, or enables a disabled
// one again, with a reason.
type disableData struct {
	Token  string
	User   workbench.UserStatus
	Enable bool
	Reason string
	Errors *fault.Fields
}

// Verb is what the form does to the user: "Disable" or "Enable".
func (d disableData) Verb() string {
	if d.Enable {
		return "Enable"
	}
	return "Disable"
}

func (s *Site) disableData(w http.ResponseWriter, r *http.Request, v *visit) (disableData, bool) {
	users, err := s.deps.App.Admin.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return disableData{}, false
	}
	for _, u := range users {
		if u.User.ID == r.PathValue("id") {
			return disableData{Token: v.Token, User: u, Enable: strings.HasSuffix(r.URL.Path, "/enable")}, true
		}
	}
	s.fail(w, r, errNotFound)
	return disableData{}, false
}

// disableForm asks the reason of disabling or enabling a user.
func (s *Site) disableForm(w http.ResponseWriter, r *http.Request, v *visit) {
	if d, ok := s.disableData(w, r, v); ok {
		s.show(w, r, v, http.StatusOK, "admin_disable", d.Verb()+" "+d.User.User.Email, "admin", d)
	}
}

// disableUser disables or enables a user, as the form's path says.
func (s *Site) disableUser(w http.ResponseWriter, r *http.Request, v *visit) {
	d, ok := s.disableData(w, r, v)
	if !ok {
		return
	}
	d.Reason = r.PostFormValue("reason")
	change, done := s.deps.App.Admin.DisableUser, "disabled"
	if d.Enable {
		change, done = s.deps.App.Admin.EnableUser, "enabled"
	}
	err := errMissingReason
	if strings.TrimSpace(d.Reason) != "" {
		err = change(r.Context(), d.User.User.ID, d.Reason)
	}
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		d.Errors = fe
		s.show(w, r, v, http.StatusUnprocessableEntity, "admin_disable", d.Verb()+" "+d.User.User.Email+": check the form", "admin", d)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin?done="+done, http.StatusSeeOther)
}

// errMissingReason: the pages ask a reason of every disabling and
// enabling, for the audit log (the API and the command line may leave it
// out).
var errMissingReason = workbench.InvalidAt("reason", "Give the reason: it goes to the audit log.")

// auditPageSize is the lines of the audit log on a page.
const auditPageSize = 50

// auditData is a page of the audit log and its filters.
type auditData struct {
	Filter  url.Values
	Actions []access.Action
	Lines   []access.AuditRecord
	Page    int
	// Prev and Next are the links to the pages around; empty at an end.
	Prev, Next string
	Errors     *fault.Fields
}

func (s *Site) auditLog(w http.ResponseWriter, r *http.Request, v *visit) {
	q := r.URL.Query()
	d := auditData{Filter: q, Actions: access.Actions(), Page: 1}
	aq, problems := auditQuery(q)
	d.Page = aq.Offset/auditPageSize + 1
	if err := problems.Err(); err != nil {
		d.Errors = &problems
		s.show(w, r, v, http.StatusUnprocessableEntity, "admin_audit", "Audit log: check the filters", "admin", d)
		return
	}
	// One line more than the page tells whether a next page exists.
	aq.Limit = auditPageSize + 1
	lines, err := s.deps.App.Admin.Audit(r.Context(), aq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(lines) > auditPageSize {
		lines = lines[:auditPageSize]
		d.Next = pageLink("/admin/audit", q, d.Page+1)
	}
	if d.Page > 1 {
		d.Prev = pageLink("/admin/audit", q, d.Page-1)
	}
	d.Lines = lines
	s.show(w, r, v, http.StatusOK, "admin_audit", "Audit log", "admin", d)
}

// auditQuery reads the filters of the audit page, each problem at its
// field.
func auditQuery(q url.Values) (workbench.AuditQuery, fault.Fields) {
	problems := fault.Fields{Of: workbench.ErrInvalid}
	aq := workbench.AuditQuery{UserID: strings.TrimSpace(q.Get("user")), Workspace: strings.TrimSpace(q.Get("workspace"))}
	if a := q.Get("action"); a != "" {
		if !access.Action(a).Valid() {
			problems.Add("action", "Choose an action from the list.")
		}
		aq.Action = a
	}
	day := func(field string) time.Time {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			problems.Add(field, "Enter a date like 2026-03-01.")
		}
		return t
	}
	aq.Since = day("since")
	if until := day("until"); !until.IsZero() {
		aq.Until = until.AddDate(0, 0, 1) // the whole day named
		if !aq.Since.IsZero() && aq.Until.Before(aq.Since) {
			problems.Add("until", "Enter a date on or after the first one.")
		}
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			problems.Add("page", "The page is a number from 1.")
		} else {
			aq.Offset = (n - 1) * auditPageSize
		}
	}
	return aq, problems
}

// pageLink is the page n (the query parameter page) of the list at path
// with the other query parameters of q: its filters and order.
func pageLink(path string, q url.Values, n int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("page", strconv.Itoa(n))
	return path + "?" + c.Encode()
}

// helpRequestsData is the help requests page.
type helpRequestsData struct {
	Token    string
	All      bool
	Requests []workbench.HelpRequest
	Notice   string
}

func (s *Site) helpRequests(w http.ResponseWriter, r *http.Request, v *visit) {
	all := r.URL.Query().Get("all") == "1"
	reqs, err := s.deps.App.Help.HelpRequests(r.Context(), all)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := helpRequestsData{Token: v.Token, All: all, Requests: reqs}
	if r.URL.Query().Get("done") == "closed" {
		d.Notice = "The request was closed."
	}
	s.show(w, r, v, http.StatusOK, "admin_help", "Help requests", "admin", d)
}

func (s *Site) closeHelpRequest(w http.ResponseWriter, r *http.Request, v *visit) {
	if _, err := s.deps.App.Help.CloseHelpRequest(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/help?done=closed", http.StatusSeeOther)
}
