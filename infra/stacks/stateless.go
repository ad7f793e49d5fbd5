package stacks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Stateless is everything that can be replaced at any time without losing data: status-updater
// and its event source, status-query behind the HTTP API, and the alarms. Its log groups follow
// the removal policy of the deployment (logs are kept unless it is a throw-away one).
type Stateless struct {
	awscdk.Stack
	StatusUpdater *Function
	StatusQuery   *Function
	EventSource   awslambda.EventSourceMapping
	API           awsapigatewayv2.HttpApi
	Stage         awsapigatewayv2.HttpStage
	AccessLogs    awslogs.LogGroup
	Alarms        []awscloudwatch.Alarm
}

// NewStateless declares the stateless stack on top of the stateful one.
func NewStateless(scope constructs.Construct, id string, settings Settings, state *Stateful, props *awscdk.StackProps) (*Stateless, error) {
	if props == nil {
		props = &awscdk.StackProps{}
	}
	p := *props
	if p.Description == nil {
		p.Description = jsii.String("trainstatus " + settings.Stage + ": functions, event source, HTTP API, alarms (stateless)")
	}
	s := &Stateless{Stack: awscdk.NewStack(scope, jsii.String(id), &p)}
	s.AddStackDependency(state.Stack, jsii.String("functions use the tables, queues, pool and cursor key"))

	statusArn := *state.StatusTable.TableArn()
	s.StatusUpdater = newFunction(s.Stack, settings, functionSpec{
		Function:    deploy.StatusUpdaterFunction,
		Description: "applies training events from the queue to the status table",
		Environment: map[string]string{
			tables.EnvStatusTable:        *state.StatusTable.TableName(),
			deploy.EnvDeadLetterQueueURL: *state.DeadLetters.QueueUrl(),
			deploy.EnvLogLevel:           settings.LogLevel,
		},
		Statements: []awsiam.PolicyStatement{
			allow([]string{"dynamodb:UpdateItem"}, statusArn),
			allow([]string{"sqs:SendMessage"}, *state.DeadLetters.QueueArn()),
			// What the event source mapping needs, on the events queue only (grantConsumeMessages
			// would add sqs:GetQueueUrl, which the poller does not use).
			allow([]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"},
				*state.Events.QueueArn()),
		},
	})
	esm := &awslambda.EventSourceMappingProps{
		Target:                  s.StatusUpdater.Function,
		EventSourceArn:          state.Events.QueueArn(),
		BatchSize:               jsii.Number(float64(settings.BatchSize)),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxConcurrency:          jsii.Number(float64(settings.MaxConcurrency)),
	}
	if settings.MaxBatchingWindow > 0 {
		esm.MaxBatchingWindow = seconds(settings.MaxBatchingWindow.Seconds())
	}
	s.EventSource = awslambda.NewEventSourceMapping(s.Stack, jsii.String("EventsSource"), esm)
	// The mapping is checked against the role when it is created: create it after the role.
	s.EventSource.Node().AddDependency(s.StatusUpdater.Role)

	s.StatusQuery = newFunction(s.Stack, settings, functionSpec{
		Function: deploy.StatusQueryFunction,
		Description: "answers GET /status and GET /status/{request_id} for the signed-in user (cursor key revision " +
			settings.CursorKeyRevision + ")",
		Environment: map[string]string{
			tables.EnvStatusTable: *state.StatusTable.TableName(),
			// A dynamic reference: CloudFormation reads the secret at deploy time, so the value is
			// never in the template or cdk.out (see infra/README.md for the trade-off).
			deploy.EnvCursorSecret: *state.CursorSecret.SecretValue().UnsafeUnwrap(),
			deploy.EnvLogLevel:     settings.LogLevel,
		},
		Statements: []awsiam.PolicyStatement{
			allow([]string{"dynamodb:GetItem"}, statusArn),
			allow([]string{"dynamodb:Query"}, statusArn+"/index/"+tables.IndexByUser),
		},
	})

	var cors *awsapigatewayv2.CorsPreflightOptions
	if len(settings.CORSOrigins) > 0 {
		cors = &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins: jsii.Strings(settings.CORSOrigins...),
			AllowMethods: &[]awsapigatewayv2.CorsHttpMethod{awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_OPTIONS},
			AllowHeaders: jsii.Strings("Authorization", "Content-Type"),
			MaxAge:       awscdk.Duration_Hours(jsii.Number(1)),
		}
	}
	s.API = awsapigatewayv2.NewHttpApi(s.Stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		ApiName:       jsii.String(settings.Name("api")),
		Description:   jsii.String("trainstatus " + settings.Stage + ": job status for signed-in users"),
		CorsPreflight: cors,
		DefaultAuthorizer: awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String("UserPoolAuthorizer"), state.UserPool,
			&awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{
				UserPoolClients: &[]awscognito.IUserPoolClient{state.UserPoolClient},
			}),
		// The stage is declared below, with throttling and access logs.
		CreateDefaultStage: jsii.Bool(false),
	})
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("StatusQuery"), s.StatusQuery.Function, nil)
	for _, route := range deploy.Routes {
		method, path, _ := strings.Cut(route, " ")
		s.API.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(method)},
			Integration: integration,
		})
	}
	s.AccessLogs = awslogs.NewLogGroup(s.Stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     retentionDays(),
		RemovalPolicy: settings.removalPolicy(),
	})
	s.Stage = awsapigatewayv2.NewHttpStage(s.Stack, jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    s.API,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(float64(settings.ThrottleRate)),
			BurstLimit: jsii.Number(float64(settings.ThrottleBurst)),
		},
	})
	// Access logs through the L1 stage: HTTP APIs write them with their service-linked role.
	s.Stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: s.AccessLogs.LogGroupArn(),
		Format:         jsii.String(AccessLogFormat),
	})

	var topic awssns.ITopic
	if settings.AlarmTopicARN != "" {
		topic = awssns.Topic_FromTopicArn(s.Stack, jsii.String("AlarmTopic"), jsii.String(settings.AlarmTopicARN))
	}
	minute := awscdk.Duration_Minutes(jsii.Number(1))
	fiveMinutes := awscdk.Duration_Minutes(jsii.Number(5))
	max := &awscloudwatch.MetricOptions{Period: minute, Statistic: jsii.String("Maximum")}
	sum := &awscloudwatch.MetricOptions{Period: fiveMinutes, Statistic: jsii.String("Sum")}
	s.Alarms = append(s.Alarms,
		alarm(s.Stack, "DeadLettersAlarm", settings.Name("dead-letters"),
			"Events are waiting in the dead-letter queue: inspect and redrive them with `trainstatus dlq`.",
			state.DeadLetters.MetricApproximateNumberOfMessagesVisible(max), 1, topic),
		alarm(s.Stack, "OldestEventAlarm", settings.Name("oldest-event"),
			fmt.Sprintf("An event has waited %s or more in the queue: status-updater is failing, throttled or too slow.", settings.OldestMessageAlarm),
			state.Events.MetricApproximateAgeOfOldestMessage(max), settings.OldestMessageAlarm.Seconds(), topic),
	)
	for _, f := range []*Function{s.StatusUpdater, state.UserSignup, s.StatusQuery} {
		id := constructID(f.Name)
		s.Alarms = append(s.Alarms,
			alarm(s.Stack, id+"ErrorsAlarm", settings.Name(f.Name+"-errors"),
				"The function "+f.Name+" failed (an error or a timeout).", f.Function.MetricErrors(sum), 1, topic),
			alarm(s.Stack, id+"ThrottlesAlarm", settings.Name(f.Name+"-throttles"),
				"The function "+f.Name+" was throttled.", f.Function.MetricThrottles(sum), 1, topic),
		)
	}

	output(s.Stack, "ApiUrl", s.Stage.Url(), "HTTP API (JWT of the user pool client)")
	return s, nil
}

// AccessLogFormat is the HTTP API's access log line: JSON with the request id, caller, route,
// status, latency and any authorizer or integration error.
var AccessLogFormat = func() string {
	fields := map[string]string{
		"requestId":         "$context.requestId",
		"ip":                "$context.identity.sourceIp",
		"requestTime":       "$context.requestTime",
		"httpMethod":        "$context.httpMethod",
		"routeKey":          "$context.routeKey",
		"path":              "$context.path",
		"status":            "$context.status",
		"protocol":          "$context.protocol",
		"responseLength":    "$context.responseLength",
		"latency":           "$context.responseLatency",
		"integrationError":  "$context.integrationErrorMessage",
		"authorizerError":   "$context.authorizer.error",
		"user":              "$context.authorizer.claims.sub",
		"integrationStatus": "$context.integrationStatus",
	}
	b, err := json.Marshal(fields) // keys sorted: a stable template
	if err != nil {
		panic(err)
	}
	return string(b)
}()
