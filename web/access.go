package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
)

// The data access pages: the status of the steps of the registered tier,
// the profile, the ethics training with its quiz and the code of conduct.
// Each form completes its step through app.Steps, which decides, checks
// and audits.

// accessRoutes adds the pages of the access steps, the account, the
// administration and the sign-in through an institution to m.
func (s *Site) accessRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /access", s.signedIn(s.accessStatus))
	m.HandleFunc("GET /access/profile", s.signedIn(s.profileForm))
	m.HandleFunc("POST /access/profile", s.signedIn(s.saveProfile))
	m.HandleFunc("GET /access/training", s.signedIn(s.trainingPage))
	m.HandleFunc("GET /access/training/quiz", s.signedIn(s.quizForm))
	m.HandleFunc("POST /access/training/quiz", s.signedIn(s.submitQuiz))
	m.HandleFunc("GET /access/conduct", s.signedIn(s.conductForm))
	m.HandleFunc("POST /access/conduct", s.signedIn(s.signConduct))

	m.HandleFunc("GET /account", s.signedIn(s.account))
	m.HandleFunc("POST /account/tokens", s.signedIn(s.createToken))
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.signedIn(s.revokeToken))
	m.HandleFunc("POST /account/password", s.signedIn(s.changePassword))

	m.HandleFunc("GET /admin", s.signedIn(s.adminUsers))
	m.HandleFunc("POST /admin/users/{id}/approve", s.signedIn(s.approveUser))
	m.HandleFunc("GET /admin/users/{id}/disable", s.signedIn(s.disableForm))
	m.HandleFunc("POST /admin/users/{id}/disable", s.signedIn(s.disableUser))
	m.HandleFunc("GET /admin/users/{id}/enable", s.signedIn(s.disableForm))
	m.HandleFunc("POST /admin/users/{id}/enable", s.signedIn(s.disableUser))
	m.HandleFunc("GET /admin/audit", s.signedIn(s.auditLog))
	m.HandleFunc("GET /admin/help", s.signedIn(s.helpRequests))
	m.HandleFunc("POST /admin/help/{id}/close", s.signedIn(s.closeHelpRequest))

	m.HandleFunc("GET /signin/oidc", s.oidcStart)
	m.HandleFunc("GET /signin/oidc/callback", s.oidcCallback)
}

// stepView is one step of the status page: its state and what to do.
type stepView struct {
	access.Step
	Name string
	// Action and Href are the link to the step's page; empty for a step
	// the user cannot do (approval).
	Action, Href string
	Help         string
}

// statusData is the status page.
type statusData struct {
	Status   access.Status
	Steps    []stepView
	Waiting  bool // every self-service step done, approval missing
	Saved    string
	Disabled bool
}

// stepText is, per step, its name, the page that does it and what it is.
var stepText = map[access.Requirement]struct{ name, href, help string }{
	access.Profile:        {"Profile", "/access/profile", "Your name, institution, role and a short account of your research."},
	access.EthicsTraining: {"Ethics training", "/access/training", "Three short pages on participant privacy, re-identification and the data use rules, and a quiz of five questions. Valid for a year."},
	access.CodeOfConduct:  {"Data user code of conduct", "/access/conduct", "The agreement on how you use the data, signed with your name. Valid for a year, and signed again when a new version is published."},
	access.Approval:       {"Approval", "", "An administrator checks your profile and approves your access."},
}

// savedText are the notices of a step just done, by the query's saved=.
var savedText = map[string]string{
	"profile":  "Your profile was saved.",
	"training": "You passed the quiz: your ethics training is complete.",
	"conduct":  "You signed the code of conduct.",
}

func (s *Site) accessStatus(w http.ResponseWriter, r *http.Request, v *visit) {
	me, err := s.deps.App.Accounts.Me(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := statusData{Status: me.Status, Saved: savedText[r.URL.Query().Get("saved")], Disabled: me.Status.Disabled}
	self := true
	for _, st := range me.Status.Steps {
		if st.Tier != access.Registered {
			continue
		}
		t := stepText[st.Kind]
		sv := stepView{Step: st, Name: t.name, Help: t.help, Href: t.href}
		switch {
		case t.href == "":
		case st.State == access.StepMissing:
			sv.Action = "Start"
		case st.State == access.StepDone && st.Kind == access.Profile:
			sv.Action = "Edit"
		case st.State == access.StepDone:
			sv.Action = "Review"
		default:
			sv.Action = "Renew"
		}
		if st.Kind.SelfService() && st.State != access.StepDone {
			self = false
		}
		d.Steps = append(d.Steps, sv)
	}
	d.Waiting = self && !me.Status.Done(access.Approval)
	s.show(w, r, v, http.StatusOK, "access", "Data access", "access", d)
}

// profileData is the profile form.
type profileData struct {
	Token  string
	Form   workbench.Profile
	Errors *fault.Fields
}

func (s *Site) profileForm(w http.ResponseWriter, r *http.Request, v *visit) {
	p, err := s.deps.App.Steps.Profile(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "access_profile", "Your profile", "access", profileData{Token: v.Token, Form: p})
}

func (s *Site) saveProfile(w http.ResponseWriter, r *http.Request, v *visit) {
	p := workbench.Profile{Name: r.PostFormValue("name"), Institution: r.PostFormValue("institution"), Role: r.PostFormValue("role"), Background: r.PostFormValue("background")}
	_, err := s.deps.App.Steps.SaveProfile(r.Context(), p)
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		s.show(w, r, v, http.StatusUnprocessableEntity, "access_profile", "Your profile: check the form", "access", profileData{Token: v.Token, Form: p, Errors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/access?saved=profile", http.StatusSeeOther)
}

// trainingPages is the number of pages of the ethics training before its
// quiz (web/templates/access_training.html).
const trainingPages = 3

// trainingData is a page of the ethics training.
type trainingData struct {
	Page, Pages int
}

func (s *Site) trainingPage(w http.ResponseWriter, r *http.Request, v *visit) {
	n := 1
	if p := r.URL.Query().Get("page"); p != "" {
		var err error
		if n, err = strconv.Atoi(p); err != nil || n < 1 || n > trainingPages {
			s.fail(w, r, errNotFound)
			return
		}
	}
	s.show(w, r, v, http.StatusOK, "access_training", "Ethics training, page "+strconv.Itoa(n)+" of "+strconv.Itoa(trainingPages), "access", trainingData{Page: n, Pages: trainingPages})
}

// quizData is the quiz, again with the answers given and what was wrong.
type quizData struct {
	Token     string
	Questions []app.Question
	Answers   map[string]string
	Errors    *fault.Fields
}

func (s *Site) quizForm(w http.ResponseWriter, r *http.Request, v *visit) {
	s.show(w, r, v, http.StatusOK, "access_quiz", "Ethics training quiz", "access", quizData{Token: v.Token, Questions: app.Quiz})
}

func (s *Site) submitQuiz(w http.ResponseWriter, r *http.Request, v *visit) {
	answers := map[string]string{}
	for _, q := range app.Quiz {
		answers[q.ID] = r.PostFormValue(q.ID)
	}
	_, err := s.deps.App.Steps.PassTraining(r.Context(), answers)
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		s.show(w, r, v, http.StatusUnprocessableEntity, "access_quiz", "Ethics training quiz: try again", "access", quizData{Token: v.Token, Questions: app.Quiz, Answers: answers, Errors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/access?saved=training", http.StatusSeeOther)
}

// conductData is the code of conduct and its signature form.
type conductData struct {
	Token      string
	Version    string
	Name       string // the profile's name, which signs
	Typed      string
	Signatures []workbench.Signature
	Errors     *fault.Fields
}

func (s *Site) conductData(w http.ResponseWriter, r *http.Request, v *visit) (conductData, bool) {
	sigs, err := s.deps.App.Steps.Signatures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return conductData{}, false
	}
	return conductData{Token: v.Token, Version: s.deps.App.Steps.ConductVersion(), Name: v.User.Name, Signatures: sigs}, true
}

func (s *Site) conductForm(w http.ResponseWriter, r *http.Request, v *visit) {
	if d, ok := s.conductData(w, r, v); ok {
		s.show(w, r, v, http.StatusOK, "access_conduct", "Data user code of conduct", "access", d)
	}
}

func (s *Site) signConduct(w http.ResponseWriter, r *http.Request, v *visit) {
	typed := r.PostFormValue("name")
	_, err := s.deps.App.Steps.SignConduct(r.Context(), typed)
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		if d, ok := s.conductData(w, r, v); ok {
			d.Typed, d.Errors = typed, fe
			s.show(w, r, v, http.StatusUnprocessableEntity, "access_conduct", "Data user code of conduct: check the form", "access", d)
		}
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/access?saved=conduct", http.StatusSeeOther)
}
