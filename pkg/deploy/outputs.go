package deploy

// The stateful stack's outputs that an operator's tool reads from the file `make deploy` writes
// (infra/cdk.out/outputs.json: stack name to output name to value). The CDK app declares them
// under these names; internal/tools/backfill finds the stage's tables and pool by them.
const (
	OutputStatusTableName = "StatusTableName"
	OutputUserTableName   = "UserTableName"
	OutputUserPoolID      = "UserPoolId"
)
