// Package stacks declares trainstatus in the AWS CDK: a stateful stack (tables, queues, cursor
// keys, user pool and its trigger) and a stateless one (functions, event sources, HTTP API, the
// tracker page behind CloudFront, alarms). It renders the system description of package deploy
// (functions, their environment, routes, queues, event sources) and the tables of package
// tables: nothing they describe is written out again here (env.go is the one place that says
// what each deploy.Resource is in CloudFormation).
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// System is the whole deployment.
type System struct {
	Settings  Settings
	Stateful  *Stateful
	Stateless *Stateless
}

// CtxCrossStackReferences is the CDK's context key for the strength of cross-stack references.
const CtxCrossStackReferences = "@aws-cdk/core:defaultCrossStackReferences"

// StackIDs returns the ids (and CloudFormation stack names) of the two stacks of a stage.
func StackIDs(s Settings) (stateful, stateless string) {
	return s.Name("stateful"), s.Name("stateless")
}

// New declares the system in app, with the settings of the app's context. The stacks are
// environment-agnostic unless env is given, so `cdk synth` needs no account and no credentials.
func New(app awscdk.App, env *awscdk.Environment) (*System, error) {
	settings, err := SettingsFromContext(app)
	if err != nil {
		return nil, err
	}
	// Strong cross-stack references (Fn::ImportValue of an export), said explicitly rather than
	// left to a default that the CDK plans to change: CloudFormation then refuses to delete the
	// stateful stack, or change what it exports, while the stateless stack still uses it.
	if app.Node().TryGetContext(jsii.String(CtxCrossStackReferences)) == nil {
		app.Node().SetContext(jsii.String(CtxCrossStackReferences), "strong")
	}
	awscdk.Tags_Of(app).Add(jsii.String("project"), jsii.String("trainstatus"), nil)
	awscdk.Tags_Of(app).Add(jsii.String("stage"), jsii.String(settings.Stage), nil)
	statefulID, statelessID := StackIDs(settings)
	state, err := NewStateful(app, statefulID, settings, &awscdk.StackProps{Env: env})
	if err != nil {
		return nil, err
	}
	stateless, err := NewStateless(app, statelessID, settings, state, &awscdk.StackProps{Env: env})
	if err != nil {
		return nil, err
	}
	return &System{Settings: settings, Stateful: state, Stateless: stateless}, nil
}
