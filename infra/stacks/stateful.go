package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Stateful is everything that holds data which a redeploy must never lose: the two tables, the
// three queues (the events in flight, the dead letters and the notifier's failed stream batches
// waiting to be inspected), the keys that sign page cursors (changing one breaks the cursors
// handed out) and the user pool (its passwords cannot be exported, so a replaced pool is a lost
// pool). With the pool comes its PostConfirmation and PostAuthentication trigger, user-signup: a
// trigger is part of the pool's configuration, and keeping it in the other stack would make each
// stack depend on the other.
//
// Unless the deployment is a throw-away one (Settings.Destroy), everything here is RETAIN, the
// tables and the pool have deletion protection and the stack has termination protection.
type Stateful struct {
	awscdk.Stack
	StatusTable awsdynamodb.TableV2
	UserTable   awsdynamodb.TableV2
	Events      awssqs.Queue
	DeadLetters awssqs.Queue
	// NotifierFailures receives the descriptions of stream batches status-notifier could not
	// handle within its retries. It exists even when the notifier is not deployed, so that
	// adding a sender later changes only the stateless stack.
	NotifierFailures awssqs.Queue
	// CursorSecret signs page cursors; CursorSecretPrevious is the key before the last
	// rotation, still accepted (see infra/README.md, "Rotate the cursor key").
	CursorSecret         awssecretsmanager.Secret
	CursorSecretPrevious awssecretsmanager.Secret
	UserPool             awscognito.IUserPool
	UserPoolClient       awscognito.UserPoolClient
	UserSignup           *Function
	// TokensTable holds the reporting tokens, RateLimitTable the ingest endpoint's per-user
	// windows; EventsOperator is the role allowed to send to the events queue for a redrive
	// (ingest_stateful.go).
	TokensTable    awsdynamodb.TableV2
	RateLimitTable awsdynamodb.TableV2
	EventsOperator awsiam.Role
}

// NewStateful declares the stateful stack.
func NewStateful(scope constructs.Construct, id string, settings Settings, props *awscdk.StackProps) (*Stateful, error) {
	if props == nil {
		props = &awscdk.StackProps{}
	}
	p := *props
	p.TerminationProtection = jsii.Bool(!settings.Destroy)
	if p.Description == nil {
		p.Description = jsii.String("trainstatus " + settings.Stage + ": tables, queues, user pool, cursor key (stateful)")
	}
	s := &Stateful{Stack: awscdk.NewStack(scope, jsii.String(id), &p)}
	var err error
	if s.StatusTable, err = newTable(s.Stack, "StatusTable", tables.StatusSchema, settings.Name("status"), settings); err != nil {
		return nil, err
	}
	if s.UserTable, err = newTable(s.Stack, "UserTable", tables.UserSchema, settings.Name("users"), settings); err != nil {
		return nil, err
	}

	// The queues: SSE with SQS-owned keys (no KMS key to pay for, and the functions need no
	// kms:Decrypt), a policy that refuses anything but TLS, and names that producers can rely on.
	s.DeadLetters = awssqs.NewQueue(s.Stack, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
		QueueName:       jsii.String(settings.Name(deploy.DeadLetterQueue)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: seconds(deploy.DeadLetterRetention.Seconds()),
		RemovalPolicy:   settings.removalPolicy(),
	})
	s.Events = awssqs.NewQueue(s.Stack, jsii.String("EventsQueue"), &awssqs.QueueProps{
		QueueName:         jsii.String(settings.Name(deploy.EventsQueue)),
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		RetentionPeriod:   seconds(deploy.EventsRetention.Seconds()),
		VisibilityTimeout: seconds(deploy.VisibilityTimeout(settings.MaxBatchingWindow).Seconds()),
		// What trainevent.Parse accepts plus a margin: a larger event is refused at SendMessage,
		// where its sender hears of it, instead of being dead-lettered later.
		MaxMessageSizeBytes: jsii.Number(deploy.EventsMaxMessageBytes),
		DeadLetterQueue: &awssqs.DeadLetterQueue{
			Queue:           s.DeadLetters,
			MaxReceiveCount: jsii.Number(deploy.MaxReceiveCount),
		},
		RemovalPolicy: settings.removalPolicy(),
	})

	if err := s.addReporting(settings); err != nil {
		return nil, err
	}

	s.NotifierFailures = awssqs.NewQueue(s.Stack, jsii.String("NotifierFailureQueue"), &awssqs.QueueProps{
		QueueName:       jsii.String(settings.Name(deploy.NotifierFailureQueue)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: seconds(deploy.DeadLetterRetention.Seconds()),
		RemovalPolicy:   settings.removalPolicy(),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(s.NotifierFailures, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String("This queue is itself a dead-letter destination: the on-failure destination of " +
			"status-notifier's stream event source. It is read by people (14 days' retention, an alarm on its " +
			"depth); a dead-letter queue behind it would only move the same messages one step further."),
	}}, jsii.Bool(false))

	// The cursor keys: 64 generated letters and digits (about 380 bits), never in the template.
	// Two secrets, so that the key can be rotated without breaking the pages open at that moment:
	// status-query signs with the current one and also accepts the previous one.
	s.CursorSecret = cursorSecret(s.Stack, "CursorSecret", settings,
		": HMAC key that status-query signs page cursors with (CURSOR_SECRET)")
	s.CursorSecretPrevious = cursorSecret(s.Stack, "CursorSecretPrevious", settings,
		": the cursor key before the last rotation, still accepted by status-query (CURSOR_SECRET_PREVIOUS)")

	s.UserSignup, err = newFunction(s.Stack, settings, functionSpec{
		Function: deploy.UserSignupFunction,
		Values:   resourceValues(settings, s, nil),
		Statements: []awsiam.PolicyStatement{
			// Its one write is an upsert UpdateItem (pkg/users.Write), at confirmation and sign-in.
			allow([]string{"dynamodb:UpdateItem"}, *s.UserTable.TableArn()),
		},
	})
	if err != nil {
		return nil, err
	}

	if settings.UserPoolID != "" {
		// An existing pool: CloudFormation cannot add a trigger to a pool it does not own (and
		// UpdateUserPool would reset every setting it is not given), so the pool's owner attaches
		// the function (output UserSignupFunctionArn); it may already be invoked by that pool.
		s.UserPool = awscognito.UserPool_FromUserPoolId(s.Stack, jsii.String("UserPool"), jsii.String(settings.UserPoolID))
		s.UserSignup.Function.AddPermission(jsii.String("InvokedByUserPool"), &awslambda.Permission{
			Principal: awsiam.NewServicePrincipal(jsii.String("cognito-idp.amazonaws.com"), nil),
			Action:    jsii.String("lambda:InvokeFunction"),
			SourceArn: s.UserPool.UserPoolArn(),
		})
	} else {
		pool := awscognito.NewUserPool(s.Stack, jsii.String("UserPool"), &awscognito.UserPoolProps{
			UserPoolName:        jsii.String(settings.Name("users")),
			SelfSignUpEnabled:   jsii.Bool(true),
			SignInAliases:       &awscognito.SignInAliases{Email: jsii.Bool(true)},
			SignInCaseSensitive: jsii.Bool(false),
			AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
			StandardAttributes: &awscognito.StandardAttributes{
				Email: &awscognito.StandardAttribute{Required: jsii.Bool(true), Mutable: jsii.Bool(true)},
			},
			PasswordPolicy: &awscognito.PasswordPolicy{
				MinLength:            jsii.Number(deploy.PasswordMinLength),
				RequireLowercase:     jsii.Bool(true),
				RequireUppercase:     jsii.Bool(true),
				RequireDigits:        jsii.Bool(true),
				RequireSymbols:       jsii.Bool(true),
				TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
			},
			AccountRecovery: awscognito.AccountRecovery_EMAIL_ONLY,
			Email:           settings.userPoolEmail(),
			Mfa:             awscognito.Mfa_OPTIONAL,
			MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
			// PostConfirmation records the user; PostAuthentication repairs a record whose
			// confirmation write failed (Cognito never runs PostConfirmation again).
			LambdaTriggers: &awscognito.UserPoolTriggers{
				PostConfirmation:   s.UserSignup.Function,
				PostAuthentication: s.UserSignup.Function,
			},
			DeletionProtection: jsii.Bool(!settings.Destroy),
			RemovalPolicy:      settings.removalPolicy(),
		})
		cdknag.NagSuppressions_AddResourceSuppressions(pool, &[]*cdknag.NagPackSuppression{
			{
				Id: jsii.String("AwsSolutions-COG2"),
				Reason: jsii.String("MFA is optional (TOTP, no SMS): users of a read-only training status " +
					"dashboard may enrol; requiring it for everyone is a product decision, not a default."),
			},
			{
				Id: jsii.String("AwsSolutions-COG8"),
				Reason: jsii.String("The Plus feature plan (threat protection, formerly advanced security) is billed " +
					"per monthly active user; the Essentials plan with a strong password policy, verified email and " +
					"PreventUserExistenceErrors is chosen for this internal tool. Revisit for a public production pool."),
			},
		}, jsii.Bool(false))
		s.UserPool = pool
	}
	s.UserPoolClient = s.UserPool.AddClient(jsii.String("AppClient"), &awscognito.UserPoolClientOptions{
		UserPoolClientName: jsii.String(settings.Name("app")),
		// A public client (the tracker page, the CLI): no secret, no hosted-UI OAuth flows. The
		// page signs in with USER_PASSWORD_AUTH over fetch (the one flow both Cognito and the
		// local emulator speak; the password goes to Cognito over TLS, never to this system),
		// and keeps the session with refresh tokens (always allowed). SRP stays for other clients.
		GenerateSecret: jsii.Bool(false),
		AuthFlows: &awscognito.AuthFlow{
			UserSrp:      jsii.Bool(true),
			UserPassword: jsii.Bool(true),
		},
		DisableOAuth:               jsii.Bool(true),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		RefreshTokenValidity:       awscdk.Duration_Hours(jsii.Number(deploy.RefreshTokenValidity.Hours())),
	})

	output(s.Stack, deploy.OutputStatusTableName, s.StatusTable.TableName(), "status table")
	output(s.Stack, deploy.OutputUserTableName, s.UserTable.TableName(), "user table")
	output(s.Stack, "EventsQueueUrl", s.Events.QueueUrl(), "queue of training events (cmd/trainstatus send)")
	output(s.Stack, "DeadLetterQueueUrl", s.DeadLetters.QueueUrl(), "dead-letter queue (cmd/trainstatus dlq)")
	output(s.Stack, "NotifierFailureQueueUrl", s.NotifierFailures.QueueUrl(), "stream batches status-notifier gave up on")
	output(s.Stack, "CursorSecretArn", s.CursorSecret.SecretArn(), "cursor signing key (CURSOR_SECRET)")
	output(s.Stack, "CursorSecretPreviousArn", s.CursorSecretPrevious.SecretArn(), "previous cursor signing key (CURSOR_SECRET_PREVIOUS)")
	output(s.Stack, deploy.OutputUserPoolID, s.UserPool.UserPoolId(), "Cognito user pool")
	output(s.Stack, "UserPoolClientId", s.UserPoolClient.UserPoolClientId(), "Cognito app client")
	output(s.Stack, "UserSignupFunctionArn", s.UserSignup.Function.FunctionArn(), "PostConfirmation trigger of the user pool")
	return s, nil
}

// cursorSecret declares one cursor signing key, generated by Secrets Manager.
func cursorSecret(scope constructs.Construct, id string, settings Settings, description string) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(scope, jsii.String(id), &awssecretsmanager.SecretProps{
		Description: jsii.String(settings.Prefix() + description),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: settings.removalPolicy(),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("The cursor keys only sign opaque page cursors, which expire within a day. Rotation is " +
			"manual and safe: copy the current key into the previous-key secret, put a new current key and redeploy " +
			"with a new cursorKeyRevision (infra/README.md); an automatic rotation Lambda would add code and " +
			"permissions for no gain."),
	}}, jsii.Bool(false))
	return secret
}

func seconds(s float64) awscdk.Duration { return awscdk.Duration_Seconds(jsii.Number(s)) }

func output(scope constructs.Construct, id string, value *string, description string) {
	awscdk.NewCfnOutput(scope, jsii.String(id), &awscdk.CfnOutputProps{
		Value:       value,
		Description: jsii.String(description),
	})
}
