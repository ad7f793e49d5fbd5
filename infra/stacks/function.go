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
}

// functionSpec is what differs between the functions.
type functionSpec struct {
	deploy.Function
	Description string
	Environment map[string]string
	// Statements are the function's permissions besides writing its own logs.
	Statements []awsiam.PolicyStatement
}

// PolicyName is the name of the one inline policy of every function role.
const PolicyName = "least-privilege"

// allow writes a statement with explicit actions and resources (never a wildcard).
func allow(actions []string, resources ...string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Effect:    awsiam.Effect_ALLOW,
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(resources...),
	})
}

// newFunction declares a function from its asset (provided.al2023, arm64, handler bootstrap)
// with its own log group and a role that holds exactly the given statements plus the right to
// write to that log group. No managed policy: AWSLambdaBasicExecutionRole would allow writing to
// every log group of the account.
func newFunction(scope constructs.Construct, settings Settings, spec functionSpec) *Function {
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
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("%s: %s", settings.Name(spec.Name), spec.Description)),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			PolicyName: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements}),
		},
	})
	env := map[string]*string{}
	for k, v := range spec.Environment {
		env[k] = jsii.String(v)
	}
	fn := awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		FunctionName: jsii.String(settings.Name(spec.Name)),
		Description:  jsii.String(spec.Description),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(settings.AssetPath(spec.Name)), nil),
		MemorySize:   jsii.Number(float64(spec.MemoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(spec.Timeout.Seconds())),
		Environment:  &env,
		Role:         role,
		LogGroup:     logGroup,
	})
	return &Function{Name: spec.Name, Function: fn, Role: role, LogGroup: logGroup}
}

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
