package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Function is one of the system's Lambda functions with what was made for it.
type Function struct {
	Name     string // as in package deploy: "status-updater", ...
	Function awslambda.Function
	Role     awsiam.Role
	LogGroup awslogs.LogGroup
	// ErrorLines counts the function's ERROR log lines (a metric filter on its log group).
	ErrorLines awslogs.MetricFilter
}

// functionSpec is one function of package deploy with what its deployment adds.
type functionSpec struct {
	deploy.Function
	// DescriptionSuffix is appended to the description (status-query's cursor key revision).
	DescriptionSuffix string
	// Values are the resources available where the function is declared (resourceValues).
	Values map[deploy.Resource]*string
	// Statements are the function's permissions besides writing its own logs.
	Statements []awsiam.PolicyStatement
	// RoleName, when set, names the role (a role that another stack's policy names by ARN).
	RoleName *string
}

// PolicyName is the name of the one inline policy of every function role.
const PolicyName = "least-privilege"

// ErrorLinePattern matches the log lines the functions write at ERROR level: they log JSON
// through log/slog, whose level field is "level".
const ErrorLinePattern = `{ $.level = "ERROR" }`

// MetricNamespace is the CloudWatch namespace of the deployment's own metrics (the error log
// line counts).
func (s Settings) MetricNamespace() string { return "trainstatus/" + s.Stage }

// allow writes a statement with explicit actions and resources (never a wildcard).
func allow(actions []string, resources ...string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Effect:    awsiam.Effect_ALLOW,
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(resources...),
	})
}

// newFunction declares a function of package deploy (provided.al2023, arm64, handler bootstrap,
// its memory, timeout, reserved concurrency and environment) with its own log group, a metric
// filter counting its ERROR lines, and a role that holds exactly the given statements plus the
// right to write to that log group. No managed policy: AWSLambdaBasicExecutionRole would allow
// writing to every log group of the account.
func newFunction(scope constructs.Construct, settings Settings, spec functionSpec) (*Function, error) {
	env, err := environment(spec.Function, settings, spec.Values)
	if err != nil {
		return nil, err
	}
	id := constructID(spec.Name)
	c := constructs.NewConstruct(scope, jsii.String(id))
	logGroup := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     retentionDays(),
		RemovalPolicy: settings.removalPolicy(),
	})
	statements := append([]awsiam.PolicyStatement{
		// The log group's ARN attribute ends in ":*", which covers the group's log streams
		// (Lambda names them itself) and nothing else.
		allow([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, *logGroup.LogGroupArn()),
	}, spec.Statements...)
	description := spec.Description + spec.DescriptionSuffix
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		RoleName:    spec.RoleName,
		Description: jsii.String(fmt.Sprintf("%s: %s", settings.Name(spec.Name), spec.Description)),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			PolicyName: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements}),
		},
	})
	props := &awslambda.FunctionProps{
		FunctionName: jsii.String(settings.Name(spec.Name)),
		Description:  jsii.String(description),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(settings.AssetPath(spec.Name)), nil),
		MemorySize:   jsii.Number(float64(spec.MemoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(spec.Timeout.Seconds())),
		Environment:  &env,
		Role:         role,
		LogGroup:     logGroup,
	}
	if settings.ReservedConcurrency && spec.ReservedConcurrency > 0 {
		props.ReservedConcurrentExecutions = jsii.Number(float64(spec.ReservedConcurrency))
	}
	fn := awslambda.NewFunction(c, jsii.String("Function"), props)
	errorLines := awslogs.NewMetricFilter(c, jsii.String("ErrorLines"), &awslogs.MetricFilterProps{
		LogGroup:        logGroup,
		FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(ErrorLinePattern)),
		MetricNamespace: jsii.String(settings.MetricNamespace()),
		MetricName:      jsii.String(ErrorLinesMetric(spec.Name)),
		MetricValue:     jsii.String("1"),
	})
	return &Function{Name: spec.Name, Function: fn, Role: role, LogGroup: logGroup, ErrorLines: errorLines}, nil
}

// ErrorLinesMetric is the name of the metric counting a function's ERROR log lines.
func ErrorLinesMetric(function string) string { return function + "-error-log-lines" }

// constructID turns "status-updater" into "StatusUpdater".
func constructID(name string) string {
	b := []byte(name)
	out := make([]byte, 0, len(b))
	up := true
	for _, c := range b {
		if c == '-' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	return string(out)
}

func retentionDays() awslogs.RetentionDays {
	switch deploy.LogRetentionDays {
	case 7:
		return awslogs.RetentionDays_ONE_WEEK
	case 14:
		return awslogs.RetentionDays_TWO_WEEKS
	case 90:
		return awslogs.RetentionDays_THREE_MONTHS
	default:
		return awslogs.RetentionDays_ONE_MONTH
	}
}

// alarm declares an alarm that fires when metric reaches threshold in one period, and notifies
// topic when there is one. Missing data (no traffic) is not a breach.
func alarm(scope constructs.Construct, id, name, description string, metric awscloudwatch.IMetric, threshold float64, topic awssns.ITopic) awscloudwatch.Alarm {
	a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String(name),
		AlarmDescription:   jsii.String(description),
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	if topic != nil {
		action := awscloudwatchactions.NewSnsAction(topic)
		a.AddAlarmAction(action)
		a.AddOkAction(action)
	}
	return a
}
