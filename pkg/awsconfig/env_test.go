package awsconfig

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
	region       string
	creds        aws.Credentials
	dynamodb     string // the DynamoDB client's base endpoint ("" for AWS's own)
	sqs          string
	retryAttempt int
}

func resolve(t *testing.T, cfg aws.Config) resolved {
	t.Helper()
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	return resolved{
		region:       cfg.Region,
		creds:        creds,
		dynamodb:     aws.ToString(dynamodb.NewFromConfig(cfg).Options().BaseEndpoint),
		sqs:          aws.ToString(sqs.NewFromConfig(cfg).Options().BaseEndpoint),
		retryAttempt: cfg.Retryer().MaxAttempts(),
	}
}

// TestFromEnv: the environment in, the region, credentials and each client's endpoint out, and
// the same as LoadDefaultConfig gives for that environment.
func TestFromEnv(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Source: "EnvConfigCredentials"}
	cases := []struct {
		name string
		env  map[string]string
		want resolved
	}{
		{"lambda in AWS", lambdaEnv, resolved{region: "eu-west-1", creds: creds}},
		{"AWS_DEFAULT_REGION alone", with(without(lambdaEnv, "AWS_REGION"), "AWS_DEFAULT_REGION", "ap-south-1"),
			resolved{region: "ap-south-1", creds: creds}},
		{"AWS_REGION before AWS_DEFAULT_REGION", with(lambdaEnv, "AWS_DEFAULT_REGION", "ap-south-1"),
			resolved{region: "eu-west-1", creds: creds}},
		{"no session token", without(lambdaEnv, "AWS_SESSION_TOKEN"),
			resolved{region: "eu-west-1", creds: aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", Source: "EnvConfigCredentials"}}},
		{"local stack: one endpoint per service",
			with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324"),
			resolved{region: "eu-west-1", creds: creds, dynamodb: "http://127.0.0.1:8000", sqs: "http://127.0.0.1:9324"}},
		{"AWS_ENDPOINT_URL for every service", with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
			resolved{region: "eu-west-1", creds: creds, dynamodb: "http://127.0.0.1:4566", sqs: "http://127.0.0.1:4566"}},
		{"the service variable wins over AWS_ENDPOINT_URL",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
			resolved{region: "eu-west-1", creds: creds, dynamodb: "http://127.0.0.1:8000", sqs: "http://127.0.0.1:4566"}},
		{"an empty service variable leaves AWS_ENDPOINT_URL",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", ""),
			resolved{region: "eu-west-1", creds: creds, dynamodb: "http://127.0.0.1:4566", sqs: "http://127.0.0.1:4566"}},
		{"another service's variable changes nothing", with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:8001"),
			resolved{region: "eu-west-1", creds: creds}},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns them off",
			with(lambdaEnv, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
			resolved{region: "eu-west-1", creds: creds}},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keeps them",
			with(lambdaEnv, "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
			resolved{region: "eu-west-1", creds: creds, sqs: "http://127.0.0.1:9324"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, tc.env)
			cfg, err := FromEnv(testLimits)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.retryAttempt = testLimits.MaxAttempts
			if got := resolve(t, cfg); got != tc.want {
				t.Errorf("FromEnv gives\n%+v, want\n%+v", got, tc.want)
			}
			ref, err := config.LoadDefaultConfig(context.Background(), config.WithRetryer(testLimits.Retryer))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := resolve(t, cfg), resolve(t, ref); got != want {
				t.Errorf("FromEnv gives\n%+v, LoadDefaultConfig\n%+v", got, want)
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
