package eventfilter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Criteria are the compiled filters of one mapping. The zero value and a nil *Criteria keep every
// record (a mapping without FilterCriteria).
type Criteria struct {
	patterns []*pattern
}

// pattern is one compiled pattern, or one alternative of a "$or": every field condition must
// hold, and in every "$or" group one alternative must.
type pattern struct {
	fields []field
	ors    [][]*pattern
}

// field is a leaf of a pattern: the path from the record's root and its conditions (OR'd).
type field struct {
	path  string // keys joined by pathSep
	conds []matcher
}

const pathSep = "\x00"

// Compile parses the patterns of a mapping's FilterCriteria. No pattern means no filtering.
func Compile(patterns []string) (*Criteria, error) {
	if len(patterns) > MaxFilters {
		return nil, fmt.Errorf("%w: %d filters, at most %d", ErrInvalidPattern, len(patterns), MaxFilters)
	}
	c := &Criteria{}
	for i, p := range patterns {
		if len(p) > MaxPatternLength {
			return nil, fmt.Errorf("%w: pattern %d is %d characters, at most %d", ErrInvalidPattern, i, len(p), MaxPatternLength)
		}
		obj, err := decodeObject([]byte(p))
		if err != nil {
			return nil, fmt.Errorf("%w: pattern %d: %v", ErrInvalidPattern, i, err)
		}
		cp, err := compileObject(obj, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: pattern %d: %v", ErrInvalidPattern, i, err)
		}
		c.patterns = append(c.patterns, cp)
	}
	return c, nil
}

// MustCompile is Compile for patterns known to be valid (tests, constants); it panics otherwise.
func MustCompile(patterns ...string) *Criteria {
	c, err := Compile(patterns)
	if err != nil {
		panic(err)
	}
	return c
}

// decodeObject decodes a JSON object keeping numbers as json.Number and refusing trailing data.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a pattern is a JSON object, not %s", kind(v))
	}
	return obj, nil
}

func compileObject(obj map[string]any, prefix []string) (*pattern, error) {
	if len(obj) == 0 {
		return nil, fmt.Errorf("empty object at %q: a pattern must name a field", dotted(prefix))
	}
	p := &pattern{}
	for key, v := range obj {
		if key == "$or" {
			alts, err := compileOr(v, prefix)
			if err != nil {
				return nil, err
			}
			p.ors = append(p.ors, alts)
			continue
		}
		path := append(append([]string(nil), prefix...), key)
		switch v := v.(type) {
		case map[string]any:
			sub, err := compileObject(v, path)
			if err != nil {
				return nil, err
			}
			p.fields = append(p.fields, sub.fields...)
			p.ors = append(p.ors, sub.ors...)
		case []any:
			conds, err := compileConditions(v, path)
			if err != nil {
				return nil, err
			}
			p.fields = append(p.fields, field{path: strings.Join(path, pathSep), conds: conds})
		default:
			return nil, fmt.Errorf("%q: match values must be in an array, got %s", dotted(path), kind(v))
		}
	}
	return p, nil
}

func compileOr(v any, prefix []string) ([]*pattern, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%q: $or takes a non-empty array of patterns", dotted(append(prefix, "$or")))
	}
	var alts []*pattern
	for _, a := range list {
		obj, ok := a.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q: each $or alternative is an object, got %s", dotted(append(prefix, "$or")), kind(a))
		}
		p, err := compileObject(obj, prefix)
		if err != nil {
			return nil, err
		}
		alts = append(alts, p)
	}
	return alts, nil
}

func compileConditions(list []any, path []string) ([]matcher, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("%q: empty array of match values", dotted(path))
	}
	var conds []matcher
	for _, v := range list {
		var m matcher
		var err error
		switch v := v.(type) {
		case nil, string, bool:
			m = exact{v}
		case json.Number:
			m, err = exactNumber(v)
		case map[string]any:
			m, err = compileOperator(v)
		default:
			err = fmt.Errorf("a match value is a string, number, boolean, null or operator object, got %s", kind(v))
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %v", dotted(path), err)
		}
		conds = append(conds, m)
	}
	return conds, nil
}

func dotted(path []string) string { return strings.Join(path, ".") }

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
