package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// tokenReq is a request on the token routes by user (the JWT's sub).
func tokenReq(method, tokenID, body, user string) events.APIGatewayV2HTTPRequest {
	rt := map[string]deploy.Route{"GET": deploy.ListTokensRoute, "POST": deploy.CreateTokenRoute, "DELETE": deploy.DeleteTokenRoute}[method]
	req := events.APIGatewayV2HTTPRequest{RouteKey: rt.Key(), RawPath: "/me/tokens", Body: body,
		Headers: map[string]string{"content-type": "application/json"}}
	if tokenID != "" {
		req.RawPath += "/" + tokenID
		req.PathParameters = map[string]string{deploy.PathTokenID: tokenID}
	}
	req.RequestContext.RouteKey = rt.Key()
	req.RequestContext.HTTP.Method = method
	req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": user}}}
	return req
}

func (f *fixture) createToken(user, name string) statusapi.CreatedToken {
	f.t.Helper()
	resp := f.do(tokenReq("POST", "", fmt.Sprintf(`{"name":%q}`, name), user))
	var out statusapi.CreatedToken
	if resp.StatusCode != 201 || json.Unmarshal([]byte(resp.Body), &out) != nil {
		f.t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	return out
}

func (f *fixture) listTokens(user string) statusapi.TokenList {
	f.t.Helper()
	resp := f.do(tokenReq("GET", "", "", user))
	var out statusapi.TokenList
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &out) != nil {
		f.t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
	}
	return out
}

func TestTokenRoutes(t *testing.T) {
	f := newFixture(t)
	for _, u := range []string{alice, bob} {
		if err := f.users.Create(userRecord(u, nil)).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.listTokens(alice); got.Tokens == nil || len(got.Tokens) != 0 {
		t.Errorf("no tokens: %+v (want an empty list, not null)", got)
	}
	f.ddb.Reset()
	created := f.createToken(alice, "lab-gpu-3")
	if f.ddb.Calls() != 1 {
		t.Errorf("create made %d DynamoDB calls, want 1", f.ddb.Calls())
	}
	secret, err := token.Parse(created.Secret)
	want := statusapi.Token{ID: secret.ID(), Name: "lab-gpu-3", Prefix: created.Secret[:8], CreatedAt: "2026-11-24T10:10:00.000000Z"}
	if err != nil || created.Token != want {
		t.Fatalf("created %+v (%v), want %+v", created, err, want)
	}
	f.now = f.now.Add(time.Second)
	second := f.createToken(alice, "notebook")
	bobs := f.createToken(bob, "bob's")

	f.ddb.Reset()
	list := f.listTokens(alice)
	if len(list.Tokens) != 2 || list.Tokens[0] != second.Token || list.Tokens[1] != want || f.ddb.Calls() != 1 {
		t.Errorf("list %+v after %d calls", list, f.ddb.Calls())
	}
	for _, tok := range list.Tokens {
		if strings.Contains(fmt.Sprint(tok), created.Secret[8:]) {
			t.Errorf("the list shows a secret: %+v", tok)
		}
	}
	raw := f.do(tokenReq("GET", "", "", alice)).Body
	for _, stored := range []string{"token_hash", "user_id", secret.Hash()} {
		if strings.Contains(raw, stored) {
			t.Errorf("stored attribute %s in the list %s", stored, raw)
		}
	}

	cases := []struct {
		name    string
		req     events.APIGatewayV2HTTPRequest
		status  int
		code    string
		headers map[string]string
	}{
		{"empty name", tokenReq("POST", "", `{"name":""}`, alice), 400, CodeInvalidName, nil},
		{"long name", tokenReq("POST", "", `{"name":"`+strings.Repeat("x", 65)+`"}`, alice), 400, CodeInvalidName, nil},
		{"control character", tokenReq("POST", "", `{"name":"a\u001bb"}`, alice), 400, CodeInvalidName, nil},
		{"no name", tokenReq("POST", "", `{}`, alice), 400, CodeInvalidName, nil},
		{"unknown field", tokenReq("POST", "", `{"name":"a","user_id":"x"}`, alice), 400, CodeUnknownField, nil},
		{"not JSON", tokenReq("POST", "", `name=a`, alice), 400, CodeInvalidBody, nil},
		{"no user record", tokenReq("POST", "", `{"name":"a"}`, "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"), 404, CodeNotFound, nil},
		{"delete another user's", tokenReq("DELETE", bobs.Token.ID, "", alice), 404, CodeNotFound, nil},
		{"delete unknown", tokenReq("DELETE", "0123456789abcdef", "", alice), 404, CodeNotFound, nil},
		{"delete malformed", tokenReq("DELETE", "ZZ", "", alice), 404, CodeNotFound, nil},
		{"no caller", func() events.APIGatewayV2HTTPRequest {
			r := tokenReq("GET", "", "", alice)
			r.RequestContext.Authorizer = nil
			return r
		}(), 401, CodeUnauthorized, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"delete own", tokenReq("DELETE", created.Token.ID, "", alice), 204, "", nil},
		{"delete again", tokenReq("DELETE", created.Token.ID, "", alice), 404, CodeNotFound, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(tc.req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, resp.Body)
			}
			if tc.code != "" && errorCode(t, resp) != tc.code {
				t.Errorf("code %s, want %s", errorCode(t, resp), tc.code)
			}
			if tc.status == 204 && resp.Body != "" {
				t.Errorf("204 with a body %q", resp.Body)
			}
			for k, v := range tc.headers {
				if resp.Headers[k] != v {
					t.Errorf("header %s = %q, want %q", k, resp.Headers[k], v)
				}
			}
		})
	}
	if list := f.listTokens(alice); len(list.Tokens) != 1 || list.Tokens[0].ID != second.Token.ID {
		t.Errorf("after revoking: %+v", list)
	}
	if list := f.listTokens(bob); len(list.Tokens) != 1 {
		t.Errorf("bob's tokens: %+v", list)
	}
}

func TestTooManyTokens(t *testing.T) {
	f := newFixture(t)
	if err := f.users.Create(userRecord(alice, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range token.MaxPerUser {
		f.createToken(alice, fmt.Sprint("t", i))
	}
	resp := f.do(tokenReq("POST", "", `{"name":"one more"}`, alice))
	if resp.StatusCode != 409 || errorCode(t, resp) != CodeTooManyTokens {
		t.Errorf("21st token: %d %s", resp.StatusCode, resp.Body)
	}
}
