package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

var testLimits = Limits{AttemptTimeout: time.Second, MaxAttempts: 3, MaxBackoff: time.Millisecond}

// lambdaEnv is what Lambda gives every function.
var lambdaEnv = map[string]string{
	"AWS_REGION":            "eu-west-1",
	"AWS_DEFAULT_REGION":    "eu-west-1",
	"AWS_ACCESS_KEY_ID":     "ASIAEXAMPLE",
	"AWS_SECRET_ACCESS_KEY": "secret",
	"AWS_SESSION_TOKEN":     "token",
}

func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func without(base map[string]string, keys ...string) map[string]string {
	m := with(base)
	for _, k := range keys {
		delete(m, k)
	}
	return m
}

// resolved is what a function's clients end up with.
type resolved struct {
	region  string
	creds   aws.Credentials
	sources string // the credentials provider's sources (aws.CredentialSource)
	// Each client's base endpoint ("" for AWS's own) and FIPS / dual-stack states.
	dynamodb, sqs, sesv2 string
	fips                 aws.FIPSEndpointState
	dualStack            aws.DualStackEndpointState
	// The retryer a client ends up with (the configuration's, after the client's own settings).
	retryAttempts int
	retryMode     aws.RetryMode
	// The defaults LoadDefaultConfig sets.
	compressMin       int64
	accountIDMode     aws.AccountIDEndpointMode
	requestChecksum   aws.RequestChecksumCalculation
	responseChecksums aws.ResponseChecksumValidation
}

func resolve(t *testing.T, cfg aws.Config) resolved {
	t.Helper()
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	var sources string
	if p, ok := cfg.Credentials.(interface{ ProviderSources() []aws.CredentialSource }); ok {
		sources = fmt.Sprint(p.ProviderSources())
	}
	ddb, sq, ses := dynamodb.NewFromConfig(cfg).Options(), sqs.NewFromConfig(cfg).Options(), sesv2.NewFromConfig(cfg).Options()
	if fmt.Sprintf("%+v", ddb.EndpointOptions) != fmt.Sprintf("%+v", sq.EndpointOptions) || fmt.Sprintf("%+v", sq.EndpointOptions) != fmt.Sprintf("%+v", ses.EndpointOptions) {
		t.Errorf("the clients' endpoint options differ: %+v, %+v, %+v", ddb.EndpointOptions, sq.EndpointOptions, ses.EndpointOptions)
	}
	return resolved{
		region: cfg.Region, creds: creds, sources: sources,
		dynamodb: aws.ToString(ddb.BaseEndpoint), sqs: aws.ToString(sq.BaseEndpoint), sesv2: aws.ToString(ses.BaseEndpoint),
		fips: sq.EndpointOptions.UseFIPSEndpoint, dualStack: sq.EndpointOptions.UseDualStackEndpoint,
		retryAttempts: sq.Retryer.MaxAttempts(), retryMode: sq.RetryMode,
		compressMin: cfg.RequestMinCompressSizeBytes, accountIDMode: cfg.AccountIDEndpointMode,
		requestChecksum: cfg.RequestChecksumCalculation, responseChecksums: cfg.ResponseChecksumValidation,
	}
}

// loadDefault is the reference: LoadDefaultConfig in the same environment, with the same
// retryer (a function's Limits), as a function would have used it.
func loadDefault(t *testing.T) aws.Config {
	t.Helper()
	ref, err := config.LoadDefaultConfig(context.Background(), config.WithRetryer(testLimits.Retryer))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestFromEnv: the environment in, the region, credentials (and their source), each client's
// endpoint, FIPS and dual-stack states, retryer and LoadDefaultConfig's defaults out, and all of
// it the same as LoadDefaultConfig gives in that environment. ARCHITECTURE.md names this test.
func TestFromEnv(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Source: "EnvConfigCredentials"}
	base := resolved{region: "eu-west-1", creds: creds, sources: fmt.Sprint([]aws.CredentialSource{aws.CredentialSourceEnvVars}),
		retryAttempts: testLimits.MaxAttempts, compressMin: 10240, accountIDMode: aws.AccountIDEndpointModePreferred,
		requestChecksum: aws.RequestChecksumCalculationWhenSupported, responseChecksums: aws.ResponseChecksumValidationWhenSupported}
	want := func(edit func(*resolved)) resolved {
		r := base
		edit(&r)
		return r
	}
	cases := []struct {
		name string
		env  map[string]string
		want resolved
	}{
		{"lambda in AWS", lambdaEnv, base},
		{"AWS_DEFAULT_REGION alone", with(without(lambdaEnv, "AWS_REGION"), "AWS_DEFAULT_REGION", "ap-south-1"),
			want(func(r *resolved) { r.region = "ap-south-1" })},
		{"AWS_REGION before AWS_DEFAULT_REGION", with(lambdaEnv, "AWS_DEFAULT_REGION", "ap-south-1"), base},
		{"no session token", without(lambdaEnv, "AWS_SESSION_TOKEN"),
			want(func(r *resolved) { r.creds.SessionToken = "" })},
		{"local stack: one endpoint per service",
			with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:8005"),
			want(func(r *resolved) {
				r.dynamodb, r.sqs, r.sesv2 = "http://127.0.0.1:8000", "http://127.0.0.1:9324", "http://127.0.0.1:8005"
			})},
		{"AWS_ENDPOINT_URL for every service", with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
			want(func(r *resolved) {
				r.dynamodb, r.sqs, r.sesv2 = "http://127.0.0.1:4566", "http://127.0.0.1:4566", "http://127.0.0.1:4566"
			})},
		{"the service variable wins over AWS_ENDPOINT_URL",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
			want(func(r *resolved) {
				r.dynamodb, r.sqs, r.sesv2 = "http://127.0.0.1:8000", "http://127.0.0.1:4566", "http://127.0.0.1:4566"
			})},
		{"an empty service variable leaves AWS_ENDPOINT_URL",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", ""),
			want(func(r *resolved) {
				r.dynamodb, r.sqs, r.sesv2 = "http://127.0.0.1:4566", "http://127.0.0.1:4566", "http://127.0.0.1:4566"
			})},
		{"another service's variable changes nothing", with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:8001"), base},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns them off",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
			base},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keeps them",
			with(lambdaEnv, "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
			want(func(r *resolved) { r.sqs = "http://127.0.0.1:9324" })},
		{"FIPS and dual-stack endpoints", with(lambdaEnv, "AWS_USE_FIPS_ENDPOINT", "true", "AWS_USE_DUALSTACK_ENDPOINT", "True"),
			want(func(r *resolved) {
				r.fips, r.dualStack = aws.FIPSEndpointStateEnabled, aws.DualStackEndpointStateEnabled
			})},
		// LoadDefaultConfig given a retryer (as a function's Limits are) does not read them either.
		{"AWS_MAX_ATTEMPTS and AWS_RETRY_MODE yield to Limits", with(lambdaEnv, "AWS_MAX_ATTEMPTS", "7", "AWS_RETRY_MODE", "adaptive"), base},
		{"FIPS and dual-stack said off", with(lambdaEnv, "AWS_USE_FIPS_ENDPOINT", "false", "AWS_USE_DUALSTACK_ENDPOINT", "FALSE"),
			want(func(r *resolved) {
				r.fips, r.dualStack = aws.FIPSEndpointStateDisabled, aws.DualStackEndpointStateDisabled
			})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, tc.env)
			cfg, err := FromEnv(testLimits)
			if err != nil {
				t.Fatal(err)
			}
			got := resolve(t, cfg)
			if got != tc.want {
				t.Errorf("FromEnv gives\n%+v, want\n%+v", got, tc.want)
			}
			if ref := resolve(t, loadDefault(t)); got != ref {
				t.Errorf("FromEnv gives\n%+v, LoadDefaultConfig\n%+v", got, ref)
			}
		})
	}
}

// TestFromEnvRefusesAnIncompleteEnvironment: what a function cannot work without is an error at
// init, naming the variable, not a failure at the first call.
func TestFromEnvRefusesAnIncompleteEnvironment(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    error
		mention string
	}{
		{"no region", without(lambdaEnv, "AWS_REGION", "AWS_DEFAULT_REGION"), ErrNoRegion, "AWS_REGION"},
		{"empty region", with(lambdaEnv, "AWS_REGION", "", "AWS_DEFAULT_REGION", ""), ErrNoRegion, "AWS_DEFAULT_REGION"},
		{"no access key", without(lambdaEnv, "AWS_ACCESS_KEY_ID"), ErrNoCredentials, "AWS_ACCESS_KEY_ID"},
		{"no secret key", without(lambdaEnv, "AWS_SECRET_ACCESS_KEY"), ErrNoCredentials, "AWS_SECRET_ACCESS_KEY"},
		{"nothing at all", nil, ErrNoRegion, "AWS_REGION"},
		{"a word the SDK refuses", with(lambdaEnv, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes"), ErrBadSetting, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="yes"`},
		{"FIPS not a boolean", with(lambdaEnv, "AWS_USE_FIPS_ENDPOINT", "1"), ErrBadSetting, `AWS_USE_FIPS_ENDPOINT="1"`},
		{"dual-stack not a boolean", with(lambdaEnv, "AWS_USE_DUALSTACK_ENDPOINT", "on"), ErrBadSetting, `AWS_USE_DUALSTACK_ENDPOINT="on"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, tc.env)
			_, err := FromEnv(testLimits)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not name %s", err, tc.mention)
			}
		})
	}
}

// TestEndpointVariableNames: the variable of each service a function uses (or will) is the one
// the SDK's own EnvConfig reads for it.
func TestEndpointVariableNames(t *testing.T) {
	cases := []struct{ serviceID, want string }{
		{dynamodb.ServiceID, "AWS_ENDPOINT_URL_DYNAMODB"},
		{sqs.ServiceID, "AWS_ENDPOINT_URL_SQS"},
		{"SESv2", "AWS_ENDPOINT_URL_SESV2"},
		{"DynamoDB Streams", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"},
		{"Cognito Identity Provider", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"},
	}
	for _, tc := range cases {
		t.Run(tc.serviceID, func(t *testing.T) {
			if got := EndpointVariable(tc.serviceID); got != tc.want {
				t.Errorf("EndpointVariable(%q) = %s, want %s", tc.serviceID, got, tc.want)
			}
			useEnv(t, map[string]string{tc.want: "http://127.0.0.1:1234"})
			sdk, found, err := config.EnvConfig{}.GetServiceBaseEndpoint(context.Background(), tc.serviceID)
			if err != nil || !found || sdk != "http://127.0.0.1:1234" {
				t.Errorf("the SDK does not read %s for %q: %q, %v, %v", tc.want, tc.serviceID, sdk, found, err)
			}
			ours, found, err := endpointSource{}.GetServiceBaseEndpoint(context.Background(), tc.serviceID)
			if err != nil || !found || ours != sdk {
				t.Errorf("endpointSource gives %q, %v, %v; the SDK %q", ours, found, err, sdk)
			}
		})
	}
}

// TestFromEnvAgainstDynamoDBLocal: a client made from the environment alone writes and reads an
// item in DynamoDB Local, whichever endpoint variable leads there.
func TestFromEnvAgainstDynamoDBLocal(t *testing.T) {
	local := ddbtest.Endpoint(t)
	const dead = "http://127.0.0.1:1" // nothing listens there: a call sent there fails
	cases := []struct {
		name string
		env  map[string]string
	}{
		{"AWS_ENDPOINT_URL_DYNAMODB", with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB", local, "AWS_ENDPOINT_URL_SQS", dead)},
		{"AWS_ENDPOINT_URL", with(lambdaEnv, "AWS_ENDPOINT_URL", local, "AWS_ENDPOINT_URL_SQS", dead)},
		{"the service variable over AWS_ENDPOINT_URL", with(lambdaEnv, "AWS_ENDPOINT_URL", dead, "AWS_ENDPOINT_URL_DYNAMODB", local)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, tc.env)
			// One long attempt: a CreateTable that timed out on a busy machine and was retried
			// would find its own table.
			cfg, err := FromEnv(Limits{AttemptTimeout: time.Minute, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			db := dynamodb.NewFromConfig(cfg)
			table := ddbtest.TableName(t)
			if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            &table,
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
				BillingMode:          types.BillingModePayPerRequest,
			}); err != nil {
				t.Fatalf("CreateTable: %v", err)
			}
			t.Cleanup(func() { db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &table}) })
			item := map[string]types.AttributeValue{
				"id":   &types.AttributeValueMemberS{Value: "job-123"},
				"note": &types.AttributeValueMemberS{Value: tc.name},
			}
			if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: item}); err != nil {
				t.Fatalf("PutItem: %v", err)
			}
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: map[string]types.AttributeValue{"id": item["id"]}, ConsistentRead: aws.Bool(true)})
			if err != nil {
				t.Fatalf("GetItem: %v", err)
			}
			if note, ok := out.Item["note"].(*types.AttributeValueMemberS); !ok || note.Value != tc.name {
				t.Errorf("read back %v, want note %q", out.Item, tc.name)
			}
		})
	}
}
