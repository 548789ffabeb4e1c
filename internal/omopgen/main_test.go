package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed internal/omop/omop_tables.go must be what the generator makes from the
// reference CSVs, so that nobody edits it by hand.
func TestGeneratedFileIsCurrent(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "reference", "omop")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("no OMOP reference CSVs: %v", err)
	}
	got, err := generate(ref)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("..", "omop", "omop_tables.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "internal/omop/omop_tables.go is stale: run go generate ./internal/omop")
}

func TestGoType(t *testing.T) {
	tests := []struct{ omop, want string }{
		{"integer", "Integer"},
		{"Integer", "Integer"},
		{"bigint", "Integer"},
		{"float", "Float"},
		{"date", "Date"},
		{"datetime", "Datetime"},
		{"varchar(50)", "Text"},
		{"Varchar(50)", "Text"},
		{"varchar(MAX)", "Text"},
	}
	for _, tt := range tests {
		t.Run(tt.omop, func(t *testing.T) {
			got, err := goType(tt.omop)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := goType("blob")
	assert.ErrorContains(t, err, `unknown data type "blob"`)
}

// writeSpec writes a one-table specification of both versions into a new
// directory, the field-level file with a BOM and CRLF line ends as some
// OHDSI files have.
func writeSpec(t *testing.T, fields string) string {
	t.Helper()
	dir := t.TempDir()
	tables := "cdmTableName,schema,isRequired,tableDescription\r\nnote_nlp,CDM,No,\"prose, not kept\"\r\nconcept,VOCAB,Yes,x\r\n"
	header := "\ufeffcdmTableName,cdmFieldName,isRequired,cdmDatatype,userGuidance,isPrimaryKey,isForeignKey,fkTableName,fkFieldName\r\n"
	for _, v := range []string{"5.3", "5.4"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "OMOP_CDMv"+v+"_Table_Level.csv"), []byte(tables), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "OMOP_CDMv"+v+"_Field_Level.csv"), []byte(header+fields), 0o644))
	}
	return dir
}

func TestReadVersion(t *testing.T) {
	dir := writeSpec(t, "note_nlp,note_nlp_id,Yes,integer,\"a\r\nmultiline note\",Yes,No,NA,NA\r\n"+
		"NOTE_NLP,\"\"\"offset\"\"\",No,varchar(50),x,No,No,NA,NA\r\n"+
		"note_nlp,section_concept_id,No,integer,x,No,No,CONCEPT,CONCEPT_ID\r\n"+
		"concept,concept_id,Yes,integer,x,Yes,No,NA,NA\r\n")
	got, err := readVersion(dir, "5.4")
	require.NoError(t, err)
	want := []table{
		{name: "note_nlp", columns: []column{
			{name: "note_nlp_id", typ: "Integer", required: true, primary: true},
			{name: "offset", typ: "Text"},
			{name: "section_concept_id", typ: "Integer", fkTable: "concept", fkColumn: "concept_id"},
		}},
		{name: "concept", vocabulary: true, columns: []column{
			{name: "concept_id", typ: "Integer", required: true, primary: true},
		}},
	}
	assert.Equal(t, want, got)
}

func TestReadVersionErrors(t *testing.T) {
	dir := writeSpec(t, "note_nlp,note_nlp_id,Maybe,integer,x,Yes,No,NA,NA\r\n"+
		"note_nlp,snippet,No,text,x,No,No,NA,NA\r\n"+
		"note_nlp,note_id,No,integer,x,No,Yes,NOTE,NA\r\n"+
		"note,note_id,Yes,integer,x,Yes,No,NA,NA\r\n")
	_, err := readVersion(dir, "5.3")
	require.Error(t, err)
	for _, msg := range []string{
		`OMOP_CDMv5.3_Field_Level.csv:2: note_nlp_id: isRequired: want Yes or No, got "Maybe"`,
		`OMOP_CDMv5.3_Field_Level.csv:3: snippet: unknown data type "text"`,
		`OMOP_CDMv5.3_Field_Level.csv:4: note_id: foreign key NOTE.NA is half missing`,
		`OMOP_CDMv5.3_Field_Level.csv:5: table "note" is not in OMOP_CDMv5.3_Table_Level.csv`,
		`table "concept" has no columns`,
	} {
		assert.ErrorContains(t, err, msg)
	}
}
