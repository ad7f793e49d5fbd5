package cognito

import (
	"context"
	"fmt"

	"github.com/trainstatus/trainstatus/internal/localaws"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Pool is the created user pool and app client.
type Pool struct {
	ID       string // e.g. local_AbCd1234
	ClientID string
	Issuer   string // <endpoint>/<pool id>, the tokens' iss
	JWKSURL  string // <endpoint>/<pool id>/.well-known/jwks.json
}

// NewClient returns a Cognito client for a local endpoint (dummy credentials, us-east-1).
func NewClient(endpoint string) *cip.Client {
	return cip.NewFromConfig(localaws.Config(endpoint))
}

// CreatePool creates a user pool signing in by email and a public app client allowing the
// password and refresh-token flows.
func CreatePool(ctx context.Context, endpoint, poolName, clientName string) (Pool, error) {
	c := NewClient(endpoint)
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String(poolName),
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	})
	if err != nil {
		return Pool{}, fmt.Errorf("creating user pool: %w", err)
	}
	id := aws.ToString(pool.UserPool.Id)
	client, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(id),
		ClientName: aws.String(clientName),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		return Pool{}, fmt.Errorf("creating app client: %w", err)
	}
	return Pool{
		ID:       id,
		ClientID: aws.ToString(client.UserPoolClient.ClientId),
		Issuer:   endpoint + "/" + id,
		JWKSURL:  endpoint + "/" + id + "/.well-known/jwks.json",
	}, nil
}
