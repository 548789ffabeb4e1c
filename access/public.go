package access

import (
	"encoding/json"
	"maps"
	"slices"
)

// The result types of the public tier hold only labels, released numbers
// and shares computed from released numbers: no field can carry a raw
// count, a person id or a row (public_test.go walks their types to prove
// it). The strings are labels of the vocabulary and of the demographic
// categories; the caller must not put identifiers of people in them.

// PublicCount is one released number and what it counts.
type PublicCount struct {
	Label string
	Count Released
	// Share is Count's fraction of the breakdown's total, computed from
	// released numbers only; 0 outside a breakdown.
	Share float64
}

type publicCountJSON struct {
	Label  string  `json:"label,omitempty"`
	Count  int64   `json:"count"`
	AtMost bool    `json:"at_most,omitempty"`
	Share  float64 `json:"share,omitempty"`
}

// MarshalJSON writes {"label": "Female", "count": 40, "share": 0.4}, with
// "at_most": true for a count shown as "<= 20".
func (c PublicCount) MarshalJSON() ([]byte, error) {
	return json.Marshal(publicCountJSON{Label: c.Label, Count: c.Count.value, AtMost: c.Count.atMost, Share: c.Share})
}

// UnmarshalJSON reads what MarshalJSON writes, checking the count as
// Released does.
func (c *PublicCount) UnmarshalJSON(b []byte) error {
	var j publicCountJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	r, err := checkReleased(j.Count, j.AtMost)
	if err != nil {
		return err
	}
	*c = PublicCount{Label: j.Label, Count: r, Share: j.Share}
	return nil
}

// PublicBreakdown is a released total and its parts: participants by sex at
// birth, a concept's counts by age bin, a survey question's answers.
type PublicBreakdown struct {
	Label  string        `json:"label"`
	Total  Released      `json:"total"`
	Groups []PublicCount `json:"groups"`
}

// Breakdown releases a total and its parts (counts by label) and computes
// each part's share from the released numbers. Groups are in label order.
// The total's noise is drawn from canonicalQuery, each part's from
// canonicalQuery and its label.
func (d Disclosure) Breakdown(label, canonicalQuery string, total int64, counts map[string]int64) PublicBreakdown {
	b := PublicBreakdown{Label: label, Total: d.Release(total, canonicalQuery)}
	released := d.ReleaseBreakdown(counts, canonicalQuery)
	for _, l := range slices.Sorted(maps.Keys(released)) {
		b.Groups = append(b.Groups, PublicCount{Label: l, Count: released[l], Share: Share(released[l], b.Total)})
	}
	return b
}
