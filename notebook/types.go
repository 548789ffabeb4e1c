package notebook

import (
	"encoding/json"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/engine"
)

// The server's answers that are not the library's own types. They mirror
// the state store's records field for field (a test decodes the store's
// JSON into them, refusing unknown fields): the store itself talks to
// DuckDB, which a notebook user's program must not need.

// Workspace is a workspace: a place for a study, with a tier and
// collaborators.
type Workspace struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Description     string      `json:"description,omitempty"`
	ResearchPurpose string      `json:"research_purpose,omitempty"`
	Tier            access.Tier `json:"tier"`
	CreatedBy       string      `json:"created_by"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedBy       string      `json:"updated_by"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// Membership is a workspace with the role the current user holds in it.
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

// Cohort is a saved cohort; Definition is its canonical JSON, which
// cohort.Parse reads.
type Cohort struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Definition  json.RawMessage `json:"definition"`
	CreatedBy   string          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedBy   string          `json:"updated_by"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// ConceptSet is a saved concept set; Definition is the canonical JSON of
// a cohort.ConceptSet.
type ConceptSet struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Definition  json.RawMessage `json:"definition"`
	CreatedBy   string          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedBy   string          `json:"updated_by"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// Dataset is a saved dataset: the persons of its cohorts, the events of
// its concept sets, and the columns chosen per domain.
type Dataset struct {
	ID            string   `json:"id"`
	WorkspaceID   string   `json:"workspace_id"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	CohortIDs     []string `json:"cohort_ids"`
	ConceptSetIDs []string `json:"concept_set_ids,omitempty"`
	// Columns maps a domain ("person", "condition") to its columns.
	Columns   map[string][]string `json:"columns"`
	CreatedBy string              `json:"created_by"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedBy string              `json:"updated_by"`
	UpdatedAt time.Time           `json:"updated_at"`
}

// Page is one page of a cohort's person ids.
type Page struct {
	PersonIDs []int64 `json:"person_ids"`
	Total     int64   `json:"total"`
	Page      int     `json:"page"`
	Size      int     `json:"size"`
}

// Me is the current user and their access status.
type Me struct {
	User   access.User   `json:"user"`
	Status access.Status `json:"status"`
}

// UserStatus is a user with their access status, as administrators see
// them.
type UserStatus struct {
	User   access.User   `json:"user"`
	Status access.Status `json:"status"`
}

// Health is the server's health.
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

// Review is a cohort review: a fixed sample of a saved cohort's
// participants.
type Review struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	CohortID    string    `json:"cohort_id"`
	Name        string    `json:"name"`
	Seed        int64     `json:"seed"`
	CDRVersion  string    `json:"cdr_version"`
	Size        int       `json:"size"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// ReviewStatus is where a participant of a review stands: NOT_REVIEWED,
// INCLUDED, EXCLUDED or NEEDS_FURTHER_REVIEW.
type ReviewStatus string

// Participant is one participant of a review: status and annotations by
// annotation field id, each value JSON of the field's type.
type Participant struct {
	PersonID    int64                      `json:"person_id"`
	Status      ReviewStatus               `json:"status"`
	Annotations map[string]json.RawMessage `json:"annotations,omitempty"`
	UpdatedBy   string                     `json:"updated_by,omitempty"`
	UpdatedAt   time.Time                  `json:"updated_at,omitzero"`
}

// FieldType is the type of an annotation field's values: STRING, ENUM,
// DATE, BOOLEAN or INTEGER.
type FieldType string

// AnnotationField is a question a cohort's reviewers answer for each
// participant.
type AnnotationField struct {
	ID         string    `json:"id"`
	CohortID   string    `json:"cohort_id"`
	Name       string    `json:"name"`
	Type       FieldType `json:"type"`
	EnumValues []string  `json:"enum_values,omitempty"`
}

// ParticipantPage is one page of the participants of a review; Total
// counts those of the status asked.
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
