package app

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

// Steps is what the data access pages record of the signed-in user beyond
// CompleteStep: the profile, the ethics training's quiz and the signature
// of the code of conduct, each completing its step when it is right. Each
// is decided as access.CompleteStep of its step and audited as one.
type Steps struct {
	gate  *gate
	store *store.Store
}

// Bounds of a profile's fields, in characters.
const (
	maxProfileField = 200
	maxBackground   = 2000
)

// Profile is the user's profile as saved (the name only before).
func (s Steps) Profile(ctx context.Context) (workbench.Profile, error) {
	req, err := s.gate.check(ctx, access.ViewStatus, "")
	if err != nil {
		return workbench.Profile{}, err
	}
	return s.store.Profile(ctx, req.User.ID)
}

// SaveProfile checks p (every problem at once, at its field), keeps it and
// completes the profile step. It returns the user's status after.
func (s Steps) SaveProfile(ctx context.Context, p workbench.Profile) (access.Status, error) {
	req, err := s.gate.checkStep(ctx, access.Profile)
	if err != nil {
		return access.Status{}, err
	}
	p, err = CheckProfile(p)
	if err != nil {
		return access.Status{}, err
	}
	p.UpdatedAt = req.Now
	rec, err := s.store.SaveProfile(ctx, req.User.ID, p, s.record(req, access.Profile))
	if err != nil {
		return access.Status{}, err
	}
	s.gate.audit(ctx, req, allowed, "", string(access.Profile), 1)
	u := *req.User
	u.Name = p.Name
	return s.gate.policy.Status(&u, append(req.Records, rec), req.Now), nil
}

// CheckProfile is p trimmed, or a *fault.Fields of every problem at its
// field: name, institution, role, background.
func CheckProfile(p workbench.Profile) (workbench.Profile, error) {
	problems := fault.Fields{Of: workbench.ErrInvalid}
	field := func(path, v, what string, limit int, multiline bool) string {
		v = strings.TrimSpace(v)
		switch n := utf8.RuneCountInString(v); {
		case n == 0:
			problems.Add(path, "Enter %s.", what)
		case n > limit:
			problems.Add(path, "Shorten it to at most %d characters (it has %d).", limit, n)
		case strings.ContainsFunc(v, func(r rune) bool {
			return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
		}):
			problems.Add(path, "Remove the control characters.")
		}
		return v
	}
	p.Name = field("name", p.Name, "your full name", maxNameLen, false)
	p.Institution = field("institution", p.Institution, "your institution", maxProfileField, false)
	p.Role = field("role", p.Role, "your role or position", maxProfileField, false)
	p.Background = field("background", p.Background, "a few sentences on your research", maxBackground, true)
	return p, problems.Err()
}

// record is the record of the step done now by the user of req.
func (s Steps) record(req access.Request, step access.Requirement) access.Record {
	rec := access.Record{UserID: req.User.ID, Kind: step, CompletedAt: req.Now, ExpiresAt: s.gate.policy.Expiry(step, req.Now)}
	if step == access.CodeOfConduct {
		rec.Version = s.gate.policy.ConductVersion()
	}
	return rec
}

// ConductVersion is the version of the code of conduct users sign now.
func (s Steps) ConductVersion() string { return s.gate.policy.ConductVersion() }

// SignConduct signs the current code of conduct with the name typed,
// which must be the profile's name (spaces around and case aside): the
// profile comes first. It keeps what was typed with the version and the
// time, and completes the step.
func (s Steps) SignConduct(ctx context.Context, typed string) (access.Status, error) {
	req, err := s.gate.checkStep(ctx, access.CodeOfConduct)
	if err != nil {
		return access.Status{}, err
	}
	st := s.gate.policy.Status(req.User, req.Records, req.Now)
	if !st.Done(access.Profile) {
		return access.Status{}, workbench.InvalidAt("name", "Complete your profile first: the name you sign with is your profile's.")
	}
	name := strings.TrimSpace(req.User.Name)
	switch t := strings.TrimSpace(typed); {
	case t == "":
		return access.Status{}, workbench.InvalidAt("name", "Type your full name to sign.")
	case !strings.EqualFold(t, name):
		return access.Status{}, workbench.InvalidAt("name", "Type your full name as in your profile: %s.", name)
	}
	rec := s.record(req, access.CodeOfConduct)
	sig := workbench.Signature{UserID: req.User.ID, Version: rec.Version, TypedName: typed, SignedAt: req.Now}
	rec, err = s.store.SignConduct(ctx, sig, rec)
	if err != nil {
		return access.Status{}, err
	}
	s.gate.audit(ctx, req, allowed, "", string(access.CodeOfConduct), 1)
	return s.gate.policy.Status(req.User, append(req.Records, rec), req.Now), nil
}

// Signatures is every signature of the code of conduct by the user,
// oldest first.
func (s Steps) Signatures(ctx context.Context) ([]workbench.Signature, error) {
	req, err := s.gate.check(ctx, access.ViewStatus, "")
	if err != nil {
		return nil, err
	}
	out, err := s.store.Signatures(ctx, req.User.ID)
	return nonNil(out), err
}

// PassTraining grades the quiz of the ethics training: answers maps a
// question's ID to the ID of the choice made. Every answer must be right;
// a wrong or missing one is a *fault.Fields at the question's ID, and
// nothing is recorded. When all are right the step is done.
func (s Steps) PassTraining(ctx context.Context, answers map[string]string) (access.Status, error) {
	req, err := s.gate.checkStep(ctx, access.EthicsTraining)
	if err != nil {
		return access.Status{}, err
	}
	if err := Grade(answers); err != nil {
		return access.Status{}, err
	}
	rec, err := s.store.PutRecord(ctx, s.record(req, access.EthicsTraining))
	if err != nil {
		return access.Status{}, err
	}
	s.gate.audit(ctx, req, allowed, "", string(access.EthicsTraining), 1)
	return s.gate.policy.Status(req.User, append(req.Records, rec), req.Now), nil
}

// Grade is nil when every question of Quiz has its right answer in
// answers, else a *fault.Fields with a problem at each question missed.
func Grade(answers map[string]string) error {
	problems := fault.Fields{Of: workbench.ErrInvalid}
	for _, q := range Quiz {
		switch a, ok := answers[q.ID]; {
		case !ok || a == "":
			problems.Add(q.ID, "Choose an answer.")
		case !q.has(a):
			problems.Add(q.ID, "Choose one of the answers given.")
		case a != q.answer:
			problems.Add(q.ID, "Not right: %s", q.Hint)
		}
	}
	return problems.Err()
}

// Question is a question of the ethics training's quiz. Its right answer
// is known to the server only.
type Question struct {
	ID      string
	Text    string
	Choices []Choice
	// Hint says where the training answers the question, for one who
	// answered it wrong.
	Hint   string
	answer string
}

// Choice is one answer of a Question.
type Choice struct{ ID, Text string }

func (q Question) has(id string) bool {
	for _, c := range q.Choices {
		if c.ID == id {
			return true
		}
	}
	return false
}
