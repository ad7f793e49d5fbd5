package stack

import "github.com/trainstatus/trainstatus/local/invoke"

// withEnv adds Config.FunctionEnv to the functions' environments: a test's knob (a short stall
// window, say) that infra/ has no reason to know about.
func withEnv(fns []invoke.Function, extra map[string]map[string]string) []invoke.Function {
	for i, fn := range fns {
		if len(extra[fn.Name]) == 0 {
			continue
		}
		env := make(map[string]string, len(fn.Env)+len(extra[fn.Name]))
		for k, v := range fn.Env {
			env[k] = v
		}
		for k, v := range extra[fn.Name] {
			env[k] = v
		}
		fns[i].Env = env
	}
	return fns
}
