package main

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// validEnv is a complete environment of the function.
var validEnv = map[string]string{
	deploy.StatusTableVar.Name:  "status",
	deploy.UserTableVar.Name:    "users",
	deploy.TokensTableVar.Name:  "tokens",
	deploy.CursorSecretVar.Name: testSecret,
}

// envOf is a getenv over validEnv with changes ("" unsets a variable).
func envOf(changes map[string]string) func(string) string {
	env := map[string]string{}
	for k, v := range validEnv {
		env[k] = v
	}
	for k, v := range changes {
		env[k] = v
	}
	return func(name string) string { return env[name] }
}

func TestReadConfig(t *testing.T) {
	key := func(n int) string { return strings.Repeat("k", n) }
	min := deploy.CursorSecretMinBytes
	cases := []struct {
		name    string
		changes map[string]string
		window  time.Duration // when valid
		wantErr string        // "" for success: the variable the error names
	}{
		{"complete", nil, 15 * time.Minute, ""},
		{"no status table", map[string]string{"STATUS_TABLE_NAME": ""}, 0, "STATUS_TABLE_NAME"},
		{"no user table", map[string]string{"USER_TABLE_NAME": ""}, 0, "USER_TABLE_NAME"},
		{"no tokens table", map[string]string{"TOKENS_TABLE_NAME": ""}, 0, "TOKENS_TABLE_NAME"},
		{"no secret", map[string]string{"CURSOR_SECRET": ""}, 0, "CURSOR_SECRET"},
		{"short secret", map[string]string{"CURSOR_SECRET": key(min - 1)}, 0, "CURSOR_SECRET"},
		{"shortest secret", map[string]string{"CURSOR_SECRET": key(min)}, 15 * time.Minute, ""},
		{"previous secret", map[string]string{"CURSOR_SECRET_PREVIOUS": key(min)}, 15 * time.Minute, ""},
		{"short previous secret", map[string]string{"CURSOR_SECRET_PREVIOUS": key(min - 1)}, 0, "CURSOR_SECRET_PREVIOUS"},
		{"stall window", map[string]string{"STALL_WINDOW": "2s"}, 2 * time.Second, ""},
		{"stall window in hours", map[string]string{"STALL_WINDOW": "1h30m"}, 90 * time.Minute, ""},
		{"zero stall window", map[string]string{"STALL_WINDOW": "0s"}, 0, "STALL_WINDOW"},
		{"negative stall window", map[string]string{"STALL_WINDOW": "-15m"}, 0, "STALL_WINDOW"},
		{"sub-second stall window", map[string]string{"STALL_WINDOW": "500ms"}, 0, "STALL_WINDOW"},
		{"stall window without unit", map[string]string{"STALL_WINDOW": "900"}, 0, "STALL_WINDOW"},
		{"stall window in words", map[string]string{"STALL_WINDOW": "fifteen minutes"}, 0, "STALL_WINDOW"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := readConfig(envOf(tc.changes))
			if tc.wantErr == "" {
				if err != nil || cfg.statusTable != "status" || cfg.userTable != "users" || cfg.cursors == nil || cfg.stallWindow != tc.window {
					t.Errorf("config %+v, error %v; want window %v", cfg, err, tc.window)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want ErrConfig naming %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), key(min-1)) || strings.Contains(err.Error(), testSecret) {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

// TestNewHandler: the environment Lambda gives (its own variables and deploy's) makes a handler
// bound to the named tables; a misconfigured one is an init error.
func TestNewHandler(t *testing.T) {
	lambdaEnv := map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
	for k, v := range lambdaEnv {
		t.Setenv(k, v)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	defer func(g func(string) string) { processEnv = g }(processEnv)
	processEnv = envOf(map[string]string{"STALL_WINDOW": "2m"})
	h, err := newHandler(log)
	if err != nil {
		t.Fatal(err)
	}
	if h.Jobs.Name() != "status" || h.Users.Name() != "users" || h.Budget != Budget || h.StallWindow != 2*time.Minute || h.Now == nil {
		t.Errorf("handler %+v", h)
	}
	processEnv = envOf(map[string]string{"STALL_WINDOW": "0"})
	if _, err := newHandler(log); !errors.Is(err, ErrConfig) {
		t.Errorf("error %v, want ErrConfig", err)
	}
}

// TestFunctionReadsWhatDeployDeclares: every variable deploy.StatusQueryFunction gives the function
// is one readConfig reads (and so the local stack and infra set exactly these).
func TestFunctionReadsWhatDeployDeclares(t *testing.T) {
	read := map[string]bool{}
	spy := func(name string) string { read[name] = true; return envOf(nil)(name) }
	if _, err := readConfig(spy); err != nil {
		t.Fatal(err)
	}
	read[deploy.LogLevelVar.Name] = true // read by lambdalog.MustInit
	for _, v := range deploy.StatusQueryFunction.Env {
		if !read[v.Name] {
			t.Errorf("deploy gives %s, which the function does not read", v.Name)
		}
		delete(read, v.Name)
	}
	for name := range read {
		t.Errorf("the function reads %s, which deploy does not give it", name)
	}
}

func TestRetriesFitInBudget(t *testing.T) {
	if Limits.Worst() >= Budget {
		t.Errorf("the retries (%+v: %v) do not fit in the budget %v", Limits, Limits.Worst(), Budget)
	}
}
