package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestSendWithToken: which door send takes, and the token door's answers.
func TestSendWithToken(t *testing.T) {
	const other = "11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name       string
		vars       map[string]string // besides the API URL; "file" writes the token to the config file
		file       bool
		args       []string
		script     []fault
		wantCode   int
		wantStdout string
		wantStderr string
		wantSQS    int // events sent through SQS
		check      func(t *testing.T, evs []trainevent.Event)
	}{
		{name: "token from the environment: the endpoint, as its owner, with name and stall window",
			vars:       map[string]string{EnvReportingToken: testToken},
			args:       []string{"--request-id", "j-1", "--status", "started", "--name", "resnet50 lr=0.1", "--stall-after", "2h"},
			wantStdout: "accepted j-1 STARTED\n",
			check: func(t *testing.T, evs []trainevent.Event) {
				if len(evs) != 1 || evs[0].UserID != sub || evs[0].Name != "resnet50 lr=0.1" || evs[0].StallAfter != 2*time.Hour || evs[0].Status != job.Started {
					t.Errorf("accepted %+v", evs)
				}
			}},
		{name: "token from the config file", file: true,
			args: []string{"--request-id", "j-1", "--status", "SUCCESS"}, wantStdout: "accepted j-1 SUCCESS\n"},
		{name: "the job id from the environment",
			vars: map[string]string{EnvReportingToken: testToken, EnvJobID: "resumed-3"},
			args: []string{"--status", "IN_PROGRESS", "--progress", "40"}, wantStdout: "accepted resumed-3 IN_PROGRESS\n"},
		{name: "a token wins over $TRAINING_EVENTS_QUEUE_URL",
			vars: map[string]string{EnvReportingToken: testToken, producer.EnvQueueURL: queueURL},
			args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantStdout: "accepted j-1 STARTED\n"},
		{name: "an explicit --queue-url wins over a token",
			vars: map[string]string{EnvReportingToken: testToken},
			args: []string{"--queue-url", queueURL, "--request-id", "j-1", "--user-id", sub, "--status", "STARTED"}, wantSQS: 1},
		{name: "through SQS the user id is required", vars: map[string]string{producer.EnvQueueURL: queueURL},
			args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantCode: 2, wantStderr: "user_id: is required"},
		{name: "the owner's own user id may be sent", vars: map[string]string{EnvReportingToken: testToken},
			args: []string{"--request-id", "j-1", "--user-id", sub, "--status", "STARTED"}, wantStdout: "accepted j-1 STARTED\n"},
		{name: "another user's id is refused by the endpoint", vars: map[string]string{EnvReportingToken: testToken},
			args: []string{"--request-id", "j-1", "--user-id", other, "--status", "STARTED"}, wantCode: 1,
			wantStderr: "1 of 1 events not sent (STARTED): refused: user_id: must be the token's owner or absent"},
		{name: "a revoked or unknown token", vars: map[string]string{EnvReportingToken: "tsk_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"},
			args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantCode: 1,
			wantStderr: "401: the API refused the reporting token"},
		{name: "5xx then 429: retried", vars: map[string]string{EnvReportingToken: testToken}, script: []fault{fault500, fault429},
			args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantStdout: "accepted j-1 STARTED\n"},
		{name: "an ID token in the reporting token's place", vars: map[string]string{EnvReportingToken: "eyJhbGciOi.eyJzdWIiOi.c2ln"},
			args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantCode: 1, wantStderr: "the reporting token is a JWT"},
		{name: "neither door", args: []string{"--request-id", "j-1", "--status", "STARTED"}, wantCode: 2,
			wantStderr: "no reporting token (`trainstatus login` or $TRAINSTATUS_REPORTING_TOKEN) and no queue"},
		{name: "an invalid name is refused before sending", vars: map[string]string{EnvReportingToken: testToken},
			args: []string{"--request-id", "j-1", "--status", "STARTED", "--name", "two\nlines"}, wantCode: 2,
			wantStderr: "name: must not contain control characters"},
		{name: "a stall window out of bounds", vars: map[string]string{EnvReportingToken: testToken},
			args: []string{"--request-id", "j-1", "--status", "STARTED", "--stall-after", "10s"}, wantCode: 2,
			wantStderr: "stall_after_seconds:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newIngestFake(t, tt.script...)
			home := t.TempDir()
			vars := map[string]string{EnvConfigHome: home}
			if tt.file {
				writeConfig(t, home, `{"api_url":"`+srv.URL+`/","token":"`+testToken+`"}`)
			} else {
				vars[EnvAPIURL] = srv.URL
			}
			for k, v := range tt.vars {
				vars[k] = v
			}
			sqs := sqsfake.New()
			r := cli(t, sqs, vars, "", append([]string{"send"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantStderr) || (tt.wantStdout != "" && r.stdout != tt.wantStdout) {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if n := len(queued(t, sqs, queueURL)); n != tt.wantSQS {
				t.Errorf("%d sent through SQS, want %d", n, tt.wantSQS)
			}
			if tt.check != nil {
				tt.check(t, fake.got())
			}
		})
	}
}

func writeConfig(t *testing.T, home, body string) {
	t.Helper()
	dir := filepath.Join(home, "trainstatus")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
