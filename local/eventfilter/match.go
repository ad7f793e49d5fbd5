package eventfilter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Record is a record flattened for matching: each leaf path with its values.
type Record map[string][]any

// Flatten turns a decoded JSON record (maps, slices, strings, json.Number or float64, bools,
// nil) into its leaves. An array adds each element to the same path; an empty object or array
// adds nothing, so the field counts as missing.
func Flatten(v any) Record {
	r := Record{}
	flatten(r, nil, v)
	return r
}

func flatten(r Record, path []string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			flatten(r, append(path, k), e)
		}
	case []any:
		for _, e := range v {
			flatten(r, path, e)
		}
	default:
		if len(path) > 0 {
			key := strings.Join(path, pathSep)
			r[key] = append(r[key], v)
		}
	}
}

// ParseRecord decodes a JSON record and flattens it.
func ParseRecord(b []byte) (Record, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("eventfilter: record: %w", err)
	}
	return Flatten(v), nil
}

// Match reports whether the record is kept: true when there is no pattern or one matches.
func (c *Criteria) Match(r Record) bool {
	if c == nil || len(c.patterns) == 0 {
		return true
	}
	for _, p := range c.patterns {
		if p.match(r) {
			return true
		}
	}
	return false
}

// MatchJSON is Match over a JSON record.
func (c *Criteria) MatchJSON(b []byte) (bool, error) {
	if c == nil || len(c.patterns) == 0 {
		return true, nil
	}
	r, err := ParseRecord(b)
	if err != nil {
		return false, err
	}
	return c.Match(r), nil
}

// Len is the number of patterns; 0 keeps every record.
func (c *Criteria) Len() int {
	if c == nil {
		return 0
	}
	return len(c.patterns)
}

func (p *pattern) match(r Record) bool {
	for _, f := range p.fields {
		leaves := r[f.path]
		ok := false
		for _, m := range f.conds {
			if m.match(leaves) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, alts := range p.ors {
		ok := false
		for _, a := range alts {
			if a.match(r) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
