// Package cohort is the definition language of the workbench and its
// compiler. It is a pure pipeline: [Parse] reads the All of Us Cohort
// Builder's JSON into a [Definition], whose modifier and attribute
// operands are typed values ([Number], [Whole], [ConceptID], [Date])
// read at parse time; [Definition.Validate] reports every problem at once
// as a *fault.Fields, each with its JSON path (an operand that is not
// a value of its kind, a [BadOperand], among them); [Compile] turns a
// valid definition into a [Query] of DuckDB SQL over the index tables of
// package cdr (search_person, search_events, concept_closure,
// concept_person) whose values are all arguments, without reading an
// operand's text again. [Definition.String] (= MarshalJSON) is the
// canonical form and serves as a cache key. The package does no I/O and
// has no context, no database/sql and no cgo: package engine runs the
// queries.
//
// Concept sets ([ConceptSet], [CompileExpand]) and datasets ([Dataset],
// [DatasetCatalog], [CompileDataset]) are here too, because they are
// part of the same language: a dataset is made of definitions and concept
// sets, a researcher saves all three in a workspace and the notebook
// client sends them, and each has a model, a validation that reports
// paths and a pure compilation to a Query (definitions and concept sets a
// canonical form too). What reads a database (a CDR's dataset catalog,
// concept search) is in package engine.
//
// # Semantics
//
// DESIGN.md ("Cohort definitions") states the semantics; in short: a
// person is in the cohort when every include group matches, no exclude
// group matches and every data filter holds; no include groups means
// everyone. A non-temporal group matches when any item matches; an item
// when the person has an event of one of its parameters' concepts that
// satisfies the parameter's attributes and every modifier of the item.
//
// Where DESIGN.md is silent this package decides, and the oracle test
// (package engine over internal/oracle) checks the SQL against the same
// decisions:
//
//   - Descendants: a parameter stands for its concept and all descendants
//     when group or ancestorData is true, and always in the DRUG domain
//     (an ingredient stands for every drug containing it, as in All of
//     Us). Descendants come from concept_closure, which has a self pair for
//     every concept of the vocabulary; a concept missing from the
//     vocabulary matches nothing when expanded. Expansion applies to source
//     parameters too.
//   - Standard and source: standard=true matches is_standard rows,
//     standard=false the source rows, which exist only where the source
//     concept differs from the standard one. A missing "standard" is true.
//   - Domains: an item's type says which criteria tree its concepts come
//     from; events match by concept alone, whatever table they were
//     recorded in (search_events.domain is not consulted), the way All of
//     Us searches one table of all events: a source code whose event was
//     filed as an observation is found by a CONDITION item of that code. A
//     parameter's domain, when given, must equal the item's type.
//   - Hierarchies are those of concept_closure: OMOP concept_ancestor,
//     and for source concepts (ICD10CM K92 > K92.2) the hierarchy that
//     package cdr builds from concept_relationship and code prefixes.
//     The All of Us survey tree (survey > question > answer) is not in it,
//     so a survey or question stands for itself only.
//   - Attributes: NUM compares value_as_number, CAT wants value_as_concept_id
//     among its operands (IN or EQUAL), ANY constrains nothing, AGE only
//     appears in PERSON AGE parameters. A missing value never satisfies
//     NUM or CAT, NOT_EQUAL included. BETWEEN is inclusive at both ends and
//     wants the low operand first. An attribute's conceptId names the
//     concept whose events carry the value (the parameter's concept when
//     0). When a parameter's attributes name several concepts (blood
//     pressure: systolic and diastolic), the parameter matches a reading of
//     each concept of the same person, date and visit (two readings
//     without a visit count as the same visit), each satisfying its own
//     attributes; the reading of the first concept named is the event
//     that modifiers and temporal relations see.
//   - Modifiers: at most one of each kind per item. AGE_AT_EVENT compares
//     age_at_event with whole numbers, EVENT_DATE the entry date with
//     YYYY-MM-DD dates, ENCOUNTERS (operator IN) keeps events whose visit
//     has one of the given visit concept ids exactly (no descendants;
//     events without a visit never match). NUM_OF_OCCURRENCES takes any
//     comparison and counts the distinct entry dates among the item's
//     events that satisfy everything else, over all its parameters; the
//     person needs at least one such event. CATI (survey mode) is a
//     validation error: not supported.
//   - Demographics (PERSON items): the item matches when any parameter
//     does. AGE compares age_at_ref (completed years on the CDR reference
//     date) with all its AGE attributes and never matches a deceased
//     person; GENDER, SEX (sex at birth), RACE and ETHNICITY compare the
//     concept id; DECEASED matches is_deceased. PERSON items take no
//     modifiers and cannot be in temporal groups.
//   - Temporal groups: each side's events are the union of its items'
//     events (after their modifiers, occurrence counts included). FIRST and
//     LAST mention keep, per person and side, the events of the earliest or
//     latest date, all of them when several share it; mention applies to
//     both sides, as DESIGN.md says. DURING_SAME_ENCOUNTER_AS needs both events to have the
//     same, non-null, visit_occurrence_id. X days before: side 0's date <=
//     side 1's date - X; after: >= side 1's date + X; within: at most X
//     days apart either way. X = 0 is allowed (same day counts).
//   - Operands: NUM takes finite decimal numbers; AGE, AGE_AT_EVENT and
//     NUM_OF_OCCURRENCES whole numbers >= 0; CAT and ENCOUNTERS concept
//     ids; EVENT_DATE dates. IN is for CAT and ENCOUNTERS only; the
//     comparisons (EQUAL ... BETWEEN) for the rest.
//   - An item's temporalGroup must be 0 or 1 in any group; outside
//     temporal groups it is ignored.
//   - Data filters are a closed list: HAS_EHR_DATA and
//     HAS_PHYSICAL_MEASUREMENT_DATA; anything else is a validation error.
//   - An empty cohort (no include and no exclude groups) is a validation
//     error; a group with no items and an item with no parameters too.
//
// # JSON
//
// Parse accepts the All of Us CohortDefinition:
//
//	CohortDefinition {includes[SearchGroup], excludes[SearchGroup], dataFilters[string]}
//	SearchGroup      {id, name, temporal, mention, time, timeValue, items[SearchGroupItem]}
//	SearchGroupItem  {id, name, type, temporalGroup, searchParameters[SearchParameter], modifiers[Modifier]}
//	SearchParameter  {parameterId, name, domain, type, subtype, group, ancestorData, standard, conceptId, attributes[Attribute]}
//	Attribute        {name, operator, operands[string], conceptId}
//	Modifier         {name, operator, operands[string]}
//
// Fields the All of Us UI sends that have no meaning here are ignored:
// count, isRequested, status and timeFrame of a SearchGroup; count,
// isRequested and status of a SearchGroupItem; value and variantId of a
// SearchParameter. Any other unknown field is an error with its path, as
// is a value of the wrong JSON type; null means absent. Operands are JSON
// strings, as All of Us sends them, read as the values their attribute or
// modifier name asks for. timeValue may be a number or a string
// holding one, and is required for the X_DAYS relations of a temporal
// group. Non-temporal groups may carry the UI's default mention and time;
// they must be valid values and are otherwise ignored.
//
// The canonical form (MarshalJSON, String) has a fixed key order, every
// array present, "standard" explicit, operands in canonical spelling,
// data filters sorted and unique, and temporal fields only on temporal
// groups. Names and ids are kept: they do not change the result but do
// the identity of a saved definition.
//
// # SQL
//
// Compile writes one CTE per group (and per side of a temporal group, and
// per temporal item that counts occurrences) and combines the groups with
// INTERSECT and EXCEPT. The include groups of demographics only and the
// data filters are one scan of search_person, their conditions ANDed.
// Plain parameters (no value conditions) of the modifier-free items of a
// non-temporal group are merged into one read of concept_person per
// standard flag, which has each person of a concept once, counting the
// concept's descendants (rolled rows) or not (direct rows), sorted by
// concept: a broad concept reads its persons rather than its millions of
// events. A cohort of one set that has each person once (one concept's
// rows of concept_person, a scan of search_person, a grouping by person)
// is selected without a DISTINCT (any lone set is, with Options.Repeats,
// for a caller that gathers the persons as a set), and include sets that
// each have each person once are intersected by joins rather than
// INTERSECT. An item of
// one plain parameter whose only modifier is the number of occurrences
// reads concept_person too, whose rows count the distinct dates of the
// concept's (or, rolled, its descendants') events. Other items with
// modifiers or value attributes, and the items of temporal groups, select
// from search_events by concept first (each file of the table is sorted
// by concept_id). Both tables are folders of one file per bucket of
// concepts (concept_id % 64): the DuckDB SQL names the buckets of the
// concepts it reads, an argument each, or for descendants the buckets
// that concept_closure gives, so that DuckDB opens those files alone. An
// item's two readings of one visit (a parameter whose attributes name two
// concepts) join their events, but for the pairs of
// cdrindex.ReadingPairConcepts (blood pressure), standard, with value
// conditions only: those read reading_pairs, one row a pair of readings.
// Concept lists are []int64 arguments (`IN
// (SELECT unnest(?::BIGINT[]))`), except that the concepts read from
// concept_person, and concepts without descendants, are an argument each
// (`IN (?::BIGINT, ...)`), which DuckDB plans as constants pushed into the
// scan; numbers are float64 or int64, dates YYYY-MM-DD strings; table
// names pass one quoting function; nothing from the definition is written
// into the SQL text.
//
// CompileBits writes a definition with an include group that is a union
// of concepts alone (as concept_person reads them) over concept_bits
// instead: per chunk of person ids, the OR of each such group's
// concepts' bits; the persons that the demographic groups and data
// filters keep (one scan of search_person), and those of every other
// group as Compile selects them, made bits the same way; AND-ed across
// include groups, AND NOT each exclude group's bits. Package engine
// counts with it and keeps the persons.
//
// # Spark SQL
//
// With Options.Dialect set to [Spark], Compile, CompileKeyed,
// CompileExpand and CompileDataset write the same queries in Spark SQL,
// for Spark Connect, whose clients bind no parameters: the values are
// literals written by one function (internal/sqlb's SparkLiteral) from
// their Go types alone, so no string of a definition enters the text:
// concept ids and whole numbers as BIGINT literals (the parser made them
// int64), numbers as DOUBLE literals from float64 formatting, dates as
// DATE literals written back from the validated day; lists become
// `explode(array(...))`. Identifiers are backquoted. Where Spark lacks
// DuckDB's syntax the shape differs: the FIRST and LAST mentions filter
// on a window column of a derived table (no QUALIFY), and the time
// relations count days with datediff (date - integer is an error under
// Spark's ANSI rules). The buckets of concepts alone are named as
// literals, which Spark prunes the bucket folders by; the DuckDB-only
// shapes above (the buckets of descendants, the dates of concept_person,
// joins for intersections) are left out: Spark reads the same rows the
// way the index was read before them. Every definition
// that compiles for DuckDB compiles for Spark; FuzzCompile checks both dialects, the Spark SQL with its
// literals taken out.
package cohort
