package stacks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/infra/stacks"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

var devSystem, bareSystem *synthesized

// dev is the "dev" deployment with a notification sender (so with all four functions) and
// nothing else given, synthesized once.
func dev(t *testing.T) *synthesized {
	t.Helper()
	if devSystem == nil {
		devSystem = synth(t, map[string]any{stacks.CtxNotificationSender: sender})
	}
	return devSystem
}

// bare is the deployment with nothing given at all: no sender, so no status-notifier.
func bare(t *testing.T) *synthesized {
	t.Helper()
	if bareSystem == nil {
		bareSystem = synth(t, nil)
	}
	return bareSystem
}

// stackOf is the stack that declares each function: user-signup lives with the user pool.
var stackOf = map[string]string{
	deploy.StatusUpdater: "stateless", deploy.UserSignup: "stateful", deploy.StatusQuery: "stateless", deploy.StatusNotifier: "stateless",
	deploy.StallSweep: "stateless",
	deploy.Ingest:     "stateless",
}

// TestTablesFollowDefinitions: the tables' keys, attribute types, GSIs, LSIs, TTL and stream are
// those of package tables, and they are run with on-demand billing, PITR, SSE, deletion
// protection and RETAIN.
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
			var lsis []map[string]any
			for _, l := range def.LSIs {
				attrs[l.SortKey] = typeOf(l.SortKey)
				lsis = append(lsis, map[string]any{
					"IndexName":  l.Name,
					"KeySchema":  keySchema(def.PartitionKey, l.SortKey),
					"Projection": map[string]any{"ProjectionType": string(l.Projection)},
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
			same(t, "LocalSecondaryIndexes", p["LocalSecondaryIndexes"], lsis)
			if def.Stream != "" {
				same(t, "StreamSpecification", p["StreamSpecification"], map[string]any{"StreamViewType": string(def.Stream)})
			} else if p["StreamSpecification"] != nil {
				t.Errorf("StreamSpecification = %v, the definition has no stream", p["StreamSpecification"])
			}
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
	// What issue 11 decided, spelled out, so that a change of the definitions shows here too.
	_, status := s.only(t, "stateful", "AWS::DynamoDB::GlobalTable", "TableName", name("dev", "status"))
	sp := s.props(t, status)
	same(t, "status table key", sp["KeySchema"], []map[string]string{
		{"AttributeName": tables.AttrUserID, "KeyType": "HASH"}, {"AttributeName": tables.AttrRequestID, "KeyType": "RANGE"}})
	same(t, "status table LSI", sp["LocalSecondaryIndexes"], []any{map[string]any{
		"IndexName":  tables.IndexByStarted,
		"KeySchema":  []map[string]string{{"AttributeName": "user_id", "KeyType": "HASH"}, {"AttributeName": "timestamp", "KeyType": "RANGE"}},
		"Projection": map[string]any{"ProjectionType": "ALL"},
	}})
	// Issue 22: the sparse index of open jobs, sharded, keyed by start, keys only.
	same(t, "status table GSIs (by_user is gone; open_jobs for the stall sweep)", sp["GlobalSecondaryIndexes"], []any{map[string]any{
		"IndexName":  tables.IndexOpen,
		"KeySchema":  []map[string]string{{"AttributeName": "open_shard", "KeyType": "HASH"}, {"AttributeName": "timestamp", "KeyType": "RANGE"}},
		"Projection": map[string]any{"ProjectionType": "KEYS_ONLY"},
	}})
	same(t, "status table TTL", sp["TimeToLiveSpecification"], map[string]any{"AttributeName": "expires_at", "Enabled": true})
	same(t, "status table stream", sp["StreamSpecification"], map[string]any{"StreamViewType": "NEW_AND_OLD_IMAGES"})
	_, users := s.only(t, "stateful", "AWS::DynamoDB::GlobalTable", "TableName", name("dev", "users"))
	up := s.props(t, users)
	same(t, "user table key", up["KeySchema"], []map[string]string{{"AttributeName": "user_id", "KeyType": "HASH"}})
	same(t, "user table GSI", up["GlobalSecondaryIndexes"], []any{map[string]any{
		"IndexName": tables.IndexByEmail, "KeySchema": []map[string]string{{"AttributeName": "email", "KeyType": "HASH"}},
		"Projection": map[string]any{"ProjectionType": "KEYS_ONLY"},
	}})
	same(t, "user table stream", up["StreamSpecification"], nil)
}

// TestStateIsInTheStatefulStack: every resource that holds data is in the stateful stack, and
// the stateless stack holds none (its one bucket holds the page, written again at every deploy).
func TestStateIsInTheStatefulStack(t *testing.T) {
	s := dev(t)
	for _, typ := range []string{"AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::Cognito::UserPool"} {
		check(t, "stateless "+typ, func() { s.stateless.ResourceCountIs(jsii.String(typ), jsii.Number(0)) })
	}
	for typ, n := range map[string]float64{"AWS::DynamoDB::GlobalTable": 4, "AWS::DynamoDB::Table": 0, "AWS::SQS::Queue": 3, "AWS::SecretsManager::Secret": 2, "AWS::Cognito::UserPool": 1} {
		check(t, "stateful "+typ, func() { s.stateful.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	for _, typ := range []string{"AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::Cognito::UserPool"} {
		check(t, typ+" retained", func() {
			s.stateful.AllResources(jsii.String(typ), map[string]any{"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
		})
	}
	check(t, "stateless buckets", func() { s.stateless.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(1)) })
	check(t, "stateful buckets", func() { s.stateful.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(0)) })
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

// TestQueues: the events queue, its dead-letter queue and status-notifier's failure queue.
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
		"MaximumMessageSize":     deploy.EventsMaxMessageBytes,
		"RedrivePolicy":          map[string]any{"deadLetterTargetArn": "DeadLetterQueue.Arn", "maxReceiveCount": deploy.MaxReceiveCount},
		"Tags":                   tags("dev"),
	})
	_, fq := s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("dev", deploy.NotifierFailureQueue))
	same(t, "notifier failure queue", s.props(t, fq), map[string]any{
		"QueueName":              name("dev", deploy.NotifierFailureQueue),
		"SqsManagedSseEnabled":   true,
		"MessageRetentionPeriod": 14 * 24 * 3600,
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
		label := map[string]string{"EventsQueue.Url": "EventsQueue.Arn", "DeadLetterQueue.Url": "DeadLetterQueue.Arn",
			"NotifierFailureQueue.Url": "NotifierFailureQueue.Arn"}[fmt.Sprint(queues[0])]
		covered = append(covered, label)
		statements := []any{map[string]any{
			"Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "sqs:*", "Resource": label,
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}}
		if label == "EventsQueue.Arn" { // and only the named senders (ingest_test.go)
			statements = append(statements, onlyNamedSenders(label, nil))
		}
		same(t, "queue policy of "+label, p["PolicyDocument"], map[string]any{"Version": "2012-10-17", "Statement": statements})
	}
	slices.Sort(covered)
	same(t, "queues with a TLS-only policy", covered, []string{"DeadLetterQueue.Arn", "EventsQueue.Arn", "NotifierFailureQueue.Arn"})
}

func tags(stage string) []map[string]string {
	return []map[string]string{{"Key": "project", "Value": "trainstatus"}, {"Key": "stage", "Value": stage}}
}

// resourceLabel is what each of package deploy's resources must be in the templates, as the
// labels of synth name it.
var resourceLabel = map[deploy.Resource]string{
	deploy.StatusTableName:    "StatusTable.Name",
	deploy.UserTableName:      "UserTable.Name",
	deploy.DeadLetterQueueURL: "DeadLetterQueue.Url",
	deploy.CursorKey:          "{{resolve:secretsmanager:CursorSecret.Arn:SecretString:::}}",
	deploy.CursorKeyPrevious:  "{{resolve:secretsmanager:CursorSecretPrevious.Arn:SecretString:::}}",
	deploy.NotificationSender: sender,
	deploy.TrackerPageURL:     "https://Web.Distribution.Domain",
	deploy.TokensTableName:    "TokensTable.Name",
	deploy.RateLimitTableName: "RateLimitTable.Name",
	deploy.EventsQueueURL:     "EventsQueue.Url",
}

// functionProps returns the normalized properties of a function of the deployment.
func (s *synthesized) function(t *testing.T, stage, fn string) (map[string]any, map[string]any) {
	t.Helper()
	_, r := s.only(t, stackOf[fn], "AWS::Lambda::Function", "FunctionName", name(stage, fn))
	return r, s.props(t, r)
}

// TestFunctions: each function of package deploy, rendered: runtime, architecture, handler,
// description, memory, timeout, reserved concurrency, environment (each resource variable bound
// to its resource, each setting at its default), logs and its own asset.
func TestFunctions(t *testing.T) {
	s := dev(t)
	keys := map[any]string{}
	for _, f := range deploy.Functions {
		_, p := s.function(t, "dev", f.Name)
		code := p["Code"].(map[string]any)
		if other, dup := keys[code["S3Key"]]; dup {
			t.Errorf("%s and %s have the same asset", f.Name, other)
		}
		keys[code["S3Key"]] = f.Name
		delete(p, "Code")
		env := map[string]string{}
		for _, v := range f.Env {
			if v.IsSetting() {
				env[v.Name] = v.Default
			} else {
				env[v.Name] = resourceLabel[v.Resource]
			}
		}
		want := map[string]any{
			"FunctionName":  name("dev", f.Name),
			"Description":   f.Description,
			"Runtime":       "provided.al2023",
			"Architectures": []string{"arm64"},
			"Handler":       "bootstrap",
			"MemorySize":    f.MemoryMB,
			"Timeout":       f.Timeout.Seconds(),
			"Environment":   map[string]any{"Variables": env},
			"LoggingConfig": map[string]any{"LogGroup": f.Name + ".Logs.Name"},
			"Role":          f.Name + ".Role.Arn",
			"Tags":          tags("dev"),
		}
		if f.Name == deploy.StatusQuery {
			want["Description"] = f.Description + " (cursor key revision 1)"
		}
		same(t, f.Name, p, want)
	}
	for stack, n := range map[string]int{"stateful": 1, "stateless": 5 + 1} { // five functions + API access logs
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

// TestRenderingAgreesWithDeploy: the one description and its rendering agree. Each function's
// environment variable names in the template are exactly those of its deploy.Function.Env, and
// the API's route keys exactly deploy.Routes' keys (local/stack proves the same of its side).
func TestRenderingAgreesWithDeploy(t *testing.T) {
	s := dev(t)
	var fnNames []string
	for _, stack := range []string{"stateful", "stateless"} {
		for _, r := range s.resources(stack, "AWS::Lambda::Function") {
			n, _ := r["Properties"].(map[string]any)["FunctionName"].(string)
			if n != "" { // the CDK's bucket deployment handler has no fixed name
				fnNames = append(fnNames, n)
			}
		}
	}
	var wantNames []string
	for _, f := range deploy.Functions {
		wantNames = append(wantNames, name("dev", f.Name))
	}
	slices.Sort(fnNames)
	slices.Sort(wantNames)
	same(t, "functions", fnNames, wantNames)
	for _, f := range deploy.Functions {
		_, p := s.function(t, "dev", f.Name)
		got := sortedKeys(p["Environment"].(map[string]any)["Variables"].(map[string]any))
		var want []string
		for _, v := range f.Env {
			want = append(want, v.Name)
		}
		slices.Sort(want)
		same(t, f.Name+" environment names", got, want)
	}
	var routes []string
	for _, r := range s.resources("stateless", "AWS::ApiGatewayV2::Route") {
		routes = append(routes, r["Properties"].(map[string]any)["RouteKey"].(string))
	}
	var want []string
	for _, r := range deploy.Routes {
		want = append(want, r.Key())
	}
	slices.Sort(routes)
	slices.Sort(want)
	same(t, "route keys", routes, want)
	// Every setting variable of the functions can be overridden by a context key.
	for _, f := range deploy.Functions {
		for _, v := range f.Env {
			if _, ok := stacks.SettingContextKey(v.Name); v.IsSetting() && !ok {
				t.Errorf("%s: setting %s has no context key", f.Name, v.Name)
			}
		}
	}
}

// TestNoNotifierWithoutSender: with no notification sender the notifier, its stream source and
// its alarms are not declared (and its asset is not required); its failure queue still is.
func TestNoNotifierWithoutSender(t *testing.T) {
	s := bare(t)
	if s.sys.Stateless.StatusNotifier != nil || s.sys.Stateless.StreamSource != nil {
		t.Error("status-notifier declared without a sender")
	}
	for _, r := range s.resources("stateless", "AWS::Lambda::Function") {
		if n := r["Properties"].(map[string]any)["FunctionName"]; n == name("dev", deploy.StatusNotifier) {
			t.Error("status-notifier in the template without a sender")
		}
	}
	if n := len(s.resources("stateless", "AWS::Lambda::EventSourceMapping")); n != 1 {
		t.Errorf("%d event source mappings, want only status-updater's", n)
	}
	for _, r := range s.resources("stateless", "AWS::CloudWatch::Alarm") {
		if n := r["Properties"].(map[string]any)["AlarmName"].(string); strings.Contains(n, "notifier") {
			t.Errorf("alarm %s without a notifier", n)
		}
	}
	s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("dev", deploy.NotifierFailureQueue))
	// Without a notifier, its asset may be missing.
	assets := placeholderAssets(t)
	if err := os.RemoveAll(filepath.Join(assets, deploy.StatusNotifier)); err != nil {
		t.Fatal(err)
	}
	if _, err := stacks.New(newApp(t, map[string]any{stacks.CtxAssetDir: assets}), nil); err != nil {
		t.Errorf("without a sender, a missing status-notifier asset: %v", err)
	}
	_, err := stacks.New(newApp(t, map[string]any{stacks.CtxAssetDir: assets, stacks.CtxNotificationSender: sender}), nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(deploy.StatusNotifier, "bootstrap")) {
		t.Errorf("with a sender, a missing status-notifier asset: error %v", err)
	}
}

// TestPermissionsExact: each role holds exactly its statements, nothing managed and nothing
// else attached.
func TestPermissionsExact(t *testing.T) {
	s := dev(t)
	logs := func(fn string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": fn + ".Logs.Arn"}
	}
	stmt := func(action any, resource any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	ses := "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
	want := map[string][]map[string]any{
		deploy.StatusUpdater: {
			logs(deploy.StatusUpdater),
			stmt("dynamodb:UpdateItem", "StatusTable.Arn"),
			stmt("sqs:SendMessage", "DeadLetterQueue.Arn"),
			stmt([]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, "EventsQueue.Arn"),
		},
		deploy.UserSignup: {
			logs(deploy.UserSignup),
			stmt("dynamodb:UpdateItem", "UserTable.Arn"),
		},
		deploy.StatusQuery: {
			logs(deploy.StatusQuery),
			stmt("dynamodb:GetItem", "StatusTable.Arn"),
			stmt("dynamodb:Query", "StatusTable.Arn/index/"+tables.IndexByStarted),
			stmt([]string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, "UserTable.Arn"),
			stmt("dynamodb:Query", "TokensTable.Arn/index/"+tables.IndexByOwner),
			stmt([]string{"dynamodb:PutItem", "dynamodb:DeleteItem"}, "TokensTable.Arn"),
		},
		deploy.Ingest: {
			logs(deploy.Ingest),
			stmt([]string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, "TokensTable.Arn"),
			stmt("dynamodb:UpdateItem", "RateLimitTable.Arn"),
			stmt("sqs:SendMessage", "EventsQueue.Arn"),
		},
		deploy.StatusNotifier: {
			logs(deploy.StatusNotifier),
			stmt([]string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}, "StatusTable.StreamArn"),
			stmt("dynamodb:GetItem", "UserTable.Arn"),
			stmt("dynamodb:UpdateItem", "StatusTable.Arn"),
			stmt("ses:SendEmail", ses+"notify@example.com"),
			stmt("sqs:SendMessage", "NotifierFailureQueue.Arn"),
		},
		deploy.StallSweep: {
			logs(deploy.StallSweep),
			stmt("dynamodb:Query", "StatusTable.Arn/index/"+tables.IndexOpen),
			stmt([]string{"dynamodb:BatchGetItem", "dynamodb:UpdateItem"}, "StatusTable.Arn"),
		},
	}
	for _, f := range deploy.Functions {
		fn := f.Name
		_, r := s.only(t, stackOf[fn], "AWS::Lambda::Function", "FunctionName", name("dev", fn))
		roleID := r["Properties"].(map[string]any)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		role := s.json[stackOf[fn]]["Resources"].(map[string]any)[roleID].(map[string]any)
		p := s.props(t, role)
		delete(p, "Description")
		if fn == deploy.Ingest { // named: the events queue's policy lets it send (ingest_test.go)
			same(t, "ingest role name", p["RoleName"], "trainstatus-dev-ingest-${AWS::Region}")
			delete(p, "RoleName")
		}
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
	// Besides the functions' roles, only the CDK's bucket deployment handler has a role (with
	// its CDK-made policy, suppressed in cdk-nag with a reason): nothing else.
	handlerRoles := deploymentHandlerRoles(s)
	if len(handlerRoles) != 1 {
		t.Errorf("bucket deployment handler roles: %v, want one", handlerRoles)
	}
	for _, stack := range []string{"stateful", "stateless"} {
		for _, typ := range []string{"AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group"} {
			if n := len(s.resources(stack, typ)); n > 0 {
				t.Errorf("%s stack has %d %s: permissions belong in the roles' one inline policy", stack, n, typ)
			}
		}
		for id, r := range s.resources(stack, "AWS::IAM::Policy") {
			roles := r["Properties"].(map[string]any)["Roles"].([]any)
			if len(roles) != 1 || !slices.Contains(handlerRoles, roles[0].(map[string]any)["Ref"].(string)) {
				t.Errorf("%s: policy %s attached to %v: only the bucket deployment handler's may exist", stack, id, roles)
			}
		}
		if n := len(s.resources(stack, "AWS::IAM::Role")); n != map[string]int{"stateful": 1 + 1, "stateless": 5 + 1}[stack] {
			t.Errorf("%s stack has %d roles: only the functions (and the stateless stack's bucket deployment handler, the stateful stack's events operator) should have one", stack, n)
		}
	}

	// Who may invoke the functions: Cognito the trigger (for both triggers), API Gateway
	// status-query for each route, EventBridge the stall sweep.
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
	var apiPerms []any
	for _, r := range deploy.Routes {
		apiPerms = append(apiPerms, map[string]any{"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com",
			"SourceArn": executeAPI + r.Path, "FunctionName": r.Function + ".Arn"})
	}
	slices.SortFunc(apiPerms, func(a, b any) int { return strings.Compare(jsonOf(t, a), jsonOf(t, b)) })
	cognito := map[string]any{"Action": "lambda:InvokeFunction", "Principal": "cognito-idp.amazonaws.com", "SourceArn": "UserPool.Arn", "FunctionName": "user-signup.Arn"}
	got := map[string]any{}
	for k, v := range perms {
		got[k] = v
	}
	gotCognito := perms["user-signup.Arn"]
	if len(gotCognito) == 0 {
		t.Fatal("no invoke permission for Cognito")
	}
	for _, p := range gotCognito {
		same(t, "Cognito's invoke permission", p, cognito)
	}
	delete(got, "user-signup.Arn")
	byFunction := map[string]any{}
	for _, p := range apiPerms {
		fn := p.(map[string]any)["FunctionName"].(string)
		list, _ := byFunction[fn].([]any)
		byFunction[fn] = append(list, p)
	}
	// EventBridge invokes the stall sweep, from its schedule's rule only.
	byFunction["stall-sweep.Arn"] = []any{map[string]any{"Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
		"SourceArn": "StallSweepSchedule.Arn", "FunctionName": "stall-sweep.Arn"}}
	same(t, "invoke permissions", got, byFunction)
}

// deploymentHandlerRoles returns the logical ids of the roles of the CDK's bucket deployment
// handler.
func deploymentHandlerRoles(s *synthesized) []string {
	var ids []string
	for id := range s.resources("stateless", "AWS::IAM::Role") {
		if strings.HasPrefix(id, strings.ReplaceAll(stacks.DeploymentHandlerPrefix, ":", "")) {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestNoWildcardInIAM: no action or resource that the app writes in an IAM policy contains "*"
// (the CDK's own bucket deployment handler aside: see TestAwsSolutions).
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
	handler := deploymentHandlerRoles(s)
	for _, stack := range []string{"stateful", "stateless"} {
		for id, r := range s.resources(stack, "AWS::IAM::Role") {
			if slices.Contains(handler, id) {
				continue
			}
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
	if len(esms) != 2 {
		t.Fatalf("%d event source mappings, want 2", len(esms))
	}
	found := 0
	for _, r := range esms {
		p := s.props(t, r)
		if p["EventSourceArn"] != "EventsQueue.Arn" {
			continue
		}
		found++
		delete(p, "Tags")
		same(t, "event source", p, map[string]any{
			"EventSourceArn":                 "EventsQueue.Arn",
			"FunctionName":                   "status-updater.Name",
			"BatchSize":                      deploy.BatchSize,
			"MaximumBatchingWindowInSeconds": deploy.MaxBatchingWindow.Seconds(),
			"FunctionResponseTypes":          []string{"ReportBatchItemFailures"},
			"ScalingConfig":                  map[string]any{"MaximumConcurrency": deploy.EventSourceMaxConcurrency},
		})
		role := s.sys.Stateless.StatusUpdater.Role.Node().DefaultChild().(awscdk.CfnElement)
		roleID := s.sys.Stateless.Resolve(s.sys.Stateless.GetLogicalId(role))
		if deps, _ := r["DependsOn"].([]any); !slices.Contains(deps, roleID) {
			t.Errorf("event source DependsOn = %v, want the role %s (its permissions are checked on creation)", deps, roleID)
		}
	}
	if found != 1 {
		t.Errorf("%d event sources on the events queue, want 1", found)
	}
}

// TestStreamSource: status-notifier's event source on the status table's stream, from
// deploy.NotifierSource.
func TestStreamSource(t *testing.T) {
	s := dev(t)
	_, r := s.only(t, "stateless", "AWS::Lambda::EventSourceMapping", "StartingPosition", deploy.NotifierSource.StartingPosition)
	p := s.props(t, r)
	delete(p, "Tags")
	src := deploy.NotifierSource
	var filters []any
	for _, f := range src.Filters {
		filters = append(filters, map[string]any{"Pattern": f})
	}
	same(t, "stream source", p, map[string]any{
		"EventSourceArn":                 "StatusTable.StreamArn",
		"FunctionName":                   "status-notifier.Name",
		"StartingPosition":               "LATEST",
		"BatchSize":                      src.BatchSize,
		"MaximumBatchingWindowInSeconds": src.BatchingWindow.Seconds(),
		"FilterCriteria":                 map[string]any{"Filters": filters},
		"BisectBatchOnFunctionError":     true,
		"MaximumRetryAttempts":           src.MaxRetryAttempts,
		"MaximumRecordAgeInSeconds":      src.MaxRecordAge.Seconds(),
		"FunctionResponseTypes":          []string{"ReportBatchItemFailures"},
		"DestinationConfig":              map[string]any{"OnFailure": map[string]any{"Destination": "NotifierFailureQueue.Arn"}},
	})
	role := s.sys.Stateless.StatusNotifier.Role.Node().DefaultChild().(awscdk.CfnElement)
	roleID := s.sys.Stateless.Resolve(s.sys.Stateless.GetLogicalId(role))
	if deps, _ := r["DependsOn"].([]any); !slices.Contains(deps, roleID) {
		t.Errorf("stream source DependsOn = %v, want the role %s", deps, roleID)
	}
}

// TestUserPool: sign-in, verification, password policy, triggers and the app client.
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
					"MinimumLength": deploy.PasswordMinLength, "RequireLowercase": true, "RequireUppercase": true,
					"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 3,
				}},
				"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_email", "Priority": 1}}},
				"Schema":                 assertions.Match_ArrayWith(&[]any{map[string]any{"Name": "email", "Required": true, "Mutable": true}}),
			},
		})
	})
	_, pool := s.only(t, "stateful", "AWS::Cognito::UserPool", "UserPoolName", name("dev", "users"))
	same(t, "pool triggers", s.props(t, pool)["LambdaConfig"], map[string]any{
		"PostConfirmation": "user-signup.Arn", "PostAuthentication": "user-signup.Arn"})
	_, client := s.only(t, "stateful", "AWS::Cognito::UserPoolClient", "ClientName", name("dev", "app"))
	cp := s.props(t, client)
	flows := cp["ExplicitAuthFlows"].([]any)
	slices.SortFunc(flows, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	same(t, "app client", cp, map[string]any{
		"ClientName":     name("dev", "app"),
		"UserPoolId":     "UserPool.Id",
		"GenerateSecret": false,
		// The page's USER_PASSWORD_AUTH, SRP for other clients, and refresh tokens.
		"ExplicitAuthFlows":               []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"},
		"AllowedOAuthFlowsUserPoolClient": false,
		"PreventUserExistenceErrors":      "ENABLED",
		"EnableTokenRevocation":           true,
		"SupportedIdentityProviders":      []string{"COGNITO"},
		// One sign-in lasts deploy.RefreshTokenValidity (a day), not Cognito's 30 days.
		"RefreshTokenValidity": deploy.RefreshTokenValidity.Minutes(),
		"TokenValidityUnits":   map[string]any{"RefreshToken": "minutes"},
	})
}

// TestHTTPAPI: JWT authorizer on the pool, every route of package deploy to its function,
// stage-wide and per-route throttling and access logs on the stage; no CORS unless origins are
// given.
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
	if len(integrations) != 2 { // status-query's, and ingest's for POST /v1/events
		t.Fatalf("%d integrations, want 2", len(integrations))
	}
	var integrationID string
	for id, in := range integrations {
		if s.props(t, in)["IntegrationUri"] == "ingest.Arn" {
			continue
		}
		integrationID = id
		same(t, "integration", s.props(t, in), map[string]any{
			"ApiId": "Api.Id", "IntegrationType": "AWS_PROXY", "IntegrationUri": "status-query.Arn", "PayloadFormatVersion": "2.0",
		})
	}
	routeIDs := map[string]string{}
	for id, r := range s.resources("stateless", "AWS::ApiGatewayV2::Route") {
		rp := s.props(t, r)
		routeIDs[rp["RouteKey"].(string)] = id
		if rp["RouteKey"] == deploy.RouteIngest { // no authorizer, its own function (ingest_test.go)
			continue
		}
		same(t, fmt.Sprint(rp["RouteKey"]), rp, map[string]any{
			"ApiId":             "Api.Id",
			"RouteKey":          rp["RouteKey"],
			"AuthorizationType": "JWT",
			"AuthorizerId":      map[string]any{"Ref": authID},
			"Target":            map[string]any{"Fn::Join": []any{"", []any{"integrations/", map[string]any{"Ref": integrationID}}}},
		})
	}

	stages := s.resources("stateless", "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	routeSettings := map[string]any{}
	for _, r := range deploy.Routes {
		routeSettings[r.Key()] = map[string]any{"ThrottlingRateLimit": r.RateLimit, "ThrottlingBurstLimit": r.BurstLimit}
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
			"RouteSettings":     routeSettings,
			"AccessLogSettings": map[string]any{"DestinationArn": "ApiAccessLogs.Arn", "Format": stacks.AccessLogFormat},
			"Tags":              map[string]any{"project": "trainstatus", "stage": "dev"},
		})
		// Route settings name routes by key: the stage must come after them.
		deps, _ := st["DependsOn"].([]any)
		for key, id := range routeIDs {
			if !slices.Contains(deps, any(id)) {
				t.Errorf("stage does not depend on route %s (%s): %v", key, id, deps)
			}
		}
	}
	if !strings.Contains(stacks.AccessLogFormat, "$context.requestId") {
		t.Error("access log format lacks $context.requestId")
	}
}

// TestAlarms: dead letters, age of the oldest event, the API's 5xx, errors, throttles and ERROR
// log lines of each function, the notifier's stream lag and failures; no actions without an
// alarm topic.
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
	type dim struct{ name, value string }
	alarm := func(alarmName, namespace, metric, stat string, period int, threshold float64, dims ...dim) (string, map[string]any) {
		a := map[string]any{
			"AlarmName": name("dev", alarmName), "Namespace": namespace, "MetricName": metric,
			"Statistic": stat, "Period": period, "Threshold": threshold, "EvaluationPeriods": 1,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
			"Tags": tags("dev"),
		}
		if len(dims) > 0 {
			var ds []any
			for _, d := range dims {
				ds = append(ds, map[string]any{"Name": d.name, "Value": d.value})
			}
			a["Dimensions"] = ds
		}
		return name("dev", alarmName), a
	}
	want := map[string]any{}
	add := func(k string, v map[string]any) { want[k] = v }
	add(alarm("dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 60, 1, dim{"QueueName", "DeadLetterQueue.Name"}))
	add(alarm("oldest-event", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 60, 300, dim{"QueueName", "EventsQueue.Name"}))
	add(alarm("api-5xx", "AWS/ApiGateway", "5xx", "Sum", 300, 1, dim{"ApiId", "Api.Id"}, dim{"Stage", "$default"}))
	for _, f := range deploy.Functions {
		fn := f.Name
		add(alarm(fn+"-errors", "AWS/Lambda", "Errors", "Sum", 300, 1, dim{"FunctionName", fn + ".Name"}))
		add(alarm(fn+"-throttles", "AWS/Lambda", "Throttles", "Sum", 300, 1, dim{"FunctionName", fn + ".Name"}))
		add(alarm(fn+"-error-logs", "trainstatus/dev", stacks.ErrorLinesMetric(fn), "Sum", 300, 1))
	}
	ingestName := name("dev", deploy.Ingest)
	add(alarm("ingest-retry", "trainstatus", deploy.IngestMetricRetry, "Sum", 300, 1, dim{"FunctionName", ingestName}))
	add(alarm("ingest-5xx", "trainstatus", deploy.IngestMetricErrors, "Sum", 300, 1, dim{"FunctionName", ingestName}))
	add(alarm("ingest-rate-limited", "trainstatus", deploy.IngestMetricRateLimited, "Sum", 300, 100, dim{"FunctionName", ingestName}))
	add(alarm("notifier-iterator-age", "AWS/Lambda", "IteratorAge", "Maximum", 60, 300000, dim{"FunctionName", "status-notifier.Name"}))
	add(alarm("notifier-failures", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 60, 1, dim{"QueueName", "NotifierFailureQueue.Name"}))
	add(alarm("notifier-refused", "trainstatus", "refused", "Sum", 300, 1, dim{"FunctionName", "status-notifier.Name"}))
	same(t, "alarms", got, want)

	// The ERROR lines are counted by a metric filter on each function's log group.
	filters := map[string]any{}
	for _, stack := range []string{"stateful", "stateless"} {
		for _, r := range s.resources(stack, "AWS::Logs::MetricFilter") {
			p := s.props(t, r)
			filters[fmt.Sprint(p["LogGroupName"])] = p
		}
	}
	wantFilters := map[string]any{}
	for _, f := range deploy.Functions {
		wantFilters[f.Name+".Logs.Name"] = map[string]any{
			"LogGroupName":  f.Name + ".Logs.Name",
			"FilterPattern": `{ $.level = "ERROR" }`,
			"MetricTransformations": []any{map[string]any{
				"MetricNamespace": "trainstatus/dev", "MetricName": stacks.ErrorLinesMetric(f.Name), "MetricValue": "1",
			}},
		}
	}
	same(t, "error line filters", filters, wantFilters)
}

// TestOutputs: what operators, tools and the page need after a deploy.
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
		"StatusTableName":         "StatusTable.Name",
		"UserTableName":           "UserTable.Name",
		"EventsQueueUrl":          "EventsQueue.Url",
		"DeadLetterQueueUrl":      "DeadLetterQueue.Url",
		"NotifierFailureQueueUrl": "NotifierFailureQueue.Url",
		"CursorSecretArn":         "CursorSecret.Arn",
		"CursorSecretPreviousArn": "CursorSecretPrevious.Arn",
		"UserPoolId":              "UserPool.Id",
		"UserPoolClientId":        "AppClient.Id",
		"UserSignupFunctionArn":   "user-signup.Arn",
	})
	same(t, "stateless outputs", outputs("stateless"), map[string]any{
		"ApiUrl":  "https://Api.Id.execute-api.${AWS::Region}.${AWS::URLSuffix}/",
		"PageUrl": "https://Web.Distribution.Domain",
	})
}

// TestCursorSecret: both keys (current and previous) are generated by Secrets Manager, long
// enough, and reach status-query only as dynamic references.
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
	if len(secrets) != 2 {
		t.Errorf("%d secrets, want 2 (current and previous cursor key)", len(secrets))
	}
	_, q := s.function(t, "dev", deploy.StatusQuery)
	vars := q["Environment"].(map[string]any)["Variables"].(map[string]any)
	same(t, "cursor keys", []any{vars[deploy.CursorSecretVar.Name], vars[deploy.CursorSecretPreviousVar.Name]}, []any{
		"{{resolve:secretsmanager:CursorSecret.Arn:SecretString:::}}",
		"{{resolve:secretsmanager:CursorSecretPrevious.Arn:SecretString:::}}",
	})
}

// TestSettingsVariant: a throw-away stage with every setting given: an existing pool, an alarm
// topic, CORS origins, event source and throttling numbers, the functions' settings, the
// notifier's domain identity, sandbox recipients and page URL, DESTROY everywhere.
func TestSettingsVariant(t *testing.T) {
	const topic = "arn:aws:sns:eu-west-1:123456789012:alarms"
	s := synth(t, map[string]any{
		stacks.CtxStage:                     "qa",
		stacks.CtxRemovalPolicy:             "destroy",
		stacks.CtxUserPoolID:                "eu-west-1_AbC123",
		stacks.CtxAlarmTopicARN:             topic,
		stacks.CtxCORSOrigins:               "https://app.example.com, http://localhost:5173",
		stacks.CtxBatchSize:                 "50",
		stacks.CtxMaxBatchingWindowSecs:     "5",
		stacks.CtxEventSourceMaxConcurrency: 3.0,
		stacks.CtxThrottleRate:              "20",
		stacks.CtxThrottleBurst:             "40",
		stacks.CtxLogLevel:                  "debug",
		stacks.CtxRequestConcurrency:        4.0,
		stacks.CtxStallWindow:               "30m",
		stacks.CtxTokenCacheTTL:             "10s",
		stacks.CtxIngestRateLimit:           "1200",
		stacks.CtxIngestRateWindow:          "30s",
		stacks.CtxCursorKeyRevision:         "2",
		stacks.CtxNotificationSender:        "jobs@mail.example.org",
		stacks.CtxNotificationIdentity:      "mail.example.org",
		stacks.CtxSESSandboxRecipients:      []any{"alice@example.com", "bob@example.com"},
		stacks.CtxTrackerURL:                "https://status.example.org/",
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
	for _, r := range s.resources("stateless", "Custom::CDKBucketDeployment") {
		same(t, "page files deleted with the stage", s.props(t, r)["RetainOnDelete"], false)
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
		"AllowOrigins":  []string{"https://app.example.com", "http://localhost:5173"},
		"AllowMethods":  []string{"GET", "PUT", "POST", "DELETE", "OPTIONS"},
		"AllowHeaders":  []string{"Authorization", "Content-Type", "If-None-Match"},
		"ExposeHeaders": []string{"ETag"},
		"MaxAge":        3600,
	})
	for _, r := range s.resources("stateless", "AWS::Lambda::EventSourceMapping") {
		p := s.props(t, r)
		if p["EventSourceArn"] != "EventsQueue.Arn" {
			continue
		}
		same(t, "event source settings", []any{p["BatchSize"], p["MaximumBatchingWindowInSeconds"], p["ScalingConfig"]},
			[]any{50, 5, map[string]any{"MaximumConcurrency": 3}})
	}
	_, q := s.only(t, "stateful", "AWS::SQS::Queue", "QueueName", name("qa", deploy.EventsQueue))
	same(t, "visibility timeout with a 5 s window", s.props(t, q)["VisibilityTimeout"], 6*deploy.StatusUpdaterFunction.Timeout.Seconds()+5)
	for _, st := range s.resources("stateless", "AWS::ApiGatewayV2::Stage") {
		sp := s.props(t, st)
		same(t, "throttling", sp["DefaultRouteSettings"], map[string]any{"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40})
		// No route above the lowered stage.
		same(t, "route throttling under the stage's", sp["RouteSettings"], map[string]any{
			deploy.RouteListStatus:     map[string]any{"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40},
			deploy.RouteGetStatus:      map[string]any{"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40},
			deploy.RouteGetPreferences: map[string]any{"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20},
			deploy.RoutePutPreferences: map[string]any{"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10},
			deploy.RouteGetAlerts:      map[string]any{"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20},
			deploy.RoutePutAlerts:      map[string]any{"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10},
			deploy.RouteTestAlerts:     map[string]any{"ThrottlingRateLimit": 2, "ThrottlingBurstLimit": 5},
			deploy.RouteListTokens:     map[string]any{"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20},
			deploy.RouteCreateToken:    map[string]any{"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10},
			deploy.RouteDeleteToken:    map[string]any{"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10},
			deploy.RouteIngest:         map[string]any{"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40},
		})
	}
	// Every setting variable takes its override, in every function that reads it.
	overrides := map[string]string{deploy.LogLevelVar.Name: "debug", deploy.RequestConcurrencyVar.Name: "4", deploy.StallWindowVar.Name: "30m",
		deploy.TokenCacheTTLVar.Name: "10s", deploy.IngestRateLimitVar.Name: "1200", deploy.IngestRateWindowVar.Name: "30s"}
	for _, f := range deploy.Functions {
		_, p := s.function(t, "qa", f.Name)
		vars := p["Environment"].(map[string]any)["Variables"].(map[string]any)
		for _, v := range f.Env {
			if v.IsSetting() {
				same(t, f.Name+" "+v.Name, vars[v.Name], overrides[v.Name])
			}
		}
	}
	_, fn := s.function(t, "qa", deploy.StatusQuery)
	if d := fn["Description"].(string); !strings.HasSuffix(d, "(cursor key revision 2)") {
		t.Errorf("status-query description %q does not carry the cursor key revision", d)
	}
	_, n := s.function(t, "qa", deploy.StatusNotifier)
	vars := n["Environment"].(map[string]any)["Variables"].(map[string]any)
	same(t, "notifier sender and page", []any{vars[deploy.NotificationSenderVar.Name], vars[deploy.TrackerURLVar.Name]},
		[]any{"jobs@mail.example.org", "https://status.example.org"})
	ses := "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
	var sesStatement any
	for _, r := range s.resources("stateless", "AWS::IAM::Role") {
		pols, _ := r["Properties"].(map[string]any)["Policies"].([]any)
		for _, pol := range pols {
			for _, st := range s.norm(t, pol).(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				if st.(map[string]any)["Action"] == "ses:SendEmail" {
					sesStatement = st
				}
			}
		}
	}
	same(t, "SES statement: the domain identity and the sandbox recipients", sesStatement, map[string]any{
		"Effect": "Allow", "Action": "ses:SendEmail",
		"Resource": []string{ses + "mail.example.org", ses + "alice@example.com", ses + "bob@example.com"},
	})
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
		{map[string]any{stacks.CtxCORSOrigins: "http://localhost.evil.example"}, "context corsOrigins"},
		{map[string]any{stacks.CtxBatchSize: "20", stacks.CtxMaxBatchingWindowSecs: "0"}, "batching window"},
		{map[string]any{stacks.CtxEventSourceMaxConcurrency: "1"}, "outside 2..1000"},
		{map[string]any{"maxConcurrency": "10"}, "renamed eventSourceMaxConcurrency"},
		{map[string]any{stacks.CtxBatchSize: "ten"}, "whole number"},
		{map[string]any{stacks.CtxLogLevel: "trace"}, "context logLevel (LOG_LEVEL)"},
		{map[string]any{stacks.CtxRequestConcurrency: "0"}, "context requestConcurrency (REQUEST_CONCURRENCY)"},
		{map[string]any{stacks.CtxStallWindow: "15"}, "context stallWindow (STALL_WINDOW)"},
		{map[string]any{stacks.CtxCursorKeyRevision: "two words"}, "context cursorKeyRevision"},
		{map[string]any{stacks.CtxNotificationSender: "not an address"}, "context notificationSender"},
		{map[string]any{stacks.CtxNotificationSender: "a@example.com", stacks.CtxNotificationIdentity: "example.org"}, "context notificationIdentity"},
		{map[string]any{stacks.CtxNotificationIdentity: "example.org"}, "without notificationSender"},
		{map[string]any{stacks.CtxSESSandboxRecipients: "Bob <bob@example.com>"}, "context sesSandboxRecipients"},
		{map[string]any{stacks.CtxTrackerURL: "http://status.example.org"}, "context trackerUrl"},
		{map[string]any{stacks.CtxReservedConcurrency: "yes"}, "context reservedConcurrency"},
		{map[string]any{stacks.CtxCognitoEmailFrom: "not an address"}, "context cognitoEmailFrom"},
		{map[string]any{stacks.CtxCognitoEmailFrom: "a@example.com", stacks.CtxCognitoEmailIdentity: "example.org"}, "context cognitoEmailIdentity"},
		{map[string]any{stacks.CtxCognitoEmailIdentity: "example.org"}, "without cognitoEmailFrom"},
		{map[string]any{stacks.CtxCognitoEmailFrom: "a@example.com", stacks.CtxCognitoSESRegion: "Ireland"}, "context cognitoSesRegion"},
		{map[string]any{stacks.CtxCognitoEmailFrom: "a@example.com", stacks.CtxUserPoolID: "eu-west-1_AbC123"}, "existing pool"},
		{map[string]any{stacks.CtxAssetDir: t.TempDir()}, "make build"},
		{map[string]any{stacks.CtxWebDir: filepath.Join(t.TempDir(), "missing")}, "web page missing"},
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
	app := newApp(t, map[string]any{stacks.CtxNotificationSender: sender})
	stacks.CheckWithNag(app)
	sys, err := stacks.New(app, nil)
	if err != nil {
		t.Fatal(err)
	}
	suppressed := map[string][]string{}
	tplResources := map[string]map[string]any{} // type -> logical id -> a suppressed rule
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
				if tplResources[typ] == nil {
					tplResources[typ] = map[string]any{}
				}
				tplResources[typ][id] = m["id"]
			}
		}
	}
	for _, v := range suppressed {
		slices.Sort(v)
	}
	same(t, "suppressions", suppressed, map[string][]string{
		"AWS::SecretsManager::Secret":   {"AwsSolutions-SMG4", "AwsSolutions-SMG4"},
		"AWS::Cognito::UserPool":        {"AwsSolutions-COG2", "AwsSolutions-COG8"},
		"AWS::SQS::Queue":               {"AwsSolutions-SQS3"},
		"AWS::ApiGatewayV2::Route":      {"AwsSolutions-APIG4"},
		"AWS::S3::Bucket":               {"AwsSolutions-S1"},
		"AWS::CloudFront::Distribution": {"AwsSolutions-CFR1", "AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4"},
		"AWS::Lambda::Function":         {"AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1"},
		"AWS::IAM::Role":                {"AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1"},
		"AWS::IAM::Policy":              {"AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1"},
	})
	// The deployment handler's suppressions are on the CDK's handler only.
	for _, typ := range []string{"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::IAM::Policy"} {
		for id, r := range tplResources[typ] {
			if !strings.HasPrefix(id, strings.ReplaceAll(stacks.DeploymentHandlerPrefix, ":", "")) {
				t.Errorf("%s %s has cdk-nag suppressions: only the CDK's bucket deployment handler may (%v)", typ, id, r)
			}
		}
	}
	if os.Getenv("INFRA_NAG_REPORT") != "" {
		t.Logf("reports in %s", *app.Outdir())
	}
}
