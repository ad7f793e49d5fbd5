// Package awsconfig builds the AWS SDK configuration every function uses, and bounds its retries.
//
// FromEnv builds it from the Lambda environment alone: the region, the role's credentials and the
// SDK's standard endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so that the
// same binary talks to the local emulators or to AWS. It links none of config.LoadDefaultConfig's
// machinery (shared config files, SSO, STS, IMDS, container credentials), which a function never
// uses and which made each bootstrap about 1.9 MiB larger and its start slower.
//
// Limits bound one SDK call: attempts, per-attempt timeout, backoff, and the client-side retry
// budget.
package awsconfig
