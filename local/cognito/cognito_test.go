package cognito_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/jwt"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// seen records the Invoke API calls cognito-local makes.
type seen struct {
	http.Handler
	mu    sync.Mutex
	paths []string
}

func (s *seen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.mu.Unlock()
	s.Handler.ServeHTTP(w, r)
}

// TestSignUpTriggerAndTokens signs a user up and confirms it (running the PostConfirmation
// trigger through our Invoke API), logs in, and checks both tokens pass the local authorizer.
func TestSignUpTriggerAndTokens(t *testing.T) {
	tools := testenv.Tools(t)
	ctx := context.Background()
	var logs syncbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	router, err := invoke.StartRouter(ctx, log, tools.RIE, []invoke.Function{
		{Name: "user-signup", Bootstrap: testenv.Bootstrap(t), Timeout: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer router.Stop()
	calls := &seen{Handler: router}
	lambda := httptest.NewServer(calls)
	defer lambda.Close()

	srv, err := cognito.Start(ctx, log, tools, cognito.Config{Dir: t.TempDir(), LambdaEndpoint: lambda.URL, PostConfirmation: "user-signup"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	pool, err := cognito.CreatePool(ctx, srv.Endpoint, "trainstatus-users", "trainstatus-cli")
	if err != nil {
		t.Fatal(err)
	}
	c := cognito.NewClient(srv.Endpoint)
	signUp := func(email string) {
		t.Helper()
		if _, err := c.SignUp(ctx, &cip.SignUpInput{ClientId: &pool.ClientID, Username: aws.String(email), Password: aws.String("Passw0rd!x"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}}); err != nil {
			t.Fatalf("SignUp %s: %v", email, err)
		}
	}
	confirm := func(email string, meta map[string]string) error {
		t.Helper()
		code, err := cognito.ConfirmationCode(srv.Dir, pool.ID, email)
		if err != nil {
			t.Fatalf("confirmation code: %v", err)
		}
		_, err = c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &pool.ClientID, Username: aws.String(email),
			ConfirmationCode: aws.String(code), ClientMetadata: meta})
		return err
	}

	signUp("ada@example.com")
	if err := confirm("ada@example.com", nil); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	if len(calls.paths) != 1 || calls.paths[0] != "/2015-03-31/functions/user-signup/invocations" {
		t.Fatalf("trigger calls %v", calls.paths)
	}

	// A failing trigger: cognito-local swallows the error (the confirmation succeeds), so the
	// Invoke API's own log is where it shows.
	signUp("bob@example.com")
	if err := confirm("bob@example.com", map[string]string{"error": "table down"}); err != nil {
		t.Fatalf("cognito-local 5.3.0 swallows trigger errors; ConfirmSignUp returned %v", err)
	}
	if !strings.Contains(logs.String(), `"outcome":"function_error"`) || !strings.Contains(logs.String(), "table down") {
		t.Fatalf("the failed trigger is not in the invoke log:\n%s", logs.String())
	}

	auth, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &pool.ClientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ada@example.com", "PASSWORD": "Passw0rd!x"}})
	if err != nil {
		t.Fatal(err)
	}
	v := &jwt.Verifier{Issuer: pool.Issuer, Audience: []string{pool.ClientID}, TokenUse: []string{"id", "access"}, Keys: &jwt.JWKS{URL: pool.JWKSURL}}
	cases := []struct {
		name, token, use string
	}{
		{"id token", aws.ToString(auth.AuthenticationResult.IdToken), "id"},
		{"access token", aws.ToString(auth.AuthenticationResult.AccessToken), "access"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := v.Verify(ctx, tc.token)
			if err != nil {
				t.Fatalf("local authorizer refused the %s: %v", tc.name, err)
			}
			if claims["token_use"] != tc.use || claims["iss"] != "http://"+srv.Addr+"/"+pool.ID || claims["sub"] == "" {
				t.Errorf("claims %v", claims)
			}
		})
	}
	// SignUp leaves the user as Cognito's confirmation does: email_verified true (cognito-local
	// alone leaves it unset, "" here), so the sign-in trigger records a verified address.
	for _, tc := range []struct{ user, want string }{{"ada@example.com", ""}, {"carol@example.com", "true"}} {
		if tc.want == "true" {
			if _, err := cognito.SignUp(ctx, srv.Endpoint, srv.Dir, pool, tc.user, "Passw0rd!x"); err != nil {
				t.Fatalf("SignUp %s: %v", tc.user, err)
			}
		}
		got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &pool.ID, Username: aws.String(tc.user)})
		if err != nil {
			t.Fatal(err)
		}
		verified := ""
		for _, a := range got.UserAttributes {
			if aws.ToString(a.Name) == "email_verified" {
				verified = aws.ToString(a.Value)
			}
		}
		if verified != tc.want {
			t.Errorf("%s: email_verified %q, want %q", tc.user, verified, tc.want)
		}
	}
	other := &jwt.Verifier{Issuer: pool.Issuer, Audience: []string{"another-client"}, Keys: &jwt.JWKS{URL: pool.JWKSURL}}
	if _, err := other.Verify(ctx, aws.ToString(auth.AuthenticationResult.IdToken)); !errors.Is(err, jwt.ErrAudience) {
		t.Errorf("another client's authorizer: err %v, want ErrAudience", err)
	}
}
