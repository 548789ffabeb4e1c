package workbench

import (
	"encoding/json"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Workspace is a place of work: its cohorts, concept sets, datasets,
// reviews, notebooks and the collaborators who hold a role in it.
type Workspace struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description,omitempty"`
	ResearchPurpose ResearchPurpose `json:"research_purpose"`
	// Tier is the data tier of the workspace, at least access.Registered
	// (every workspace holds row-level data); it does not change after
	// creation.
	Tier      access.Tier `json:"tier"`
	CreatedBy string      `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedBy string      `json:"updated_by"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// WorkspaceFields are what a creator or owner chooses of a workspace: the
// body of creating one (Tier only then) and of changing one.
type WorkspaceFields struct {
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	ResearchPurpose ResearchPurpose `json:"research_purpose"`
	Tier            access.Tier     `json:"tier,omitzero"`
}

// Fields are the fields of w a creator or owner chooses.
func (w Workspace) Fields() WorkspaceFields {
	return WorkspaceFields{Name: w.Name, Description: w.Description, ResearchPurpose: w.ResearchPurpose, Tier: w.Tier}
}

// Workspace is the workspace id of the fields f.
func (f WorkspaceFields) Workspace(id string) Workspace {
	return Workspace{ID: id, Name: f.Name, Description: f.Description, ResearchPurpose: f.ResearchPurpose, Tier: f.Tier}
}

// WorkspacePatch is a change of a workspace: the fields given change, the
// others stay. The tier never changes.
type WorkspacePatch struct {
	Name            *string          `json:"name,omitempty"`
	Description     *string          `json:"description,omitempty"`
	ResearchPurpose *ResearchPurpose `json:"research_purpose,omitempty"`
}

// Apply is w with the fields of p.
func (p WorkspacePatch) Apply(w Workspace) Workspace {
	if p.Name != nil {
		w.Name = *p.Name
	}
	if p.Description != nil {
		w.Description = *p.Description
	}
	if p.ResearchPurpose != nil {
		w.ResearchPurpose = *p.ResearchPurpose
	}
	return w
}

// Membership is a workspace as one user sees it in a list: with their
// role.
type Membership struct {
	Workspace
	Role access.Role `json:"role"`
}

// Collaborator is a user's role in a workspace.
type Collaborator struct {
	UserID string      `json:"user_id"`
	Email  string      `json:"email"`
	Role   access.Role `json:"role"`
}

// Cohort is a saved cohort definition of a workspace. Its name is unique
// in the workspace.
type Cohort struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Definition is the definition's canonical JSON (cohort.Parse reads
	// it). Kept as bytes, a definition saved by an older model can still
	// be read and shown.
	Definition json.RawMessage `json:"definition"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedBy  string          `json:"updated_by"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// CircePrefix starts the id of every Circe cohort.
const CircePrefix = "cc_"

// CirceCohort is a saved OHDSI Circe cohort definition of a workspace, as
// ATLAS exports it: kept beside the All of Us cohorts, with its own name
// space, and usable as a dataset's cohort (its persons are the cohort's
// subjects).
type CirceCohort struct {
	// ID starts with CircePrefix, which tells it from an All of Us
	// cohort's among a dataset's cohorts.
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Definition is the Circe expression JSON as saved (circe.Parse reads
	// it).
	Definition json.RawMessage `json:"definition"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedBy  string          `json:"updated_by"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// ConceptSet is a saved concept set of a workspace. Its name is unique in
// the workspace.
type ConceptSet struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Definition is the canonical JSON of a cohort.ConceptSet.
	Definition json.RawMessage `json:"definition"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedBy  string          `json:"updated_by"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Dataset is a saved dataset: the persons of its cohorts, the events of
// its concept sets, and the columns chosen per domain. Its name is unique
// in the workspace.
type Dataset struct {
	ID            string   `json:"id"`
	WorkspaceID   string   `json:"workspace_id"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	CohortIDs     []string `json:"cohort_ids"`
	ConceptSetIDs []string `json:"concept_set_ids,omitempty"`
	// Columns maps a domain (cohort.DomainPerson, "PERSON"; one of
	// cohort.DatasetDomains) to its columns.
	Columns   map[cohort.Domain][]string `json:"columns"`
	CreatedBy string                     `json:"created_by"`
	CreatedAt time.Time                  `json:"created_at"`
	UpdatedBy string                     `json:"updated_by"`
	UpdatedAt time.Time                  `json:"updated_at"`
}

// MaxReviewSize is the most participants a review holds.
const MaxReviewSize = 10000

// Review is a cohort review: a fixed sample of a saved cohort's
// participants, drawn by the cohort engine, which the workspace's writers
// go through one by one.
type Review struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	CohortID    string `json:"cohort_id"`
	Name        string `json:"name"`
	// Seed and CDRVersion say how the sample was drawn.
	Seed       int64     `json:"seed"`
	CDRVersion string    `json:"cdr_version"`
	Size       int       `json:"size"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewReview is what a review is created from: its name, how many
// participants to draw and, to draw the same sample again, a seed.
type NewReview struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	Seed *int64 `json:"seed"`
}

// ReviewStatus is where a participant of a review stands. The values are
// those of All of Us.
type ReviewStatus string

// The review statuses.
const (
	NotReviewed        ReviewStatus = "NOT_REVIEWED"
	Included           ReviewStatus = "INCLUDED"
	Excluded           ReviewStatus = "EXCLUDED"
	NeedsFurtherReview ReviewStatus = "NEEDS_FURTHER_REVIEW"
)

// ReviewStatuses lists the statuses.
var ReviewStatuses = []ReviewStatus{NotReviewed, Included, Excluded, NeedsFurtherReview}

// Valid reports whether st is one of ReviewStatuses.
func (st ReviewStatus) Valid() bool {
	switch st {
	case NotReviewed, Included, Excluded, NeedsFurtherReview:
		return true
	}
	return false
}

// Participant is one participant of a review: status and annotations.
type Participant struct {
	PersonID int64        `json:"person_id"`
	Status   ReviewStatus `json:"status"`
	// Annotations maps an annotation field's id to the participant's value,
	// as JSON of the field's type.
	Annotations map[string]json.RawMessage `json:"annotations,omitempty"`
	// UpdatedBy and UpdatedAt are the last status change; empty before one.
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Person is the participant's demographics (sex at birth, gender, race,
	// ethnicity, age, deceased), from the CDR; nil when the CDR no longer
	// holds the person.
	Person *engine.Person `json:"person,omitempty"`
}

// FieldType is the type of an annotation field's values. The values are
// those of All of Us.
type FieldType string

// The annotation field types.
const (
	// StringField values are JSON strings.
	StringField FieldType = "STRING"
	// EnumField values are JSON strings among the field's EnumValues.
	EnumField FieldType = "ENUM"
	// DateField values are JSON strings of a date, 2026-03-01.
	DateField FieldType = "DATE"
	// BooleanField values are true or false.
	BooleanField FieldType = "BOOLEAN"
	// IntegerField values are JSON numbers without a fraction that fit in
	// an int64.
	IntegerField FieldType = "INTEGER"
)

// AnnotationField is a question a cohort's reviewers answer for each
// participant. Fields belong to the cohort, so every review of the cohort
// has them; names are unique in the cohort.
type AnnotationField struct {
	ID         string    `json:"id"`
	CohortID   string    `json:"cohort_id"`
	Name       string    `json:"name"`
	Type       FieldType `json:"type"`
	EnumValues []string  `json:"enum_values,omitempty"`
}

// Token is what the workbench knows of a bearer token: never the secret,
// which is shown once when it is made.
type Token struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// UserStatus is a user with their access status: what the user sees of
// themselves, and what administrators see of everyone.
type UserStatus struct {
	User   access.User   `json:"user"`
	Status access.Status `json:"status"`
}

// Registration is what a researcher signs up with.
type Registration struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Page is one page of a cohort's person ids: row-level data.
type Page struct {
	PersonIDs []int64 `json:"person_ids"`
	Total     int64   `json:"total"`
	Page      int     `json:"page"`
	Size      int     `json:"size"`
}

// CircePage is one page of the rows of a Circe cohort; Total counts its
// entries.
type CircePage struct {
	Rows  []circe.Row `json:"rows"`
	Total int64       `json:"total"`
	Page  int         `json:"page"`
	Size  int         `json:"size"`
}

// ParticipantQuery selects, orders and pages the participants of a
// review. The zero value of each field but Size keeps all, by person id.
type ParticipantQuery struct {
	// Status keeps the participants of one status; empty keeps all.
	Status ReviewStatus
	// SexAtBirth keeps the participants whose sex at birth is named so
	// (engine.Person.SexAtBirth); empty keeps all.
	SexAtBirth string
	// Sort orders the participants, ties by person id; empty is by person
	// id. Descending reverses the order.
	Sort       ParticipantSort
	Descending bool
	// Page (from 0) and Size (1 to MaxReviewSize) say which page.
	Page, Size int
}

// ParticipantSort is what participants are sorted by.
type ParticipantSort string

// The orders of participants. By age, those of an unknown age come last;
// by status, the statuses go in the order of ReviewStatuses.
const (
	SortPersonID ParticipantSort = "person_id"
	SortAge      ParticipantSort = "age"
	SortStatus   ParticipantSort = "status"
)

// ParticipantSorts lists the orders.
var ParticipantSorts = []ParticipantSort{SortPersonID, SortAge, SortStatus}

// ParticipantPage is one page of the participants of a review; Total
// counts those the query selects.
type ParticipantPage struct {
	Participants []Participant `json:"participants"`
	Total        int           `json:"total"`
	Page         int           `json:"page"`
	Size         int           `json:"size"`
}

// EventPage is one page of a participant's events.
type EventPage struct {
	Events []engine.Event `json:"events"`
	Total  int64          `json:"total"`
	Page   int            `json:"page"`
	Size   int            `json:"size"`
}

// Health is the server's health and the version of the CDR it serves.
type Health struct {
	Status     string `json:"status"`
	CDRVersion string `json:"cdr_version"`
}

// Dictionary is the data dictionary: every OMOP table of the CDR.
type Dictionary struct {
	CDMVersion string  `json:"cdm_version"`
	Tables     []Table `json:"tables"`
}

// Table is one OMOP table of the data dictionary.
type Table struct {
	Name        string   `json:"name"`
	Vocabulary  bool     `json:"vocabulary"`
	Description string   `json:"description"`
	Columns     []Column `json:"columns"`
}

// Column is one column of a Table.
type Column struct {
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Required    bool        `json:"required"`
	PrimaryKey  bool        `json:"primary_key,omitempty"`
	ForeignKey  *ForeignKey `json:"foreign_key,omitempty"`
	Description string      `json:"description"`
}

// ForeignKey is the column a Column refers to.
type ForeignKey struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// HelpRequest is a request sent with the public pages' help form, kept
// for administrators until one closes it.
type HelpRequest struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Topic     string    `json:"topic"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	// ClosedAt is zero while the request is open.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}
