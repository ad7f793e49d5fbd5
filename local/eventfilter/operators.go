package eventfilter

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// matcher is one condition on a field: it sees the field's leaf values (none when the field is
// missing) and says whether the condition holds.
type matcher interface {
	match(leaves []any) bool
}

// compileOperator compiles an operator object such as {"prefix": "x"}.
func compileOperator(obj map[string]any) (matcher, error) {
	if len(obj) != 1 {
		return nil, fmt.Errorf("an operator object has exactly one key, got %d", len(obj))
	}
	for op, arg := range obj {
		switch op {
		case "exists":
			b, ok := arg.(bool)
			if !ok {
				return nil, fmt.Errorf("exists takes true or false, got %s", kind(arg))
			}
			return exists(b), nil
		case "prefix", "suffix":
			return compileAffix(op, arg)
		case "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				return nil, fmt.Errorf("equals-ignore-case takes a string, got %s", kind(arg))
			}
			return equalFold(s), nil
		case "anything-but":
			return compileAnythingBut(arg)
		case "numeric":
			return compileNumeric(arg)
		case "wildcard", "cidr", "contains", "$and", "$not":
			return nil, fmt.Errorf("operator %q is not supported here", op)
		default:
			return nil, fmt.Errorf("unknown operator %q", op)
		}
	}
	panic("unreachable")
}

// compileAffix compiles prefix/suffix with a string or {"equals-ignore-case": string}.
func compileAffix(op string, arg any) (matcher, error) {
	a := affix{suffix: op == "suffix"}
	switch arg := arg.(type) {
	case string:
		a.s = arg
	case map[string]any:
		s, ok := arg["equals-ignore-case"].(string)
		if len(arg) != 1 || !ok {
			return nil, fmt.Errorf("%s takes a string or {\"equals-ignore-case\": string}", op)
		}
		a.s, a.fold = s, true
	default:
		return nil, fmt.Errorf("%s takes a string, got %s", op, kind(arg))
	}
	return a, nil
}

func compileAnythingBut(arg any) (matcher, error) {
	switch arg := arg.(type) {
	case string:
		return anythingBut{strs: []string{arg}}, nil
	case json.Number:
		f, err := number(arg)
		if err != nil {
			return nil, err
		}
		return anythingBut{nums: []float64{f}}, nil
	case []any:
		if len(arg) == 0 {
			return nil, fmt.Errorf("anything-but takes a non-empty list")
		}
		var ab anythingBut
		for _, v := range arg {
			switch v := v.(type) {
			case string:
				ab.strs = append(ab.strs, v)
			case json.Number:
				f, err := number(v)
				if err != nil {
					return nil, err
				}
				ab.nums = append(ab.nums, f)
			default:
				return nil, fmt.Errorf("anything-but lists strings or numbers, got %s", kind(v))
			}
		}
		if len(ab.strs) > 0 && len(ab.nums) > 0 {
			return nil, fmt.Errorf("anything-but lists only strings or only numbers, not both")
		}
		return ab, nil
	case map[string]any:
		if len(arg) != 1 {
			return nil, fmt.Errorf("anything-but takes one operator object")
		}
		for op, v := range arg {
			switch op {
			case "prefix", "suffix":
				s, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("anything-but %s takes a string, got %s", op, kind(v))
				}
				return not{affix{s: s, suffix: op == "suffix"}}, nil
			case "equals-ignore-case":
				var ss []string
				switch v := v.(type) {
				case string:
					ss = []string{v}
				case []any:
					for _, e := range v {
						s, ok := e.(string)
						if !ok {
							return nil, fmt.Errorf("anything-but equals-ignore-case lists strings, got %s", kind(e))
						}
						ss = append(ss, s)
					}
				}
				if len(ss) == 0 {
					return nil, fmt.Errorf("anything-but equals-ignore-case takes a string or a non-empty list of strings")
				}
				return anythingBut{strs: ss, fold: true}, nil
			default:
				return nil, fmt.Errorf("anything-but does not take operator %q", op)
			}
		}
	}
	return nil, fmt.Errorf("anything-but takes a string, a number, a list or an operator object, got %s", kind(arg))
}

func compileNumeric(arg any) (matcher, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 || len(list) > 4 {
		return nil, fmt.Errorf("numeric takes one or two operator/number pairs, e.g. [\">\", 0, \"<=\", 5]")
	}
	n := numeric{lo: math.Inf(-1), hi: math.Inf(1)}
	var haveLo, haveHi, haveEq bool
	for i := 0; i < len(list); i += 2 {
		op, ok := list[i].(string)
		if !ok {
			return nil, fmt.Errorf("numeric: %s where an operator was expected", kind(list[i]))
		}
		num, ok := list[i+1].(json.Number)
		if !ok {
			return nil, fmt.Errorf("numeric: %s where a number was expected", kind(list[i+1]))
		}
		f, err := number(num)
		if err != nil {
			return nil, err
		}
		switch op {
		case ">", ">=":
			if haveLo || haveEq {
				return nil, fmt.Errorf("numeric: two lower bounds")
			}
			haveLo, n.lo, n.loIncl = true, f, op == ">="
		case "<", "<=":
			if haveHi || haveEq {
				return nil, fmt.Errorf("numeric: two upper bounds")
			}
			haveHi, n.hi, n.hiIncl = true, f, op == "<="
		case "=":
			if len(list) != 2 {
				return nil, fmt.Errorf("numeric: \"=\" stands alone")
			}
			haveEq, n.lo, n.hi, n.loIncl, n.hiIncl = true, f, f, true, true
		default:
			return nil, fmt.Errorf("numeric: unknown operator %q", op)
		}
	}
	if n.lo > n.hi {
		return nil, fmt.Errorf("numeric: empty range")
	}
	return n, nil
}

func number(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %s out of range", n)
	}
	return f, nil
}

func exactNumber(n json.Number) (matcher, error) {
	f, err := number(n)
	if err != nil {
		return nil, err
	}
	return exact{f}, nil
}

// exact matches a leaf equal to v: a string, a float64 (numbers compare as numbers), a bool or nil.
type exact struct{ v any }

func (e exact) match(leaves []any) bool {
	for _, l := range leaves {
		if f, ok := leafNumber(l); ok {
			if ev, isNum := e.v.(float64); isNum && ev == f {
				return true
			}
			continue
		}
		if l == e.v {
			return true
		}
	}
	return false
}

type exists bool

func (e exists) match(leaves []any) bool { return (len(leaves) > 0) == bool(e) }

type affix struct {
	s            string
	suffix, fold bool
}

func (a affix) match(leaves []any) bool {
	for _, l := range leaves {
		if s, ok := l.(string); ok && a.matchString(s) {
			return true
		}
	}
	return false
}

func (a affix) matchString(s string) bool {
	if len(s) < len(a.s) {
		return false
	}
	part := s[:len(a.s)]
	if a.suffix {
		part = s[len(s)-len(a.s):]
	}
	if a.fold {
		return strings.EqualFold(part, a.s)
	}
	return part == a.s
}

type equalFold string

func (e equalFold) match(leaves []any) bool {
	for _, l := range leaves {
		if s, ok := l.(string); ok && strings.EqualFold(s, string(e)) {
			return true
		}
	}
	return false
}

// anythingBut matches a present leaf that is none of the listed values. A leaf of another type
// (a number against a list of strings, null, a boolean) is "anything but" them too.
type anythingBut struct {
	strs []string
	nums []float64
	fold bool
}

func (a anythingBut) match(leaves []any) bool {
	for _, l := range leaves {
		if !a.excluded(l) {
			return true
		}
	}
	return false
}

func (a anythingBut) excluded(l any) bool {
	if f, ok := leafNumber(l); ok {
		for _, n := range a.nums {
			if n == f {
				return true
			}
		}
		return false
	}
	s, ok := l.(string)
	if !ok {
		return false
	}
	for _, x := range a.strs {
		if x == s || (a.fold && strings.EqualFold(x, s)) {
			return true
		}
	}
	return false
}

// not is anything-but over a string operator: a present string leaf that does not match it.
type not struct{ m affix }

func (n not) match(leaves []any) bool {
	for _, l := range leaves {
		if s, ok := l.(string); ok && !n.m.matchString(s) {
			return true
		}
	}
	return false
}

type numeric struct {
	lo, hi         float64
	loIncl, hiIncl bool
}

func (n numeric) match(leaves []any) bool {
	for _, l := range leaves {
		f, ok := leafNumber(l)
		if !ok {
			continue
		}
		if (f > n.lo || (n.loIncl && f == n.lo)) && (f < n.hi || (n.hiIncl && f == n.hi)) {
			return true
		}
	}
	return false
}

// leafNumber reads a numeric leaf of a decoded record (json.Number or float64).
func leafNumber(l any) (float64, bool) {
	switch v := l.(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return f, err == nil
	}
	return 0, false
}
