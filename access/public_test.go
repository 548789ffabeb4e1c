package access_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openworkbench/workbench/access"
)

// checkPublic walks a type of a public result and reports every place that
// could carry a raw count, a person id or a row: any integer, pointer,
// interface, function or channel outside Released. Strings (labels),
// booleans and floats (shares) are allowed, and so are slices, arrays,
// string-keyed maps and structs of allowed types.
func checkPublic(t reflect.Type, path string, problems *[]string) {
	released := reflect.TypeFor[access.Released]()
	switch {
	case t == released:
		return
	case t.Kind() == reflect.String, t.Kind() == reflect.Bool, t.Kind() == reflect.Float64, t.Kind() == reflect.Float32:
		return
	case t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
		checkPublic(t.Elem(), path+"[]", problems)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		checkPublic(t.Elem(), path+"[key]", problems)
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			checkPublic(f.Type, path+"."+f.Name, problems)
		}
	default:
		*problems = append(*problems, path+": "+t.String())
	}
}

// No public result type can hold a raw count or a person id: every number
// in it is a Released, which only Disclosure.Release makes.
func TestPublicTypesHoldOnlyReleasedNumbers(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[access.PublicCount](),
		reflect.TypeFor[access.PublicBreakdown](),
		reflect.TypeFor[[]access.PublicBreakdown](),
		reflect.TypeFor[map[string]access.Released](), // ReleaseBreakdown's result
	} {
		var problems []string
		checkPublic(typ, typ.String(), &problems)
		assert.Empty(t, problems, "%s can carry an unreleased number", typ)
	}
}

// The walker catches what it must: a raw count, an id slice, a pointer.
func TestCheckPublicCatches(t *testing.T) {
	type leaky struct {
		Label   string
		Count   access.Released
		Raw     int64
		People  []int64
		Nested  struct{ ID int }
		Pointer *access.PublicCount
		Any     any
		ByID    map[int64]access.Released
	}
	var problems []string
	checkPublic(reflect.TypeFor[leaky](), "leaky", &problems)
	assert.Equal(t, []string{"leaky.Raw: int64", "leaky.People[]: int64", "leaky.Nested.ID: int",
		"leaky.Pointer: *access.PublicCount", "leaky.Any: interface {}", "leaky.ByID: map[int64]access.Released"}, problems)
}

// Released's fields are unexported, so no other package can write a raw
// count into one.
func TestReleasedIsSealed(t *testing.T) {
	typ := reflect.TypeFor[access.Released]()
	for i := range typ.NumField() {
		assert.False(t, typ.Field(i).IsExported(), typ.Field(i).Name)
	}
}
