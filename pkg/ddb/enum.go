package ddb

import (
	"fmt"
	"reflect"
	"slices"
)

// Enum is implemented by typed string enums used as item attributes. Before any write, the
// table checks every Enum field of the item (and every Enum value given to an update) and refuses
// a value outside the set with an [InvalidValueError], without calling DynamoDB.
//
// The zero value (the empty string) is accepted only when the attribute is omitted
// (`omitempty`), which Valid can allow by returning true for it.
type Enum interface {
	Valid() bool
}

// EnumOf is a helper for implementing Enum: the set of allowed values of E.
type EnumOf[E ~string] []E

// Contains reports whether v is one of the allowed values.
func (s EnumOf[E]) Contains(v E) bool { return slices.Contains(s, v) }

// checkEnums validates every Enum field of item.
func (s *Schema[T]) checkEnums(item *T) error {
	if len(s.enumFields) == 0 {
		return nil
	}
	v := reflect.ValueOf(item).Elem()
	for _, a := range s.enumFields {
		f, err := v.FieldByIndexErr(a.index)
		if err != nil { // a nil embedded pointer: nothing to check
			continue
		}
		if e, ok := f.Interface().(Enum); ok && !e.Valid() && !(f.IsZero() && a.omitEmpty) {
			return &InvalidValueError{Attribute: a.name, Value: fmt.Sprint(f.Interface())}
		}
	}
	return nil
}

// checkValue validates a value written to attribute name by an update.
func (s *Schema[T]) checkValue(name string, value any) error {
	a, ok := s.attrs[name]
	if !ok || !a.enum {
		return nil
	}
	e, ok := value.(Enum)
	if !ok {
		if reflect.TypeOf(value) != nil && reflect.TypeOf(value).ConvertibleTo(a.typ) && reflect.TypeOf(value).Kind() == a.typ.Kind() {
			e, ok = reflect.ValueOf(value).Convert(a.typ).Interface().(Enum)
		}
	}
	if !ok || !e.Valid() {
		return &InvalidValueError{Attribute: name, Value: fmt.Sprint(value)}
	}
	return nil
}
