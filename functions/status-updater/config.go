package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// ErrConfig matches every error of loadSettings.
var ErrConfig = errors.New("status-updater: bad configuration")

// settings are what the function reads from its environment: deploy.StatusUpdaterFunction.Env.
type settings struct {
	statusTable   string
	deadLetterURL string
	concurrency   int
}

// loadSettings reads the environment through getenv (os.Getenv in main).
func loadSettings(getenv func(string) string) (settings, error) {
	s := settings{
		statusTable:   getenv(deploy.StatusTableVar.Name),
		deadLetterURL: getenv(deploy.DeadLetterQueueVar.Name),
	}
	if s.statusTable == "" || s.deadLetterURL == "" {
		return s, fmt.Errorf("%w: %s and %s must be set", ErrConfig, deploy.StatusTableVar.Name, deploy.DeadLetterQueueVar.Name)
	}
	v := deploy.RequestConcurrencyVar
	raw := getenv(v.Name)
	if raw == "" {
		raw = v.Default
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return s, fmt.Errorf("%w: %s=%q: want a positive integer", ErrConfig, v.Name, raw)
	}
	s.concurrency = n
	return s, nil
}
