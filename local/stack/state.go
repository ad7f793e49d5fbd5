package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trainstatus/trainstatus/local/cognito"
)

// State is what a running stack tells other tools (make down, the demo, an end-to-end test),
// written as JSON to Config.StateFile once everything is ready.
type State struct {
	PID              int    `json:"pid"`
	Region           string `json:"region"`
	LambdaEndpoint   string `json:"lambda_endpoint"`
	HTTPEndpoint     string `json:"http_endpoint"`
	SQSEndpoint      string `json:"sqs_endpoint"`
	CognitoEndpoint  string `json:"cognito_endpoint"`
	DynamoDBEndpoint string `json:"dynamodb_endpoint"`
	// SESEndpoint is the SES emulator (aws-ses-v2-local); its GET /store lists the sent mail.
	SESEndpoint string `json:"ses_endpoint"`
	// ReceiverEndpoint is the alert receiver (local/receiver): point Slack and webhook settings at
	// ReceiverEndpoint/slack/<name> or /hook/<name>; GET /store lists what arrived.
	ReceiverEndpoint string `json:"receiver_endpoint"`
	QueueURL         string `json:"queue_url"`
	QueueARN         string `json:"queue_arn"`
	DeadLetterURL    string `json:"dead_letter_url"`
	// NotifierFailureURL is status-notifier's on-failure queue (stream batches it gave up on).
	NotifierFailureURL string `json:"notifier_failure_url"`
	UserPoolID         string `json:"user_pool_id"`
	ClientID           string `json:"client_id"`
	Issuer             string `json:"issuer"`
	JWKSURL            string `json:"jwks_url"`
	CognitoDir         string `json:"cognito_dir"` // holds .cognito/db/<pool>.json (confirmation codes)
	StatusTable        string `json:"status_table"`
	UserTable          string `json:"user_table"`
	TokensTable        string `json:"tokens_table"`
	RateLimitTable     string `json:"rate_limit_table"`
	// APIURL is the HTTP API's base URL (HTTPEndpoint), the CLI's TRAINSTATUS_API_URL.
	APIURL string `json:"api_url"`
	// ReportingToken is a reporting token (tsk_...) of User's, made at start: the CLI's
	// TRAINSTATUS_REPORTING_TOKEN for POST /v1/events.
	ReportingToken string `json:"reporting_token,omitempty"`
	// User is Config.User, signed up and logged in (tokens valid for a day).
	User *cognito.User `json:"user,omitempty"`
	// Addrs are every address the stack listens on (its own and its children's).
	Addrs []string `json:"addrs"`
}

// WriteState writes s to path atomically.
func WriteState(path string, s State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadState reads a state file.
func ReadState(path string) (State, error) {
	var s State
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
