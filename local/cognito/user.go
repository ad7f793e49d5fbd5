package cognito

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User is a signed-up, confirmed and logged-in user.
type User struct {
	Email string `json:"email"`
	// Sub is the user's id: the ID token's sub claim, the user table's key, events' user_id.
	Sub          string `json:"sub"`
	Password     string `json:"password"`
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// SignUp signs a user up, confirms it with the code cognito-local stored in dir (which runs the
// PostConfirmation trigger), marks its email verified as Cognito's confirmation does, and logs
// it in with USER_PASSWORD_AUTH (which records the verified address).
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
	// Cognito marks the address verified when the code sent to it is confirmed; cognito-local
	// leaves email_verified false (local/README, "Facts checked"). Set it as Cognito would, before
	// the sign-in whose PostAuthentication trigger records it: the notifier mails only a verified
	// address.
	if _, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &pool.ID, Username: &email,
		// cognito-local wants the email beside email_verified ("Email is required to verify/un-verify an email").
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &email}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		return User{}, fmt.Errorf("marking %s verified: %w", email, err)
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
	sub, err := subject(aws.ToString(r.IdToken))
	if err != nil {
		return User{}, fmt.Errorf("login of %s: %w", email, err)
	}
	return User{Email: email, Sub: sub, Password: password, IDToken: aws.ToString(r.IdToken),
		AccessToken: aws.ToString(r.AccessToken), RefreshToken: aws.ToString(r.RefreshToken)}, nil
}

// subject is the sub claim of an ID token cognito-local just issued (read, not verified: the API
// verifies every token it is given).
func subject(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("ID token is not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("ID token payload: %w", err)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(b, &claims); err != nil || claims.Sub == "" {
		return "", fmt.Errorf("ID token has no sub (%v)", err)
	}
	return claims.Sub, nil
}
