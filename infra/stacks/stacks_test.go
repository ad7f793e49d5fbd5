package stacks_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/infra/stacks"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

var defaultSystem *synthesized

// dev is the default deployment ("dev", nothing else given), synthesized once.
func dev(t *testing.T) *synthesized {
	t.Helper()
	if defaultSystem == nil {
		defaultSystem = synth(t, nil)
	}
	return defaultSystem
}

// TestTablesFollowDefinitions: the tables' keys, attribute types, GSIs and TTL are those of
// package tables, and they are run with on-demand billing, PITR, SSE, deletion protection and
// RETAIN.
func TestTablesFollowDefinitions(t *testing.T) {
	s := dev(t)
	for _, tc := range []struct {
		schema stacks.Schema
		name   string
	}{
		{tables.StatusSchema, name("dev", "status")},
		{tables.UserSchema, name("dev", "users")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := tc.schema.Definition()
			typeOf := func(attr string) string {
				kt, ok := tc.schema.KeyType(attr)
				if !ok {
					t.Fatalf("no key type for %q", attr)
				}
				return string(kt)
			}
			keySchema := func(pk, sk string) []map[string]string {
				ks := []map[string]string{{"AttributeName": pk, "KeyType": "HASH"}}
				if sk != "" {
					ks = append(ks, map[string]string{"AttributeName": sk, "KeyType": "RANGE"})
				}
				return ks
			}
			attrs := map[string]string{}
			for _, a := range []string{def.PartitionKey, def.SortKey} {
				if a != "" {
					attrs[a] = typeOf(a)
				}
			}
			var gsis []map[string]any
			for _, g := range def.GSIs {
				for _, a := range []string{g.PartitionKey, g.SortKey} {
					if a != "" {
						attrs[a] = typeOf(a)
					}
				}
				gsis = append(gsis, map[string]any{
					"IndexName":  g.Name,
					"KeySchema":  keySchema(g.PartitionKey, g.SortKey),
					"Projection": map[string]any{"ProjectionType": string(g.Projection)},
				})
			}
			_, r := s.only(t, "stateful", "AWS::DynamoDB::GlobalTable", "TableName", tc.name)
			p := s.props(t, r)

			same(t, "KeySchema", p["KeySchema"], keySchema(def.PartitionKey, def.SortKey))
			gotAttrs := map[string]any{}
			for _, a := range p["AttributeDefinitions"].([]any) {
				m := a.(map[string]any)
				gotAttrs[m["AttributeName"].(string)] = m["AttributeType"]
			}
			same(t, "AttributeDefinitions", gotAttrs, attrs)
			same(t, "GlobalSecondaryIndexes", p["GlobalSecondaryIndexes"], gsis)
			if def.TTL != "" {
				same(t, "TimeToLiveSpecification", p["TimeToLiveSpecification"], map[string]any{"AttributeName": def.TTL, "Enabled": true})
			} else if p["TimeToLiveSpecification"] != nil {
				t.Errorf("TimeToLiveSpecification = %v, the definition has no TTL", p["TimeToLiveSpecification"])
			}
			same(t, "BillingMode", p["BillingMode"], "PAY_PER_REQUEST")
			same(t, "SSESpecification", p["SSESpecification"], map[string]any{"SSEEnabled": true, "SSEType": "KMS"})
			replicas := p["Replicas"].([]any)
			if len(replicas) != 1 {
				t.Fatalf("Replicas = %v, want the one in the stack's region", replicas)
			}
			rep := replicas[0].(map[string]any)
			same(t, "replica region", rep["Region"], "${AWS::Region}")
			same(t, "DeletionProtectionEnabled", rep["DeletionProtectionEnabled"], true)
			same(t, "PointInTimeRecoverySpecification", rep["PointInTimeRecoverySpecification"], map[string]any{"PointInTimeRecoveryEnabled": true})
			same(t, "DeletionPolicy", r["DeletionPolicy"], "Retain")
			same(t, "UpdateReplacePolicy", r["UpdateReplacePolicy"], "Retain")
		})
	}
	// The indexes the functions use exist under the names they use.
	for _, idx := range []struct {
		schema stacks.Schema
		name   string
	}{{tables.StatusSchema, tables.IndexByUser}, {tables.UserSchema, tables.IndexByEmail}} {
		if !slices.ContainsFunc(idx.schema.Definition().GSIs, func(g ddb.GSI) bool { return g.Name == idx.name }) {
			t.Errorf("index %q is not in its table definition", idx.name)
		}
	}
}

// TestStateIsInTheStatefulStack: every resource that holds data is in the stateful stack, and
// the stateless stack holds none.
func TestStateIsInTheStatefulStack(t *testing.T) {
	s := dev(t)
	for _, typ := range []string{"AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::Cognito::UserPool"} {
		check(t, "stateless "+typ, func() { s.stateless.ResourceCountIs(jsii.String(typ), jsii.Number(0)) })
	}
	for typ, n := range map[string]float64{"AWS::DynamoDB::GlobalTable": 2, "AWS::DynamoDB::Table": 0, "AWS::SQS::Queue": 2, "AWS::SecretsManager::Secret": 1, "AWS::Cognito::UserPool": 1} {
		check(t, "stateful "+typ, func() { s.stateful.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	for _, typ := range []string{"AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::Cognito::UserPool"} {
		check(t, typ+" retained", func() {
			s.stateful.AllResources(jsii.String(typ), map[string]any{"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
		})
	}
	if !*s.sys.Stateful.TerminationProtection() {
		t.Error("the stateful stack has no termination protection")
	}
	if *s.sys.Stateless.TerminationProtection() {
		t.Error("the stateless stack has termination protection: it is meant to be replaceable")
	}
	deps := s.sys.Stateless.Dependencies()
	if deps == nil || len(*deps) != 1 || *(*deps)[0].StackName() != name("dev", "stateful") {
		t.Errorf("the stateless stack should depend on the stateful one only")
	}
}

// TestQueues: the events queue and its dead-letter queue.
func TestQueues(t *testing.T) {
	s := dev(t)
	_, dlq := s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("dev", deploy.DeadLetterQueue))
	same(t, "dead-letter queue", s.props(t, dlq), map[string]any{
		"QueueName":              name("dev", deploy.DeadLetterQueue),
		"SqsManagedSseEnabled":   true,
		"MessageRetentionPeriod": deploy.DeadLetterRetention.Seconds(),
		"Tags":                   tags("dev"),
	})
	_, q := s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("dev", deploy.EventsQueue))
	visibility := deploy.VisibilityTimeout(deploy.MaxBatchingWindow).Seconds()
	if visibility < 6*deploy.StatusUpdaterFunction.Timeout.Seconds() {
		t.Errorf("visibility timeout %v s is under six times the function timeout", visibility)
	}
	same(t, "events queue", s.props(t, q), map[string]any{
		"QueueName":              name("dev", deploy.EventsQueue),
		"SqsManagedSseEnabled":   true,
		"MessageRetentionPeriod": deploy.EventsRetention.Seconds(),
		"VisibilityTimeout":      visibility,
		"RedrivePolicy":          map[string]any{"deadLetterTargetArn": "DeadLetterQueue.Arn", "maxReceiveCount": deploy.MaxReceiveCount},
		"Tags":                   tags("dev"),
	})
	// TLS only: each queue's policy refuses every request without TLS, and says nothing else.
	policies := s.resources("stateful", "AWS::SQS::QueuePolicy")
	var covered []string
	for _, r := range policies {
		p := s.props(t, r)
		queues := p["Queues"].([]any)
		if len(queues) != 1 {
			t.Errorf("queue policy for %v", queues)
			continue
		}
		label := map[string]string{"EventsQueue.Url": "EventsQueue.Arn", "DeadLetterQueue.Url": "DeadLetterQueue.Arn"}[fmt.Sprint(queues[0])]
		covered = append(covered, label)
		same(t, "queue policy of "+label, p["PolicyDocument"], map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "sqs:*", "Resource": label,
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			}},
		})
	}
	slices.Sort(covered)
	same(t, "queues with a TLS-only policy", covered, []string{"DeadLetterQueue.Arn", "EventsQueue.Arn"})
}

func tags(stage string) []map[string]string {
	return []map[string]string{{"Key": "project", "Value": "trainstatus"}, {"Key": "stage", "Value": stage}}
}

// TestFunctions: runtime, architecture, handler, sizes, environment, logs and asset of each
// function.
func TestFunctions(t *testing.T) {
	s := dev(t)
	wantEnv := map[string]map[string]string{
		deploy.StatusUpdater: {tables.EnvStatusTable: "StatusTable.Name", deploy.EnvDeadLetterQueueURL: "DeadLetterQueue.Url", deploy.EnvLogLevel: "info"},
		deploy.UserSignup:    {tables.EnvUserTable: "UserTable.Name", deploy.EnvLogLevel: "info"},
		deploy.StatusQuery: {tables.EnvStatusTable: "StatusTable.Name", deploy.EnvLogLevel: "info",
			deploy.EnvCursorSecret: "{{resolve:secretsmanager:CursorSecret.Arn:SecretString:::}}"},
	}
	stackOf := map[string]string{deploy.StatusUpdater: "stateless", deploy.UserSignup: "stateful", deploy.StatusQuery: "stateless"}
	keys := map[any]string{}
	for _, fn := range deploy.Functions {
		f, _ := deploy.FunctionByName(fn)
		_, r := s.only(t, stackOf[fn], "AWS::Lambda::Function", "FunctionName", name("dev", fn))
		p := s.props(t, r)
		code := p["Code"].(map[string]any)
		if other, dup := keys[code["S3Key"]]; dup {
			t.Errorf("%s and %s have the same asset", fn, other)
		}
		keys[code["S3Key"]] = fn
		delete(p, "Code")
		delete(p, "Description")
		same(t, fn, p, map[string]any{
			"FunctionName":  name("dev", fn),
			"Runtime":       "provided.al2023",
			"Architectures": []string{"arm64"},
			"Handler":       "bootstrap",
			"MemorySize":    f.MemoryMB,
			"Timeout":       f.Timeout.Seconds(),
			"Environment":   map[string]any{"Variables": wantEnv[fn]},
			"LoggingConfig": map[string]any{"LogGroup": fn + ".Logs.Name"},
			"Role":          fn + ".Role.Arn",
			"Tags":          tags("dev"),
		})
	}
	for stack, n := range map[string]int{"stateful": 1, "stateless": 3} { // + API access logs
		groups := s.resources(stack, "AWS::Logs::LogGroup")
		if len(groups) != n {
			t.Errorf("%s stack: %d log groups, want %d", stack, len(groups), n)
		}
		for id, g := range groups {
			same(t, id+" retention", s.props(t, g)["RetentionInDays"], deploy.LogRetentionDays)
			same(t, id+" deletion policy", g["DeletionPolicy"], "Retain")
		}
	}
}

// TestPermissionsExact: each role holds exactly its statements, nothing managed and nothing
// else attached.
func TestPermissionsExact(t *testing.T) {
	s := dev(t)
	logs := func(fn string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": fn + ".Logs.Arn"}
	}
	stmt := func(action any, resource string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	want := map[string][]map[string]any{
		deploy.StatusUpdater: {
			logs(deploy.StatusUpdater),
			stmt("dynamodb:UpdateItem", "StatusTable.Arn"),
			stmt("sqs:SendMessage", "DeadLetterQueue.Arn"),
			stmt([]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}, "EventsQueue.Arn"),
		},
		deploy.UserSignup: {
			logs(deploy.UserSignup),
			stmt("dynamodb:PutItem", "UserTable.Arn"),
		},
		deploy.StatusQuery: {
			logs(deploy.StatusQuery),
			stmt("dynamodb:GetItem", "StatusTable.Arn"),
			stmt("dynamodb:Query", "StatusTable.Arn/index/"+tables.IndexByUser),
		},
	}
	stackOf := map[string]string{deploy.StatusUpdater: "stateless", deploy.UserSignup: "stateful", deploy.StatusQuery: "stateless"}
	for _, fn := range deploy.Functions {
		_, f := s.only(t, stackOf[fn], "AWS::Lambda::Function", "FunctionName", name("dev", fn))
		roleID := f["Properties"].(map[string]any)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		role := s.json[stackOf[fn]]["Resources"].(map[string]any)[roleID].(map[string]any)
		p := s.props(t, role)
		delete(p, "Description")
		same(t, fn+" role", p, map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}}}},
			"Policies": []any{map[string]any{
				"PolicyName":     stacks.PolicyName,
				"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": want[fn]},
			}},
			"Tags": tags("dev"),
		})
	}
	for _, stack := range []string{"stateful", "stateless"} {
		for _, typ := range []string{"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group"} {
			if n := len(s.resources(stack, typ)); n > 0 {
				t.Errorf("%s stack has %d %s: permissions belong in the roles' one inline policy", stack, n, typ)
			}
		}
		if n := len(s.resources(stack, "AWS::IAM::Role")); n != map[string]int{"stateful": 1, "stateless": 2}[stack] {
			t.Errorf("%s stack has %d roles: only the functions should have one", stack, n)
		}
	}

	// Who may invoke the functions.
	perms := map[string][]any{}
	for _, stack := range []string{"stateful", "stateless"} {
		for _, r := range s.resources(stack, "AWS::Lambda::Permission") {
			p := s.props(t, r)
			perms[fmt.Sprint(p["FunctionName"])] = append(perms[fmt.Sprint(p["FunctionName"])], p)
		}
	}
	for _, ps := range perms {
		slices.SortFunc(ps, func(a, b any) int { return strings.Compare(jsonOf(t, a), jsonOf(t, b)) })
	}
	executeAPI := "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:Api.Id/*/*"
	same(t, "invoke permissions", perms, map[string][]any{
		"user-signup.Arn": {map[string]any{"Action": "lambda:InvokeFunction", "Principal": "cognito-idp.amazonaws.com", "SourceArn": "UserPool.Arn", "FunctionName": "user-signup.Arn"}},
		"status-query.Arn": {
			map[string]any{"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": executeAPI + "/status", "FunctionName": "status-query.Arn"},
			map[string]any{"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": executeAPI + "/status/{request_id}", "FunctionName": "status-query.Arn"},
		},
	})
}

// TestNoWildcardInIAM: no action or resource that the app writes in an IAM policy contains "*".
func TestNoWildcardInIAM(t *testing.T) {
	s := dev(t)
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case string:
			if strings.Contains(x, "*") {
				t.Errorf("%s: %q", where, x)
			}
		case []any:
			for _, e := range x {
				walk(where, e)
			}
		case map[string]any:
			for _, e := range x {
				walk(where, e)
			}
		}
	}
	for _, stack := range []string{"stateful", "stateless"} {
		for id, r := range s.resources(stack, "AWS::IAM::Role") {
			for _, pol := range r["Properties"].(map[string]any)["Policies"].([]any) {
				for _, st := range pol.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					m := st.(map[string]any)
					walk(id+" Action", m["Action"])
					walk(id+" Resource", m["Resource"])
				}
			}
		}
	}
}

// TestEventSource: the SQS event source of status-updater.
func TestEventSource(t *testing.T) {
	s := dev(t)
	esms := s.resources("stateless", "AWS::Lambda::EventSourceMapping")
	if len(esms) != 1 {
		t.Fatalf("%d event source mappings, want 1", len(esms))
	}
	for _, r := range esms {
		p := s.props(t, r)
		delete(p, "Tags")
		same(t, "event source", p, map[string]any{
			"EventSourceArn":                 "EventsQueue.Arn",
			"FunctionName":                   "status-updater.Name",
			"BatchSize":                      deploy.BatchSize,
			"MaximumBatchingWindowInSeconds": deploy.MaxBatchingWindow.Seconds(),
			"FunctionResponseTypes":          []string{"ReportBatchItemFailures"},
			"ScalingConfig":                  map[string]any{"MaximumConcurrency": deploy.MaxConcurrency},
		})
		role := s.sys.Stateless.StatusUpdater.Role.Node().DefaultChild().(awscdk.CfnElement)
		roleID := s.sys.Stateless.Resolve(s.sys.Stateless.GetLogicalId(role))
		if deps, _ := r["DependsOn"].([]any); !slices.Contains(deps, roleID) {
			t.Errorf("event source DependsOn = %v, want the role %s (its permissions are checked on creation)", deps, roleID)
		}
	}
}

// TestUserPool: sign-in, verification, password policy, trigger and the app client.
func TestUserPool(t *testing.T) {
	s := dev(t)
	check(t, "user pool", func() {
		s.stateful.HasResource(jsii.String("AWS::Cognito::UserPool"), map[string]any{
			"DeletionPolicy": "Retain",
			"Properties": map[string]any{
				"UserPoolName":           name("dev", "users"),
				"UsernameAttributes":     []string{"email"},
				"AutoVerifiedAttributes": []string{"email"},
				"UsernameConfiguration":  map[string]any{"CaseSensitive": false},
				"AdminCreateUserConfig":  map[string]any{"AllowAdminCreateUserOnly": false},
				"DeletionProtection":     "ACTIVE",
				"MfaConfiguration":       "OPTIONAL",
				"EnabledMfas":            []string{"SOFTWARE_TOKEN_MFA"},
				"Policies": map[string]any{"PasswordPolicy": map[string]any{
					"MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true,
					"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 3,
				}},
				"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_email", "Priority": 1}}},
				"Schema":                 assertions.Match_ArrayWith(&[]any{map[string]any{"Name": "email", "Required": true, "Mutable": true}}),
			},
		})
	})
	_, pool := s.only(t, "stateful", "AWS::Cognito::UserPool", "UserPoolName", name("dev", "users"))
	same(t, "pool triggers", s.props(t, pool)["LambdaConfig"], map[string]any{"PostConfirmation": "user-signup.Arn"})
	_, client := s.only(t, "stateful", "AWS::Cognito::UserPoolClient", "ClientName", name("dev", "app"))
	same(t, "app client", s.props(t, client), map[string]any{
		"ClientName":                      name("dev", "app"),
		"UserPoolId":                      "UserPool.Id",
		"GenerateSecret":                  false,
		"ExplicitAuthFlows":               []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		"AllowedOAuthFlowsUserPoolClient": false,
		"PreventUserExistenceErrors":      "ENABLED",
		"EnableTokenRevocation":           true,
		"SupportedIdentityProviders":      []string{"COGNITO"},
	})
}

// TestHTTPAPI: JWT authorizer on the pool, the two routes to status-query, throttling and
// access logs on the stage; no CORS unless origins are given.
func TestHTTPAPI(t *testing.T) {
	s := dev(t)
	_, api := s.only(t, "stateless", "AWS::ApiGatewayV2::Api", "Name", name("dev", "api"))
	p := s.props(t, api)
	same(t, "protocol", p["ProtocolType"], "HTTP")
	if p["CorsConfiguration"] != nil {
		t.Errorf("CorsConfiguration = %v without corsOrigins", p["CorsConfiguration"])
	}
	auths := s.resources("stateless", "AWS::ApiGatewayV2::Authorizer")
	if len(auths) != 1 {
		t.Fatalf("%d authorizers, want 1", len(auths))
	}
	var authID string
	for id, a := range auths {
		authID = id
		ap := s.props(t, a)
		delete(ap, "Name")
		same(t, "authorizer", ap, map[string]any{
			"ApiId":          "Api.Id",
			"AuthorizerType": "JWT",
			"IdentitySource": []string{"$request.header.Authorization"},
			"JwtConfiguration": map[string]any{
				"Audience": []string{"AppClient.Id"},
				"Issuer":   "https://cognito-idp.${AWS::Region}.amazonaws.com/UserPool.Id",
			},
		})
	}
	integrations := s.resources("stateless", "AWS::ApiGatewayV2::Integration")
	if len(integrations) != 1 {
		t.Fatalf("%d integrations, want 1", len(integrations))
	}
	var integrationID string
	for id, in := range integrations {
		integrationID = id
		same(t, "integration", s.props(t, in), map[string]any{
			"ApiId": "Api.Id", "IntegrationType": "AWS_PROXY", "IntegrationUri": "status-query.Arn", "PayloadFormatVersion": "2.0",
		})
	}
	var routes []string
	for _, r := range s.resources("stateless", "AWS::ApiGatewayV2::Route") {
		rp := s.props(t, r)
		routes = append(routes, rp["RouteKey"].(string))
		same(t, fmt.Sprint(rp["RouteKey"]), rp, map[string]any{
			"ApiId":             "Api.Id",
			"RouteKey":          rp["RouteKey"],
			"AuthorizationType": "JWT",
			"AuthorizerId":      map[string]any{"Ref": authID},
			"Target":            map[string]any{"Fn::Join": []any{"", []any{"integrations/", map[string]any{"Ref": integrationID}}}},
		})
	}
	slices.Sort(routes)
	want := slices.Clone(deploy.Routes)
	slices.Sort(want)
	same(t, "routes", routes, want)

	stages := s.resources("stateless", "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	for _, st := range stages {
		sp := s.props(t, st)
		same(t, "stage", sp, map[string]any{
			"ApiId":      "Api.Id",
			"StageName":  "$default",
			"AutoDeploy": true,
			"DefaultRouteSettings": map[string]any{
				"ThrottlingRateLimit": deploy.ThrottleRateLimit, "ThrottlingBurstLimit": deploy.ThrottleBurstLimit,
			},
			"AccessLogSettings": map[string]any{"DestinationArn": "ApiAccessLogs.Arn", "Format": stacks.AccessLogFormat},
			"Tags":              map[string]any{"project": "trainstatus", "stage": "dev"},
		})
	}
	if !strings.Contains(stacks.AccessLogFormat, "$context.requestId") {
		t.Error("access log format lacks $context.requestId")
	}
}

// TestAlarms: dead letters, age of the oldest event, and errors and throttles of each function;
// no actions without an alarm topic.
func TestAlarms(t *testing.T) {
	s := dev(t)
	got := map[string]any{}
	for _, r := range s.resources("stateless", "AWS::CloudWatch::Alarm") {
		p := s.props(t, r)
		for _, k := range []string{"AlarmDescription", "AlarmActions", "OKActions"} {
			if k != "AlarmDescription" && p[k] != nil {
				t.Errorf("%v has %s %v without an alarm topic", p["AlarmName"], k, p[k])
			}
			delete(p, k)
		}
		got[p["AlarmName"].(string)] = p
	}
	alarm := func(alarmName, namespace, metric, stat string, period int, dim string, value any, threshold float64) (string, map[string]any) {
		return name("dev", alarmName), map[string]any{
			"AlarmName": name("dev", alarmName), "Namespace": namespace, "MetricName": metric,
			"Statistic": stat, "Period": period, "Threshold": threshold, "EvaluationPeriods": 1,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
			"Dimensions": []any{map[string]any{"Name": dim, "Value": value}},
			"Tags":       tags("dev"),
		}
	}
	want := map[string]any{}
	add := func(k string, v map[string]any) { want[k] = v }
	add(alarm("dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 60, "QueueName",
		"DeadLetterQueue.Name", 1))
	add(alarm("oldest-event", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 60, "QueueName",
		"EventsQueue.Name", 300))
	for _, fn := range deploy.Functions {
		add(alarm(fn+"-errors", "AWS/Lambda", "Errors", "Sum", 300, "FunctionName", fn+".Name", 1))
		add(alarm(fn+"-throttles", "AWS/Lambda", "Throttles", "Sum", 300, "FunctionName", fn+".Name", 1))
	}
	same(t, "alarms", got, want)
}

// TestOutputs: what operators and tools need after a deploy.
func TestOutputs(t *testing.T) {
	s := dev(t)
	outputs := func(stack string) map[string]any {
		out := map[string]any{}
		for k, o := range s.json[stack]["Outputs"].(map[string]any) {
			if !strings.HasPrefix(k, "ExportsOutput") {
				out[k] = s.norm(t, o.(map[string]any)["Value"])
			}
		}
		return out
	}
	same(t, "stateful outputs", outputs("stateful"), map[string]any{
		"StatusTableName":       "StatusTable.Name",
		"UserTableName":         "UserTable.Name",
		"EventsQueueUrl":        "EventsQueue.Url",
		"DeadLetterQueueUrl":    "DeadLetterQueue.Url",
		"UserPoolId":            "UserPool.Id",
		"UserPoolClientId":      "AppClient.Id",
		"UserSignupFunctionArn": "user-signup.Arn",
	})
	same(t, "stateless outputs", outputs("stateless"), map[string]any{
		"ApiUrl": "https://Api.Id.execute-api.${AWS::Region}.${AWS::URLSuffix}/",
	})
}

// TestCursorSecret: the key is generated by Secrets Manager, long enough, and reaches the
// function only as a dynamic reference.
func TestCursorSecret(t *testing.T) {
	s := dev(t)
	secrets := s.resources("stateful", "AWS::SecretsManager::Secret")
	for _, r := range secrets {
		g := s.props(t, r)["GenerateSecretString"].(map[string]any)
		if n := g["PasswordLength"].(float64); n < deploy.CursorSecretMinBytes {
			t.Errorf("cursor key of %v characters, want at least %d", n, deploy.CursorSecretMinBytes)
		}
		same(t, "generator", g, map[string]any{"PasswordLength": 64, "ExcludePunctuation": true, "IncludeSpace": false})
		if _, ok := s.props(t, r)["SecretString"]; ok {
			t.Error("the secret's value is in the template")
		}
	}
	if len(secrets) != 1 {
		t.Errorf("%d secrets, want 1", len(secrets))
	}
}

// TestSettingsVariant: a throw-away stage with every setting given: an existing pool, an alarm
// topic, CORS origins, event source and throttling numbers, DESTROY everywhere.
func TestSettingsVariant(t *testing.T) {
	const topic = "arn:aws:sns:eu-west-1:123456789012:alarms"
	s := synth(t, map[string]any{
		stacks.CtxStage:                 "qa",
		stacks.CtxRemovalPolicy:         "destroy",
		stacks.CtxUserPoolID:            "eu-west-1_AbC123",
		stacks.CtxAlarmTopicARN:         topic,
		stacks.CtxCORSOrigins:           "https://app.example.com, http://localhost:5173",
		stacks.CtxBatchSize:             "50",
		stacks.CtxMaxBatchingWindowSecs: "5",
		stacks.CtxMaxConcurrency:        3.0,
		stacks.CtxThrottleRate:          "20",
		stacks.CtxThrottleBurst:         "40",
		stacks.CtxLogLevel:              "debug",
		stacks.CtxCursorKeyRevision:     "2",
	})
	if *s.sys.Stateful.TerminationProtection() {
		t.Error("termination protection on a destroy stage")
	}
	for _, stack := range []string{"stateful", "stateless"} {
		for id, r := range s.json[stack]["Resources"].(map[string]any) {
			m := r.(map[string]any)
			if dp, ok := m["DeletionPolicy"]; ok && dp != "Delete" {
				t.Errorf("%s: DeletionPolicy %v on a destroy stage", id, dp)
			}
		}
	}
	for _, r := range s.resources("stateful", "AWS::DynamoDB::GlobalTable") {
		rep := s.props(t, r)["Replicas"].([]any)[0].(map[string]any)
		same(t, "deletion protection", rep["DeletionProtectionEnabled"], false)
		same(t, "table deletion policy", r["DeletionPolicy"], "Delete")
	}
	if n := len(s.resources("stateful", "AWS::Cognito::UserPool")); n != 0 {
		t.Errorf("%d user pools created with userPoolId given", n)
	}
	_, client := s.only(t, "stateful", "AWS::Cognito::UserPoolClient", "ClientName", name("qa", "app"))
	same(t, "client of the existing pool", s.props(t, client)["UserPoolId"], "eu-west-1_AbC123")
	var cognito []any
	for _, r := range s.resources("stateful", "AWS::Lambda::Permission") {
		p := s.props(t, r)
		// The labels call the imported pool's ARN "UserPool.Arn": check what it is made of.
		if raw := jsonOf(t, r["Properties"].(map[string]any)["SourceArn"]); !strings.Contains(raw, ":userpool/eu-west-1_AbC123") {
			t.Errorf("trigger permission SourceArn = %s, want the existing pool's ARN", raw)
		}
		cognito = append(cognito, p)
	}
	same(t, "trigger permission for the existing pool", cognito, []any{map[string]any{
		"Action": "lambda:InvokeFunction", "Principal": "cognito-idp.amazonaws.com", "FunctionName": "user-signup.Arn",
		"SourceArn": "UserPool.Arn",
	}})
	for _, r := range s.resources("stateless", "AWS::CloudWatch::Alarm") {
		p := s.props(t, r)
		same(t, fmt.Sprint(p["AlarmName"], " actions"), []any{p["AlarmActions"], p["OKActions"]}, []any{[]string{topic}, []string{topic}})
	}
	_, api := s.only(t, "stateless", "AWS::ApiGatewayV2::Api", "Name", name("qa", "api"))
	same(t, "CORS", s.props(t, api)["CorsConfiguration"], map[string]any{
		"AllowOrigins": []string{"https://app.example.com", "http://localhost:5173"},
		"AllowMethods": []string{"GET", "OPTIONS"},
		"AllowHeaders": []string{"Authorization", "Content-Type"},
		"MaxAge":       3600,
	})
	for _, r := range s.resources("stateless", "AWS::Lambda::EventSourceMapping") {
		p := s.props(t, r)
		same(t, "event source settings", []any{p["BatchSize"], p["MaximumBatchingWindowInSeconds"], p["ScalingConfig"]},
			[]any{50, 5, map[string]any{"MaximumConcurrency": 3}})
	}
	_, q := s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("qa", deploy.EventsQueue))
	same(t, "visibility timeout with a 5 s window", s.props(t, q)["VisibilityTimeout"], 6*deploy.StatusUpdaterFunction.Timeout.Seconds()+5)
	for _, st := range s.resources("stateless", "AWS::ApiGatewayV2::Stage") {
		same(t, "throttling", s.props(t, st)["DefaultRouteSettings"], map[string]any{"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40})
	}
	_, fn := s.only(t, "stateless", "AWS::Lambda::Function", "FunctionName", name("qa", deploy.StatusQuery))
	same(t, "log level", s.props(t, fn)["Environment"].(map[string]any)["Variables"].(map[string]any)[deploy.EnvLogLevel], "debug")
	if d := s.props(t, fn)["Description"].(string); !strings.HasSuffix(d, "(cursor key revision 2)") {
		t.Errorf("status-query description %q does not carry the cursor key revision", d)
	}
}

// TestSettingsRejected: a wrong setting stops the synthesis with a message naming it.
func TestSettingsRejected(t *testing.T) {
	assets := placeholderAssets(t)
	for _, tc := range []struct {
		ctx  map[string]any
		want string
	}{
		{map[string]any{stacks.CtxStage: "Prod!"}, "context stage"},
		{map[string]any{stacks.CtxStage: "prod", stacks.CtxRemovalPolicy: "destroy"}, "refused for stage prod"},
		{map[string]any{stacks.CtxRemovalPolicy: "snapshot"}, "retain or destroy"},
		{map[string]any{stacks.CtxUserPoolID: "not-a-pool"}, "context userPoolId"},
		{map[string]any{stacks.CtxAlarmTopicARN: "arn:aws:sqs:eu-west-1:123456789012:q"}, "context alarmTopicArn"},
		{map[string]any{stacks.CtxCORSOrigins: "*"}, "wildcard"},
		{map[string]any{stacks.CtxBatchSize: "20", stacks.CtxMaxBatchingWindowSecs: "0"}, "batching window"},
		{map[string]any{stacks.CtxMaxConcurrency: "1"}, "outside 2..1000"},
		{map[string]any{stacks.CtxBatchSize: "ten"}, "whole number"},
		{map[string]any{stacks.CtxLogLevel: "trace"}, "context logLevel"},
		{map[string]any{stacks.CtxCursorKeyRevision: "two words"}, "context cursorKeyRevision"},
		{map[string]any{stacks.CtxAssetDir: t.TempDir()}, "make build"},
	} {
		ctx := map[string]any{stacks.CtxAssetDir: assets}
		for k, v := range tc.ctx {
			ctx[k] = v
		}
		app := newApp(t, ctx)
		_, err := stacks.New(app, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("context %v: error %v, want one containing %q", tc.ctx, err, tc.want)
		}
	}
}

// TestAwsSolutions runs the cdk-nag AwsSolutions rules: no unsuppressed error or warning, and
// the suppressions are exactly the reviewed ones, each with its reason.
func TestAwsSolutions(t *testing.T) {
	app := newApp(t, nil)
	stacks.CheckWithNag(app)
	sys, err := stacks.New(app, nil)
	if err != nil {
		t.Fatal(err)
	}
	suppressed := map[string][]string{}
	for _, stack := range []struct {
		name string
		tpl  func() assertions.Template
		ann  func() assertions.Annotations
	}{
		{"stateful", func() assertions.Template { return assertions.Template_FromStack(sys.Stateful.Stack, nil) },
			func() assertions.Annotations { return assertions.Annotations_FromStack(sys.Stateful.Stack) }},
		{"stateless", func() assertions.Template { return assertions.Template_FromStack(sys.Stateless.Stack, nil) },
			func() assertions.Annotations { return assertions.Annotations_FromStack(sys.Stateless.Stack) }},
	} {
		var tpl map[string]any
		check(t, "synthesize "+stack.name, func() { tpl = *stack.tpl().ToJSON() })
		check(t, "annotations "+stack.name, func() {
			ann := stack.ann()
			rule := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
			for _, m := range *ann.FindError(jsii.String("*"), rule) {
				t.Errorf("cdk-nag error at %s: %v", *m.Id, m.Entry.Data)
			}
			for _, m := range *ann.FindWarning(jsii.String("*"), rule) {
				t.Errorf("cdk-nag warning at %s: %v", *m.Id, m.Entry.Data)
			}
		})
		for id, r := range tpl["Resources"].(map[string]any) {
			md, _ := r.(map[string]any)["Metadata"].(map[string]any)
			nag, _ := md["cdk_nag"].(map[string]any)
			rules, _ := nag["rules_to_suppress"].([]any)
			for _, rule := range rules {
				m := rule.(map[string]any)
				reason, _ := m["reason"].(string)
				if len(reason) < 60 {
					t.Errorf("%s: suppression of %v has no real reason: %q", id, m["id"], reason)
				}
				t.Logf("suppressed %v on %s: %s", m["id"], id, reason)
				typ := r.(map[string]any)["Type"].(string)
				suppressed[typ] = append(suppressed[typ], m["id"].(string))
			}
		}
	}
	for _, v := range suppressed {
		slices.Sort(v)
	}
	same(t, "suppressions", suppressed, map[string][]string{
		"AWS::SecretsManager::Secret": {"AwsSolutions-SMG4"},
		"AWS::Cognito::UserPool":      {"AwsSolutions-COG2", "AwsSolutions-COG8"},
	})
	if os.Getenv("INFRA_NAG_REPORT") != "" {
		t.Logf("reports in %s", *app.Outdir())
	}
}
