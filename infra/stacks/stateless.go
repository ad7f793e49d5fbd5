package stacks

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
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
// and its event source, status-query behind the HTTP API, status-notifier and its stream event
// source, the tracker page (bucket and CloudFront distribution, see Web) and the alarms. Its log
// groups and the page's bucket follow the removal policy of the deployment (kept unless it is a
// throw-away one).
type Stateless struct {
	awscdk.Stack
	StatusUpdater *Function
	StatusQuery   *Function
	// Ingest answers POST /v1/events (reporting tokens; ingest_stateless.go).
	Ingest *Function
	// StatusNotifier and StreamSource are nil when the deployment has no notification sender.
	StatusNotifier *Function
	EventSource    awslambda.EventSourceMapping
	// StallSweep runs on StallSchedule (issue 22).
	StallSweep    *Function
	StallSchedule awsevents.Rule
	StreamSource  awslambda.CfnEventSourceMapping
	API           awsapigatewayv2.HttpApi
	// Routes are the API's routes by route key ("GET /status").
	Routes     map[string]awsapigatewayv2.HttpRoute
	Stage      awsapigatewayv2.HttpStage
	AccessLogs awslogs.LogGroup
	Web        *Web
	Alarms     []awscloudwatch.Alarm
}

// NewStateless declares the stateless stack on top of the stateful one.
func NewStateless(scope constructs.Construct, id string, settings Settings, state *Stateful, props *awscdk.StackProps) (*Stateless, error) {
	if props == nil {
		props = &awscdk.StackProps{}
	}
	p := *props
	if p.Description == nil {
		p.Description = jsii.String("trainstatus " + settings.Stage + ": functions, event sources, HTTP API, tracker page, alarms (stateless)")
	}
	s := &Stateless{Stack: awscdk.NewStack(scope, jsii.String(id), &p), Routes: map[string]awsapigatewayv2.HttpRoute{}}
	s.AddStackDependency(state.Stack, jsii.String("functions use the tables, queues, pool and cursor keys"))

	// The API first (its routes come once the functions exist), then the page in front of it,
	// whose URL status-notifier links to.
	s.API = newAPI(s.Stack, settings, state)
	s.Web = newWeb(s.Stack, settings, state, s.API)
	values := resourceValues(settings, state, s.Web.URL)

	statusArn := *state.StatusTable.TableArn()
	userArn := *state.UserTable.TableArn()
	var err error
	if s.StatusUpdater, err = newFunction(s.Stack, settings, functionSpec{
		Function: deploy.StatusUpdaterFunction,
		Values:   values,
		Statements: []awsiam.PolicyStatement{
			allow([]string{"dynamodb:UpdateItem"}, statusArn),
			allow([]string{"sqs:SendMessage"}, *state.DeadLetters.QueueArn()),
			// What the SQS event source mapping uses, on the events queue only. Not
			// sqs:ChangeMessageVisibility: the poller does not change visibility (a failed
			// message waits out the queue's visibility timeout), nor sqs:GetQueueUrl.
			allow([]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, *state.Events.QueueArn()),
		},
	}); err != nil {
		return nil, err
	}
	esm := &awslambda.EventSourceMappingProps{
		Target:                  s.StatusUpdater.Function,
		EventSourceArn:          state.Events.QueueArn(),
		BatchSize:               jsii.Number(float64(settings.BatchSize)),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxConcurrency:          jsii.Number(float64(settings.EventSourceMaxConcurrency)),
	}
	if settings.MaxBatchingWindow > 0 {
		esm.MaxBatchingWindow = seconds(settings.MaxBatchingWindow.Seconds())
	}
	s.EventSource = awslambda.NewEventSourceMapping(s.Stack, jsii.String("EventsSource"), esm)
	// The mapping is checked against the role when it is created: create it after the role.
	s.EventSource.Node().AddDependency(s.StatusUpdater.Role)

	if s.StatusQuery, err = newFunction(s.Stack, settings, functionSpec{
		Function:          deploy.StatusQueryFunction,
		DescriptionSuffix: " (cursor key revision " + settings.CursorKeyRevision + ")",
		Values:            values,
		Statements: append([]awsiam.PolicyStatement{
			allow([]string{"dynamodb:GetItem"}, statusArn),
			allow([]string{"dynamodb:Query"}, statusArn+"/index/"+tables.IndexByStarted),
			// GET and PUT /me/preferences: the caller's own user record.
			allow([]string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, userArn),
		}, tokenStatements(state)...),
	}); err != nil {
		return nil, err
	}

	if settings.Notifies() {
		if err := s.addNotifier(settings, state, values); err != nil {
			return nil, err
		}
	}

	if err := s.addStallSweep(settings, state, values); err != nil {
		return nil, err
	}
	if s.Ingest, err = newIngest(s, settings, state, values); err != nil {
		return nil, err
	}

	functions := map[string]*Function{deploy.StatusQuery: s.StatusQuery, deploy.StatusUpdater: s.StatusUpdater, deploy.Ingest: s.Ingest}
	if err := s.addRoutes(settings, functions); err != nil {
		return nil, err
	}
	s.addAlarms(settings, state)

	output(s.Stack, "ApiUrl", s.Stage.Url(), "HTTP API (JWT of the user pool client); also served under PageUrl")
	output(s.Stack, "PageUrl", s.Web.URL, "the tracker page (and the API under /status and /me)")
	return s, nil
}

// newAPI declares the HTTP API with its JWT authorizer and optional CORS; routes and stage come
// later (addRoutes).
func newAPI(scope constructs.Construct, settings Settings, state *Stateful) awsapigatewayv2.HttpApi {
	var cors *awsapigatewayv2.CorsPreflightOptions
	if len(settings.CORSOrigins) > 0 {
		// For pages served from other origins (a developer's localhost): the tracker page itself
		// shares the API's origin through CloudFront and needs none of this.
		cors = &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins: jsii.Strings(settings.CORSOrigins...),
			AllowMethods: &[]awsapigatewayv2.CorsHttpMethod{
				awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_PUT, awsapigatewayv2.CorsHttpMethod_POST,
				awsapigatewayv2.CorsHttpMethod_DELETE, awsapigatewayv2.CorsHttpMethod_OPTIONS,
			},
			// If-None-Match and ETag: a page polling with ETags must send the one and read the other.
			AllowHeaders:  jsii.Strings("Authorization", "Content-Type", "If-None-Match"),
			ExposeHeaders: jsii.Strings("ETag"),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		}
	}
	return awsapigatewayv2.NewHttpApi(scope, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		ApiName:       jsii.String(settings.Name("api")),
		Description:   jsii.String("trainstatus " + settings.Stage + ": job status for signed-in users"),
		CorsPreflight: cors,
		DefaultAuthorizer: awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String("UserPoolAuthorizer"), state.UserPool,
			&awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{
				UserPoolClients: &[]awscognito.IUserPoolClient{state.UserPoolClient},
			}),
		// The stage is declared with the routes, with throttling and access logs.
		CreateDefaultStage: jsii.Bool(false),
	})
}

// addRoutes declares every route of package deploy on its function, and the stage with the
// stage-wide and per-route throttling and the access logs.
func (s *Stateless) addRoutes(settings Settings, functions map[string]*Function) error {
	integrations := map[string]awsapigatewayv2.HttpRouteIntegration{}
	routeSettings := map[string]any{}
	for _, route := range deploy.Routes {
		f, ok := functions[route.Function]
		if !ok {
			return fmt.Errorf("route %s: function %s is not in the stateless stack", route.Key(), route.Function)
		}
		integration, ok := integrations[route.Function]
		if !ok {
			integration = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(constructID(route.Function)), f.Function, nil)
			integrations[route.Function] = integration
		}
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(route.Path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(route.Method)},
			Integration: integration,
		}
		if route.Auth == deploy.AuthFunction {
			// No authorizer: the function checks the request's own token (the reporting token).
			opts.Authorizer = awsapigatewayv2.NewHttpNoneAuthorizer()
		}
		routes := s.API.AddRoutes(opts)
		if route.Auth == deploy.AuthFunction {
			suppressNoAuthorizer((*routes)[0])
		}
		s.Routes[route.Key()] = (*routes)[0]
		rate, burst := RouteThrottle(route, settings)
		routeSettings[route.Key()] = map[string]any{"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}
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
	stage := s.Stage.Node().DefaultChild().(awsapigatewayv2.CfnStage)
	// Access logs through the L1 stage: HTTP APIs write them with their service-linked role.
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: s.AccessLogs.LogGroupArn(),
		Format:         jsii.String(AccessLogFormat),
	})
	// Per-route throttling: one route flooded (by one busy user or a script) cannot use up the
	// others' share of the stage. Route settings name routes by key, so the routes must exist
	// before the stage refers to them.
	stage.SetRouteSettings(routeSettings)
	for _, r := range s.Routes {
		s.Stage.Node().AddDependency(r)
	}
	return nil
}

// RouteThrottle is a route's throttling in a deployment: its own limits from package deploy,
// never above the stage's (so lowering throttleRate/throttleBurst lowers every route).
func RouteThrottle(r deploy.Route, settings Settings) (rate float64, burst int) {
	return min(r.RateLimit, float64(settings.ThrottleRate)), min(r.BurstLimit, settings.ThrottleBurst)
}

// addNotifier declares status-notifier and its stream event source.
func (s *Stateless) addNotifier(settings Settings, state *Stateful, values map[deploy.Resource]*string) error {
	streamArn := *state.StatusTable.TableStreamArn()
	identities := []string{SESIdentityARN(settings.NotificationIdentity)}
	for _, r := range settings.SESSandboxRecipients {
		identities = append(identities, SESIdentityARN(r))
	}
	var err error
	if s.StatusNotifier, err = newFunction(s.Stack, settings, functionSpec{
		Function: deploy.StatusNotifierFunction,
		Values:   values,
		Statements: []awsiam.PolicyStatement{
			// What the stream event source mapping uses (Lambda checks all four when the mapping
			// is created), on the status table's stream only.
			allow([]string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}, streamArn),
			allow([]string{"dynamodb:GetItem"}, *state.UserTable.TableArn()),
			// The notified_at mark. IAM has no condition key for "this write is conditional", and
			// a dynamodb:Attributes list would have to name exactly what the handler's update and
			// condition expressions name: a coupling no test here can check (DynamoDB Local does
			// not evaluate IAM), which would fail in AWS only, as AccessDenied on every email.
			allow([]string{"dynamodb:UpdateItem"}, *state.StatusTable.TableArn()),
			// As the sender's identity only (and, in the SES sandbox, to the verified recipients,
			// whose identities SES then also authorizes).
			allow([]string{"ses:SendEmail"}, identities...),
			// The event source's on-failure destination is written with the function's role.
			allow([]string{"sqs:SendMessage"}, *state.NotifierFailures.QueueArn()),
		},
	}); err != nil {
		return err
	}
	src := deploy.NotifierSource
	if src.FailureQueue != deploy.NotifierFailureQueue {
		return fmt.Errorf("stream source of %s: failure queue %s is not the stateful stack's %s", src.Function, src.FailureQueue, deploy.NotifierFailureQueue)
	}
	filters := make([]any, len(src.Filters))
	for i, f := range src.Filters {
		filters[i] = &awslambda.CfnEventSourceMapping_FilterProperty{Pattern: jsii.String(f)}
	}
	s.StreamSource = awslambda.NewCfnEventSourceMapping(s.Stack, jsii.String("StreamSource"), &awslambda.CfnEventSourceMappingProps{
		FunctionName:                   s.StatusNotifier.Function.FunctionName(),
		EventSourceArn:                 jsii.String(streamArn),
		StartingPosition:               jsii.String(src.StartingPosition),
		BatchSize:                      jsii.Number(float64(src.BatchSize)),
		MaximumBatchingWindowInSeconds: jsii.Number(src.BatchingWindow.Seconds()),
		FilterCriteria:                 &awslambda.CfnEventSourceMapping_FilterCriteriaProperty{Filters: &filters},
		BisectBatchOnFunctionError:     jsii.Bool(src.BisectOnError),
		MaximumRetryAttempts:           jsii.Number(float64(src.MaxRetryAttempts)),
		MaximumRecordAgeInSeconds:      jsii.Number(src.MaxRecordAge.Seconds()),
		FunctionResponseTypes:          jsii.Strings("ReportBatchItemFailures"),
		DestinationConfig: &awslambda.CfnEventSourceMapping_DestinationConfigProperty{
			OnFailure: &awslambda.CfnEventSourceMapping_OnFailureProperty{Destination: state.NotifierFailures.QueueArn()},
		},
	})
	s.StreamSource.Node().AddDependency(s.StatusNotifier.Role)
	return nil
}

// SESIdentityARN is the ARN of an SES identity (an address or a domain) in the stack's account
// and region.
func SESIdentityARN(identity string) string {
	return "arn:" + *awscdk.Aws_PARTITION() + ":ses:" + *awscdk.Aws_REGION() + ":" + *awscdk.Aws_ACCOUNT_ID() + ":identity/" + identity
}

// addAlarms declares the alarms, all notifying the alarm topic when there is one.
func (s *Stateless) addAlarms(settings Settings, state *Stateful) {
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
		// status-query answers a failure with a JSON 500 and no Lambda error: only the API sees it.
		alarm(s.Stack, "Api5xxAlarm", settings.Name("api-5xx"),
			"The HTTP API answered with a 5xx: status-query failed (DynamoDB, permissions, timeout) or is throttled.",
			s.Stage.MetricServerError(sum), 1, topic),
	)
	s.Alarms = append(s.Alarms, ingestAlarms(s, settings, topic)...)
	functions := []*Function{s.StatusUpdater, state.UserSignup, s.StatusQuery, s.Ingest, s.StallSweep}
	if s.StatusNotifier != nil {
		functions = append(functions, s.StatusNotifier)
	}
	for _, f := range functions {
		id := constructID(f.Name)
		s.Alarms = append(s.Alarms,
			alarm(s.Stack, id+"ErrorsAlarm", settings.Name(f.Name+"-errors"),
				"The function "+f.Name+" failed (an error or a timeout).", f.Function.MetricErrors(sum), 1, topic),
			alarm(s.Stack, id+"ThrottlesAlarm", settings.Name(f.Name+"-throttles"),
				"The function "+f.Name+" was throttled.", f.Function.MetricThrottles(sum), 1, topic),
			// A function that handles a failure (and returns no error) still logs it at ERROR.
			alarm(s.Stack, id+"ErrorLinesAlarm", settings.Name(f.Name+"-error-logs"),
				"The function "+f.Name+" logged an ERROR line: read its log group.", f.ErrorLines.Metric(sum), 1, topic),
		)
	}
	if s.StatusNotifier != nil {
		s.Alarms = append(s.Alarms,
			alarm(s.Stack, "StreamIteratorAgeAlarm", settings.Name("notifier-iterator-age"),
				fmt.Sprintf("status-notifier is %s or more behind the status table's stream: it is failing, throttled or too slow (emails are late).", settings.OldestMessageAlarm),
				s.StatusNotifier.Function.Metric(jsii.String("IteratorAge"), max), float64(settings.OldestMessageAlarm.Milliseconds()), topic),
			alarm(s.Stack, "NotifierFailuresAlarm", settings.Name("notifier-failures"),
				"Stream records status-notifier gave up on are in its failure queue: those jobs' owners were not e-mailed.",
				state.NotifierFailures.MetricApproximateNumberOfMessagesVisible(max), 1, topic),
			s.refusedAlarm(settings, sum, topic),
		)
	}
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
