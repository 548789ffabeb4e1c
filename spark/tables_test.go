package spark

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTables finds a CDR's tables in Spark's listing of its Parquet
// files as package cdr finds them in the folder.
func TestTables(t *testing.T) {
	files := []file{
		{rel: "Concept.parquet"},
		{rel: "measurement.parquet"},
		{rel: "measurement/part-0.parquet"},
		{rel: "person/part-0.parquet"},
		{rel: "person/part-1.parquet"},
		{rel: "visit_occurrence/2020/part-0.parquet"},
	}
	assert.Equal(t, map[string]string{
		"concept":     "s3a://b/cdr/Concept.parquet",
		"measurement": "s3a://b/cdr/measurement.parquet",
		"person":      "s3a://b/cdr/person/*.parquet",
	}, tables("s3a://b/cdr", files))
}

// TestVersionID changes with a file's size or time and with the
// reference date.
func TestVersionID(t *testing.T) {
	files := []file{{rel: "person.parquet", size: 10, modified: 1000}}
	id := versionID(files, "2024-01-01")
	assert.Len(t, id, 16)
	assert.Equal(t, id, versionID([]file{{rel: "person.parquet", size: 10, modified: 1000}}, "2024-01-01"))
	for _, other := range []string{
		versionID([]file{{rel: "person.parquet", size: 11, modified: 1000}}, "2024-01-01"),
		versionID([]file{{rel: "person.parquet", size: 10, modified: 1001}}, "2024-01-01"),
		versionID([]file{{rel: "person2.parquet", size: 10, modified: 1000}}, "2024-01-01"),
		versionID(files, "2024-01-02"),
	} {
		assert.NotEqual(t, id, other)
	}
}
