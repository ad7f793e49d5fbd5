package httpapi

import "strings"

// match finds the route for method and path and its path parameters. A literal segment wins
// over a {parameter}, as in API Gateway; a greedy {name+} takes the rest of the path.
func match(routes []Route, method, path string) (Route, map[string]string, bool) {
	segs := split(path)
	best, bestScore := -1, -1
	var bestParams map[string]string
	for i, r := range routes {
		if r.Method != method && r.Method != "ANY" {
			continue
		}
		params, score, ok := matchPath(split(r.Path), segs)
		if ok && score > bestScore {
			best, bestScore, bestParams = i, score, params
		}
	}
	if best < 0 {
		return Route{}, nil, false
	}
	return routes[best], bestParams, true
}

func matchPath(pattern, segs []string) (map[string]string, int, bool) {
	params := map[string]string{}
	score := 0
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, 0, false
			}
			params[p[1:len(p)-2]] = strings.Join(segs[i:], "/")
			return params, score, true
		}
		if i >= len(segs) {
			return nil, 0, false
		}
		switch {
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			if segs[i] == "" {
				return nil, 0, false
			}
			params[p[1:len(p)-1]] = segs[i]
		case p == segs[i]:
			score++
		default:
			return nil, 0, false
		}
	}
	if len(pattern) != len(segs) {
		return nil, 0, false
	}
	return params, score, true
}

func split(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}
