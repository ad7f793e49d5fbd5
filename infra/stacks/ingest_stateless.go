package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// newIngest declares the ingest function with exactly what it does: read a token and write its
// last_used_at, add to a rate window, send to the events queue. Its role has the name the
// queue's policy lets send.
func newIngest(s *Stateless, settings Settings, state *Stateful, values map[deploy.Resource]*string) (*Function, error) {
	return newFunction(s.Stack, settings, functionSpec{
		Function: deploy.IngestFunction,
		Values:   values,
		RoleName: IngestRoleName(settings),
		Statements: []awsiam.PolicyStatement{
			allow([]string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, *state.TokensTable.TableArn()),
			allow([]string{"dynamodb:UpdateItem"}, *state.RateLimitTable.TableArn()),
			allow([]string{"sqs:SendMessage"}, *state.Events.QueueArn()),
		},
	})
}

// tokenStatements are status-query's rights on the reporting tokens: list by owner, create and
// revoke (TransactWriteItems is authorized as its PutItem, DeleteItem and UpdateItem: the last on
// the user record's token count, already granted for the preferences).
func tokenStatements(state *Stateful) []awsiam.PolicyStatement {
	arn := *state.TokensTable.TableArn()
	return []awsiam.PolicyStatement{
		allow([]string{"dynamodb:Query"}, arn+"/index/"+tables.IndexByOwner),
		allow([]string{"dynamodb:PutItem", "dynamodb:DeleteItem"}, arn),
	}
}

// ingestAlarms: events not enqueued (answered "retry"), 500s, and floods refused with 429.
func ingestAlarms(s *Stateless, settings Settings, topic awssns.ITopic) []awscloudwatch.Alarm {
	sum := func(name string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(emf.Namespace), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"FunctionName": jsii.String(settings.Name(deploy.Ingest))},
			Period:        awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum"),
		})
	}
	return []awscloudwatch.Alarm{
		alarm(s.Stack, "IngestRetryAlarm", settings.Name("ingest-retry"),
			"The ingest endpoint could not enqueue events (answered 503, clients resend): SQS failing or throttling.",
			sum(deploy.IngestMetricRetry), 1, topic),
		alarm(s.Stack, "Ingest5xxAlarm", settings.Name("ingest-5xx"),
			"The ingest endpoint answered 500: DynamoDB failing, permissions, or a bug; read its log group.",
			sum(deploy.IngestMetricErrors), 1, topic),
		alarm(s.Stack, "IngestRateLimitedAlarm", settings.Name("ingest-rate-limited"),
			"Many ingest requests were refused by the per-user limit (429): a runaway reporter, or a limit too low.",
			sum(deploy.IngestMetricRateLimited), 100, topic),
	}
}

// suppressNoAuthorizer records why the ingest route has no API Gateway authorizer.
func suppressNoAuthorizer(route awsapigatewayv2.HttpRoute) {
	cdknag.NagSuppressions_AddResourceSuppressions(route.Node().DefaultChild(), &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-APIG4"),
		Reason: jsii.String("POST /v1/events is authorized by the ingest function itself: a reporting token (tsk_..., " +
			"160 random bits, stored as its SHA-256) looked up in the tokens table, with one 401 for a missing, unknown " +
			"or revoked token; a JWT authorizer cannot check it and a Lambda authorizer would add a second invocation per request."),
	}}, jsii.Bool(false))
}
