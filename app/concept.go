package app

import (
	"context"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/engine"
)

// Concepts is the Concept Set Selector of logged-in researchers:
// the vocabulary with exact person counts, which the public tier sees
// only released (Public), gated by the registered tier and
// audited.
type Concepts struct {
	gate   *gate
	engine workbench.Engine
}

// SearchConcepts runs the concept search s.
func (sv Concepts) SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) ([]engine.Concept, string, int64, error) {
		out, err := sv.engine.SearchConcepts(ctx, s)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Concept is the concept id with its counts.
func (sv Concepts) Concept(ctx context.Context, id int64) (engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) (engine.Concept, string, int64, error) {
		out, err := sv.engine.Concept(ctx, id)
		return out, strconv.FormatInt(id, 10), 1, err
	})
}

// Parents is the direct parents of the concept id.
func (sv Concepts) Parents(ctx context.Context, id int64) ([]engine.Concept, error) {
	return sv.relatives(ctx, id, sv.engine.Parents)
}

// Children is the direct children of the concept id.
func (sv Concepts) Children(ctx context.Context, id int64) ([]engine.Concept, error) {
	return sv.relatives(ctx, id, sv.engine.Children)
}

func (sv Concepts) relatives(ctx context.Context, id int64, find func(context.Context, int64) ([]engine.Concept, error)) ([]engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) ([]engine.Concept, string, int64, error) {
		out, err := find(ctx, id)
		return nonNil(out), strconv.FormatInt(id, 10), int64(len(out)), err
	})
}
