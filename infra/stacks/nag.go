package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// CheckWithNag runs the cdk-nag AwsSolutions rules on everything in app when it is synthesized:
// a finding that is neither fixed nor suppressed is an error annotation, which fails `cdk synth`
// and `cdk deploy`. Suppressions are written next to the resource they concern, each with its
// reason; the tests list them.
func CheckWithNag(app awscdk.App) {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}
