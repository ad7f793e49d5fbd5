package ddb

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Projection says which attributes a secondary index copies.
type Projection string

// The projections DynamoDB supports; INCLUDE is not offered because no table here needs it.
const (
	ProjectAll      Projection = Projection(types.ProjectionTypeAll)
	ProjectKeysOnly Projection = Projection(types.ProjectionTypeKeysOnly)
)

// GSI describes a global secondary index. SortKey is empty for a partition-only index.
type GSI struct {
	Name         string
	PartitionKey string
	SortKey      string
	Projection   Projection
}

// LSI describes a local secondary index: the table's partition key with another sort key. Its
// item collections live with the table's, so it may be read with strong consistency; it can only
// be created with the table, and the table needs a sort key.
type LSI struct {
	Name       string
	SortKey    string
	Projection Projection
}

// StreamView says what a table's change feed (DynamoDB Streams) records of each change; empty
// means no stream.
type StreamView string

// The stream views used here.
const (
	// StreamNewAndOldImages records the item before and after each change.
	StreamNewAndOldImages StreamView = StreamView(types.StreamViewTypeNewAndOldImages)
)

// Definition is what a table is made of, as written by the package that owns the table.
// Attribute names are the `dynamodbav` names of fields of the item type.
type Definition struct {
	PartitionKey string
	SortKey      string
	GSIs         []GSI
	LSIs         []LSI
	// TTL names a numeric attribute (epoch seconds) that DynamoDB uses to expire items.
	TTL string
	// Stream turns on the table's change feed with this view.
	Stream StreamView
}

// AttributeType is the DynamoDB scalar type of a key attribute: "S", "N" or "B".
type AttributeType = types.ScalarAttributeType

// Schema is a checked Definition for item type T. Build it with [NewSchema]; its zero value is
// not usable.
type Schema[T any] struct {
	def        Definition
	attrs      map[string]attribute // by dynamodbav name
	keyTypes   map[string]AttributeType
	enumFields []attribute
}

type attribute struct {
	name  string
	index []int
	typ   reflect.Type
	enum  bool
	// omitEmpty mirrors the tag option: an empty value is not written at all.
	omitEmpty bool
}

// NewSchema checks def against the fields of T: every key and index attribute must be a field of
// T with a scalar type (string, number or []byte), GSI names must be unique and projections
// known, and the TTL attribute must be numeric. The returned error wraps [ErrInvalidSchema].
func NewSchema[T any](def Definition) (*Schema[T], error) {
	var zero T
	rt := reflect.TypeOf(zero)
	if rt == nil || rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: item type %v is not a struct", ErrInvalidSchema, rt)
	}
	s := &Schema[T]{def: def, attrs: map[string]attribute{}, keyTypes: map[string]AttributeType{}}
	collectAttributes(rt, nil, s.attrs)
	for _, a := range s.attrs {
		if a.enum {
			s.enumFields = append(s.enumFields, a)
		}
	}
	fail := func(format string, args ...any) (*Schema[T], error) {
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalidSchema, rt.Name(), fmt.Sprintf(format, args...))
	}
	if def.PartitionKey == "" {
		return fail("partition key is required")
	}
	keys := []struct{ role, name string }{{"partition key", def.PartitionKey}, {"sort key", def.SortKey}}
	seen := map[string]bool{}
	for _, g := range def.GSIs {
		if g.Name == "" {
			return fail("a GSI has no name")
		}
		if seen[g.Name] {
			return fail("GSI %q is defined twice", g.Name)
		}
		seen[g.Name] = true
		if g.PartitionKey == "" {
			return fail("GSI %q has no partition key", g.Name)
		}
		if g.Projection != ProjectAll && g.Projection != ProjectKeysOnly {
			return fail("GSI %q has unknown projection %q", g.Name, g.Projection)
		}
		keys = append(keys,
			struct{ role, name string }{"partition key of GSI " + g.Name, g.PartitionKey},
			struct{ role, name string }{"sort key of GSI " + g.Name, g.SortKey})
	}
	for _, l := range def.LSIs {
		if l.Name == "" {
			return fail("an LSI has no name")
		}
		if seen[l.Name] {
			return fail("index %q is defined twice", l.Name)
		}
		seen[l.Name] = true
		if def.SortKey == "" {
			return fail("LSI %q needs a table with a sort key", l.Name)
		}
		if l.SortKey == "" {
			return fail("LSI %q has no sort key", l.Name)
		}
		if l.Projection != ProjectAll && l.Projection != ProjectKeysOnly {
			return fail("LSI %q has unknown projection %q", l.Name, l.Projection)
		}
		keys = append(keys, struct{ role, name string }{"sort key of LSI " + l.Name, l.SortKey})
	}
	if def.Stream != "" && def.Stream != StreamNewAndOldImages {
		return fail("unknown stream view %q", def.Stream)
	}
	for _, k := range keys {
		if k.name == "" {
			continue
		}
		a, ok := s.attrs[k.name]
		if !ok {
			return fail("%s %q is not a field of the item", k.role, k.name)
		}
		t, ok := scalarType(a.typ)
		if !ok {
			return fail("%s %q has type %v, which is not a scalar (string, number or []byte)", k.role, k.name, a.typ)
		}
		s.keyTypes[k.name] = t
	}
	if def.TTL != "" {
		a, ok := s.attrs[def.TTL]
		if !ok {
			return fail("TTL attribute %q is not a field of the item", def.TTL)
		}
		if t, _ := scalarType(a.typ); t != types.ScalarAttributeTypeN {
			return fail("TTL attribute %q has type %v; it must be a number of epoch seconds", def.TTL, a.typ)
		}
	}
	return s, nil
}

// MustSchema is NewSchema for package-level table definitions: a wrong definition panics when
// the program starts, never at the first request.
func MustSchema[T any](def Definition) *Schema[T] {
	s, err := NewSchema[T](def)
	if err != nil {
		panic(err)
	}
	return s
}

// Definition returns the definition the schema was built from (a copy: the index slices are
// cloned).
func (s *Schema[T]) Definition() Definition {
	d := s.def
	d.GSIs = append([]GSI(nil), s.def.GSIs...)
	d.LSIs = append([]LSI(nil), s.def.LSIs...)
	return d
}

// KeyType returns the scalar type of a key or index attribute of the schema.
func (s *Schema[T]) KeyType(name string) (AttributeType, bool) {
	t, ok := s.keyTypes[name]
	return t, ok
}

// GSI returns the index with the given name.
func (s *Schema[T]) GSI(name string) (GSI, bool) {
	for _, g := range s.def.GSIs {
		if g.Name == name {
			return g, true
		}
	}
	return GSI{}, false
}

// LSI returns the local index with the given name.
func (s *Schema[T]) LSI(name string) (LSI, bool) {
	for _, l := range s.def.LSIs {
		if l.Name == name {
			return l, true
		}
	}
	return LSI{}, false
}

// indexKeys returns the partition and sort key of the named index ("" for the table itself).
func (s *Schema[T]) indexKeys(name string) (partition, sort string, global, ok bool) {
	if name == "" {
		return s.def.PartitionKey, s.def.SortKey, false, true
	}
	if g, ok := s.GSI(name); ok {
		return g.PartitionKey, g.SortKey, true, true
	}
	if l, ok := s.LSI(name); ok {
		return s.def.PartitionKey, l.SortKey, false, true
	}
	return "", "", false, false
}

// HasAttribute reports whether name is the dynamodbav name of a field of T.
func (s *Schema[T]) HasAttribute(name string) bool {
	_, ok := s.attrs[name]
	return ok
}

func (s *Schema[T]) isKey(name string) bool {
	return name == s.def.PartitionKey || (s.def.SortKey != "" && name == s.def.SortKey)
}

var enumType = reflect.TypeFor[Enum]()

// collectAttributes walks exported fields (and embedded structs) the way attributevalue does:
// the name is the first part of the dynamodbav tag, or the field name; "-" skips the field.
func collectAttributes(rt reflect.Type, index []int, out map[string]attribute) {
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("dynamodbav")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			collectAttributes(f.Type, idx, out)
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := out[name]; dup {
			continue // the shallower field wins, as in attributevalue
		}
		out[name] = attribute{name: name, index: idx, typ: f.Type, enum: f.Type.Implements(enumType),
			omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")}
	}
}

func scalarType(t reflect.Type) (AttributeType, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return types.ScalarAttributeTypeS, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return types.ScalarAttributeTypeN, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return types.ScalarAttributeTypeB, true
		}
	}
	return "", false
}
