package cognito

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User is a signed-up, confirmed and logged-in user.
type User struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// SignUp signs a user up, confirms it with the code cognito-local stored in dir (which runs the
// PostConfirmation trigger) and logs it in with USER_PASSWORD_AUTH.
func SignUp(ctx context.Context, endpoint, dir string, pool Pool, email, password string) (User, error) {
	c := NewClient(endpoint)
	if _, err := c.SignUp(ctx, &cip.SignUpInput{ClientId: &pool.ClientID, Username: &email, Password: &password,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &email}}}); err != nil {
		return User{}, fmt.Errorf("sign-up of %s: %w", email, err)
	}
	code, err := ConfirmationCode(dir, pool.ID, email)
	if err != nil {
		return User{}, err
	}
	if _, err := c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &pool.ClientID, Username: &email, ConfirmationCode: &code}); err != nil {
		return User{}, fmt.Errorf("confirming %s: %w", email, err)
	}
	return LogIn(ctx, endpoint, pool, email, password)
}

// LogIn signs a confirmed user in with USER_PASSWORD_AUTH, which runs the PostAuthentication
// trigger.
func LogIn(ctx context.Context, endpoint string, pool Pool, email, password string) (User, error) {
	c := NewClient(endpoint)
	auth, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &pool.ClientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": password}})
	if err != nil {
		return User{}, fmt.Errorf("login of %s: %w", email, err)
	}
	r := auth.AuthenticationResult
	if r == nil {
		return User{}, fmt.Errorf("login of %s: no tokens (challenge %s)", email, auth.ChallengeName)
	}
	return User{Email: email, Password: password, IDToken: aws.ToString(r.IdToken),
		AccessToken: aws.ToString(r.AccessToken), RefreshToken: aws.ToString(r.RefreshToken)}, nil
}
