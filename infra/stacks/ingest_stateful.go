package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// IngestRoleName is the ingest function's role name: fixed, because the events queue's policy
// (in this stack) names it, and the function (in the stateless stack, which depends on this one)
// cannot be referred to from here.
func IngestRoleName(settings Settings) *string {
	return jsii.String(settings.Name("ingest-") + *awscdk.Aws_REGION())
}

// EventsOperatorRoleName names the role operators assume to redrive dead letters into the events
// queue (`trainstatus dlq redrive`).
func EventsOperatorRoleName(settings Settings) *string {
	return jsii.String(settings.Name("events-operator-") + *awscdk.Aws_REGION())
}

// roleARN is the ARN of a role of this account named name.
func roleARN(name *string) string {
	return "arn:" + *awscdk.Aws_PARTITION() + ":iam::" + *awscdk.Aws_ACCOUNT_ID() + ":role/" + *name
}

// EventSenders are the principals the events queue lets send: the ingest function, the
// operators' role, and the deployment's listed roles (platform trainers). Anyone else is refused
// by an explicit deny, whatever their IAM policies allow.
func EventSenders(settings Settings) []string {
	return append([]string{roleARN(IngestRoleName(settings)), roleARN(EventsOperatorRoleName(settings))}, settings.EventSenderRoles...)
}

// addReporting declares the storage of issue 19 and closes the queue's door:
//   - the tokens table (tables.TokenSchema) and the rate-limit table (tables.RateWindowSchema);
//   - the operators' role: assumable by principals of this account that IAM allows to assume it,
//     with exactly what `trainstatus dlq list/redrive` does (read and delete the dead letters,
//     send to the events queue), so that an empty eventSenderRoles never locks them out;
//   - on the events queue, a statement denying sqs:SendMessage (which also governs
//     SendMessageBatch) to every principal but EventSenders: an explicit deny in a resource
//     policy beats any identity policy's allow, so a credential with sqs:* in the account can no
//     longer report as any user.
func (s *Stateful) addReporting(settings Settings) error {
	var err error
	if s.TokensTable, err = newTable(s.Stack, "TokensTable", tables.TokenSchema, settings.Name("tokens"), settings); err != nil {
		return err
	}
	if s.RateLimitTable, err = newTable(s.Stack, "RateLimitTable", tables.RateWindowSchema, settings.Name("rate-limits"), settings); err != nil {
		return err
	}
	redrive := []awsiam.PolicyStatement{
		allow([]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}, *s.DeadLetters.QueueArn()),
		allow([]string{"sqs:SendMessage", "sqs:GetQueueAttributes"}, *s.Events.QueueArn()),
	}
	s.EventsOperator = awsiam.NewRole(s.Stack, jsii.String("EventsOperatorRole"), &awsiam.RoleProps{
		RoleName:    EventsOperatorRoleName(settings),
		AssumedBy:   awsiam.NewAccountRootPrincipal(),
		Description: jsii.String(settings.Name("events-operator") + ": inspect the dead-letter queue and redrive it into the events queue (trainstatus dlq)"),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			PolicyName: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &redrive}),
		},
	})
	s.Events.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("OnlyNamedSenders"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("sqs:SendMessage"),
		Resources:  jsii.Strings(*s.Events.QueueArn()),
		Conditions: &map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalArn": EventSenders(settings)}},
	}))
	return nil
}
