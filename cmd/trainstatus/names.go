package main

// The environment variables of the CLI. Each names one thing: the two tokens are different
// credentials for different doors, and neither variable ever holds the other.
const (
	// EnvAPIURL is the HTTP API's base URL (http://127.0.0.1:PORT locally): the ingest endpoint
	// of send and run, and the status routes of watch and token.
	EnvAPIURL = "TRAINSTATUS_API_URL"
	// EnvReportingToken is a reporting token (tsk_...), the secret of `trainstatus token create`:
	// send and run report with it, as its owner, through POST /v1/events. It overrides the
	// config file's token.
	EnvReportingToken = "TRAINSTATUS_REPORTING_TOKEN"
	// EnvIDToken is a Cognito ID token (a JWT, valid an hour): what watch and token send to the
	// status routes, as the signed-in user.
	EnvIDToken = "TRAINSTATUS_ID_TOKEN"
	// EnvJobID continues a given job: run and send use it as the request id when no flag names
	// one (a run resumed from a checkpoint), and run sets it for the command it wraps.
	EnvJobID = "TRAINSTATUS_JOB_ID"
	// EnvConfigHome is the XDG base directory of the config file (see configPath).
	EnvConfigHome = "XDG_CONFIG_HOME"
	// envRetiredToken was the ID token's variable before there were two tokens. It is no longer
	// read, so that it cannot be taken for either; a command that finds it set, and not the
	// variable it needs, says which one to set.
	envRetiredToken = "TRAINSTATUS_TOKEN"
)
