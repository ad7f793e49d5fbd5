package invoke

import (
	"strconv"
	"time"
)

// Function is how one function runs, as infra/ configures it in AWS.
type Function struct {
	Name      string            // AWS_LAMBDA_FUNCTION_NAME, the name in the Invoke API
	Bootstrap string            // path of the bootstrap binary built for this machine
	Env       map[string]string // the function's environment variables
	Timeout   time.Duration     // AWS_LAMBDA_FUNCTION_TIMEOUT (whole seconds, at least 1)
	MemoryMB  int               // AWS_LAMBDA_FUNCTION_MEMORY_SIZE
	// Concurrency is the number of emulators, so of invokes served at once (at least 1).
	Concurrency int
}

// environ is the emulator's environment: the function's variables plus the Lambda ones; the
// emulator passes its whole environment on to the bootstrap.
func (f Function) environ(path string) []string {
	env := []string{
		"PATH=" + path,
		"AWS_LAMBDA_FUNCTION_NAME=" + f.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(f.timeoutSeconds()),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(f.memory()),
		"AWS_LAMBDA_LOG_FORMAT=JSON",
	}
	for k, v := range f.Env {
		env = append(env, k+"="+v)
	}
	return env
}

func (f Function) timeoutSeconds() int {
	s := int(f.Timeout.Round(time.Second) / time.Second)
	if s < 1 {
		return 3 // Lambda's default
	}
	return s
}

func (f Function) memory() int {
	if f.MemoryMB <= 0 {
		return 128
	}
	return f.MemoryMB
}

func (f Function) concurrency() int { return max(f.Concurrency, 1) }
