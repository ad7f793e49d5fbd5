package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// ErrTarget: the flags do not say which pool and tables to work on, or the file they name does
// not.
var ErrTarget = errors.New("no target")

// Target is what the backfill works on: the user pool and the two tables, and, for the local
// stack, the emulators' endpoints (empty for AWS, where the SDK's default configuration decides).
type Target struct {
	PoolID, StatusTable, UserTable    string
	CognitoEndpoint, DynamoDBEndpoint string
}

// Local reports whether the target is the local stack.
func (t Target) Local() bool { return t.DynamoDBEndpoint != "" }

// fromOutputs reads the target from the file `make deploy` writes (stack name to output name to
// value): the named stack's outputs, or those of the one stack that has all three.
func fromOutputs(path, stackName string) (Target, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Target{}, fmt.Errorf("%w: %w (run make deploy, or name the tables and pool with flags)", ErrTarget, err)
	}
	var stacks map[string]map[string]string
	if err := json.Unmarshal(b, &stacks); err != nil {
		return Target{}, fmt.Errorf("%w: %s: %w", ErrTarget, path, err)
	}
	names := []string{deploy.OutputUserPoolID, deploy.OutputStatusTableName, deploy.OutputUserTableName}
	var found []string
	for name, outs := range stacks {
		if (stackName == "" || name == stackName) && outs[names[0]] != "" && outs[names[1]] != "" && outs[names[2]] != "" {
			found = append(found, name)
		}
	}
	slices.Sort(found)
	switch {
	case len(found) == 0 && stackName != "":
		return Target{}, fmt.Errorf("%w: %s has no stack %s with the outputs %s", ErrTarget, path, stackName, strings.Join(names, ", "))
	case len(found) == 0:
		return Target{}, fmt.Errorf("%w: no stack in %s has the outputs %s", ErrTarget, path, strings.Join(names, ", "))
	case len(found) > 1:
		return Target{}, fmt.Errorf("%w: several stacks in %s (%s): choose one with -stack", ErrTarget, path, strings.Join(found, ", "))
	}
	outs := stacks[found[0]]
	return Target{PoolID: outs[names[0]], StatusTable: outs[names[1]], UserTable: outs[names[2]]}, nil
}

// fromLocal reads the target from the state file of the local stack (`make up`).
func fromLocal(path string) (Target, error) {
	s, err := stack.ReadState(path)
	if err != nil {
		return Target{}, fmt.Errorf("%w: %w (is the local stack up? make up)", ErrTarget, err)
	}
	return Target{PoolID: s.UserPoolID, StatusTable: s.StatusTable, UserTable: s.UserTable,
		CognitoEndpoint: s.CognitoEndpoint, DynamoDBEndpoint: s.DynamoDBEndpoint}, nil
}

// override replaces what the flags give, and checks that nothing is missing.
func (t Target) override(pool, statusTable, userTable string) (Target, error) {
	for _, f := range []struct {
		to   *string
		from string
	}{{&t.PoolID, pool}, {&t.StatusTable, statusTable}, {&t.UserTable, userTable}} {
		if f.from != "" {
			*f.to = f.from
		}
	}
	if t.PoolID == "" || t.StatusTable == "" || t.UserTable == "" {
		return t, fmt.Errorf("%w: give -outputs (the deployed stack), -local (the local stack) or all of -user-pool, -status-table and -user-table", ErrTarget)
	}
	return t, nil
}
