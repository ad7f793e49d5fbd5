package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// addStallSweep declares stall-sweep and the EventBridge rule that runs it on
// deploy.StallSweepSchedule. Its role may Query the open-jobs index, read the open jobs it lists
// (BatchGetItem) and update the status table (the conditional stall_alerted_for write), nothing
// else: no Scan.
// Its alarms (errors, ERROR lines, throttles) are addAlarms', like every function's.
func (s *Stateless) addStallSweep(settings Settings, state *Stateful, values map[deploy.Resource]*string) error {
	statusArn := *state.StatusTable.TableArn()
	var err error
	if s.StallSweep, err = newFunction(s.Stack, settings, functionSpec{
		Function: deploy.StallSweepFunction,
		Values:   values,
		Statements: []awsiam.PolicyStatement{
			allow([]string{"dynamodb:Query"}, statusArn+"/index/"+tables.IndexOpen),
			allow([]string{"dynamodb:BatchGetItem", "dynamodb:UpdateItem"}, statusArn),
		},
	}); err != nil {
		return err
	}
	sched := deploy.StallSweepSchedule
	if sched.Function != deploy.StallSweep || sched.Every.Minutes() < 1 || sched.Every%60e9 != 0 {
		return fmt.Errorf("schedule of %s: every %v; EventBridge rates are whole minutes", sched.Function, sched.Every)
	}
	s.StallSchedule = awsevents.NewRule(s.Stack, jsii.String("StallSweepSchedule"), &awsevents.RuleProps{
		RuleName:    jsii.String(settings.Name(deploy.StallSweep + "-schedule")),
		Description: jsii.String(fmt.Sprintf("runs %s every %v", deploy.StallSweep, sched.Every)),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(sched.Every.Minutes()))),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(s.StallSweep.Function, &awseventstargets.LambdaFunctionProps{
			// A missed sweep is made up by the next one a minute later: no retries of an old one.
			RetryAttempts: jsii.Number(0),
			MaxEventAge:   awscdk.Duration_Minutes(jsii.Number(1)),
		})},
	})
	return nil
}

// RefusedMetric is status-notifier's EMF count of alerts refused for good (an address the mail
// service rejects, a Slack or webhook URL refused or answering 4xx/404/410).
const RefusedMetric = "refused"

// refusedAlarm fires when status-notifier drops an alert for good (issue 22's review: a refusal
// is never silent): read its log lines with outcome "refused" for the reason.
func (s *Stateless) refusedAlarm(settings Settings, sum *awscloudwatch.MetricOptions, topic awssns.ITopic) awscloudwatch.Alarm {
	metric := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String(emf.Namespace), MetricName: jsii.String(RefusedMetric),
		DimensionsMap: &map[string]*string{"FunctionName": s.StatusNotifier.Function.FunctionName()},
		Period:        sum.Period, Statistic: sum.Statistic,
	})
	return alarm(s.Stack, "NotifierRefusedAlarm", settings.Name("notifier-refused"),
		"status-notifier refused an alert for good (a rejected address, a refused or failing Slack or webhook URL): its log lines with outcome refused say why.",
		metric, 1, topic)
}
