// Command infra is the CDK app of trainstatus: `cdk synth` / `cdk deploy` run it (see cdk.json
// and infra/README.md). It checks the result with the cdk-nag AwsSolutions rules, so a finding
// that is neither fixed nor suppressed with a reason fails the synthesis.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/infra/stacks"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	var env *awscdk.Environment
	// `cdk deploy` sets these from the credentials; `cdk synth` without credentials leaves the
	// stacks environment-agnostic.
	if account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION"); account != "" && region != "" {
		env = &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
	}
	if _, err := stacks.New(app, env); err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		jsii.Close()
		os.Exit(1)
	}
	stacks.CheckWithNag(app)
	app.Synth(nil)
}
