package main

import (
	"context"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// userRecord is a user as user-signup records them; emails nil leaves the attribute absent.
func userRecord(user string, emails *bool) tables.UserItem {
	return tables.UserItem{UserID: user, Email: "jane.doe@example.com", Timestamp: job.FormatTime(t0), EmailNotifications: emails}
}

// prefReq is get-preferences.json or put-preferences.json with another body and user.
func prefReq(t testing.TB, method, body, user string) events.APIGatewayV2HTTPRequest {
	file := "get-preferences.json"
	if method == "PUT" {
		file = "put-preferences.json"
	}
	req := loadRequest(t, file)
	req.Body = body
	req.RequestContext.Authorizer.JWT.Claims["sub"] = user
	return req
}

// storedPreference reads the user's email_notifications attribute as DynamoDB holds it: "absent",
// "true" or "false" ("no record" without a record).
func (f *fixture) storedPreference(user string) string {
	f.t.Helper()
	out, err := ddbtest.Client(f.t).GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(f.users.Name()), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{tables.AttrUserID: &types.AttributeValueMemberS{Value: user}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	if out.Item == nil {
		return "no record"
	}
	v, ok := out.Item[tables.AttrEmailNotifications].(*types.AttributeValueMemberBOOL)
	switch {
	case !ok:
		return "absent"
	case v.Value:
		return "true"
	}
	return "false"
}

func TestGetPreferences(t *testing.T) {
	f := newFixture(t)
	const carol = "0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5"
	for _, u := range []tables.UserItem{userRecord(alice, nil), userRecord(bob, ptr(false)), userRecord(carol, ptr(true))} {
		if err := f.users.Create(u).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, user string
		status     int
		body       string
	}{
		{"attribute absent: the default", alice, 200, `{"email_notifications":true}`},
		{"turned off", bob, 200, `{"email_notifications":false}`},
		{"turned on", carol, 200, `{"email_notifications":true}`},
		{"no user record", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(prefReq(t, "GET", "", tc.user))
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, resp.Body, tc.status)
			}
			if tc.status == 404 {
				if errorCode(t, resp) != CodeNotFound {
					t.Errorf("body %s", resp.Body)
				}
				return
			}
			if resp.Body != tc.body {
				t.Errorf("body %s, want %s", resp.Body, tc.body)
			}
		})
	}
}

// TestPutPreferences: a valid body changes the caller's own record (and only that attribute), the
// answer is what is stored, and a GET shows it at once.
func TestPutPreferences(t *testing.T) {
	f := newFixture(t)
	if err := f.users.Create(userRecord(alice, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.users.Create(userRecord(bob, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) events.APIGatewayV2HTTPRequest {
		r := prefReq(t, "PUT", base64.StdEncoding.EncodeToString([]byte(s)), alice)
		r.IsBase64Encoded = true
		return r
	}
	cases := []struct {
		name   string
		req    events.APIGatewayV2HTTPRequest
		body   string
		stored string
	}{
		{"turn off", prefReq(t, "PUT", `{"email_notifications":false}`, alice), `{"email_notifications":false}`, "false"},
		{"again: nothing changes", prefReq(t, "PUT", `{"email_notifications":false}`, alice), `{"email_notifications":false}`, "false"},
		{"turn on, spaced out", prefReq(t, "PUT", " {\n  \"email_notifications\" : true\n}\n", alice), `{"email_notifications":true}`, "true"},
		{"base64 body", b64(`{"email_notifications":false}`), `{"email_notifications":false}`, "false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(tc.req)
			if resp.StatusCode != 200 || resp.Body != tc.body {
				t.Fatalf("%d %s, want 200 %s", resp.StatusCode, resp.Body, tc.body)
			}
			if got := f.storedPreference(alice); got != tc.stored {
				t.Errorf("stored %s, want %s", got, tc.stored)
			}
			if get := f.do(prefReq(t, "GET", "", alice)); get.Body != tc.body {
				t.Errorf("GET after PUT: %s", get.Body)
			}
		})
	}
	if got := f.storedPreference(bob); got != "absent" {
		t.Errorf("bob's record changed: %s", got)
	}
	u, err := f.users.Get(ddb.Key{Partition: alice}).Consistent().One(context.Background())
	if err != nil || !reflect.DeepEqual(u, userRecord(alice, ptr(false))) && (u.Email != "jane.doe@example.com" || u.Timestamp != job.FormatTime(t0)) {
		t.Errorf("the rest of the record changed: %+v %v", u, err)
	}
}

// TestPutPreferencesWithoutRecord: a caller without a user record gets a 404 and no record: a PUT
// never creates a user without the sign-up data.
func TestPutPreferencesWithoutRecord(t *testing.T) {
	f := newFixture(t)
	resp := f.do(prefReq(t, "PUT", `{"email_notifications":false}`, alice))
	if resp.StatusCode != 404 || errorCode(t, resp) != CodeNotFound {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if got := f.storedPreference(alice); got != "no record" {
		t.Errorf("the PUT created a record: %s", got)
	}
}

// TestPutPreferencesRefusesBadBodies: anything but one JSON object with a boolean
// email_notifications is a 400 with a code that says what is wrong, and no write.
func TestPutPreferencesRefusesBadBodies(t *testing.T) {
	f := newFixture(t)
	if err := f.users.Create(userRecord(alice, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body, code string
	}{
		{"empty", ``, CodeInvalidBody},
		{"not JSON", `email_notifications=false`, CodeInvalidBody},
		{"truncated", `{"email_notifications":false`, CodeInvalidBody},
		{"null", `null`, CodeInvalidBody},
		{"a list", `[{"email_notifications":false}]`, CodeInvalidBody},
		{"a bare boolean", `false`, CodeInvalidBody},
		{"two objects", `{"email_notifications":false}{"email_notifications":true}`, CodeInvalidBody},
		{"trailing garbage", `{"email_notifications":false} x`, CodeInvalidBody},
		{"field twice", `{"email_notifications":true,"email_notifications":false}`, CodeInvalidBody},
		{"not UTF-8", "{\"email_notifications\":false,\"x\":\"\xff\"}", CodeInvalidBody},
		{"unknown field", `{"email_notifications":false,"admin":true}`, CodeUnknownField},
		{"misspelt field", `{"email_notification":false}`, CodeUnknownField},
		{"other case", `{"Email_Notifications":false}`, CodeUnknownField}, // encoding/json alone would take it
		{"string", `{"email_notifications":"false"}`, CodeInvalidField},
		{"number", `{"email_notifications":0}`, CodeInvalidField},
		{"object", `{"email_notifications":{}}`, CodeInvalidField},
		{"null field", `{"email_notifications":null}`, CodeInvalidField},
		{"empty object", `{}`, CodeInvalidField},
		{"too large", `{"email_notifications":false}` + strings.Repeat(" ", maxPreferencesBody), CodeBodyTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.ddb.Calls()
			resp := f.do(prefReq(t, "PUT", tc.body, alice))
			if resp.StatusCode != 400 || errorCode(t, resp) != tc.code {
				t.Errorf("%d %s, want 400 %s", resp.StatusCode, resp.Body, tc.code)
			}
			if n := f.ddb.Calls() - before; n != 0 {
				t.Errorf("%d DynamoDB calls for a refused body", n)
			}
			if got := f.storedPreference(alice); got != "absent" {
				t.Errorf("stored %s after a refused body", got)
			}
		})
	}
}

// TestPreferencesMethods: other methods on the path are a 405 that lists the allowed ones (when a
// deployment routes them here at all).
func TestPreferencesMethods(t *testing.T) {
	f := newFixture(t)
	for _, method := range []string{"DELETE", "POST", "PATCH"} {
		t.Run(method, func(t *testing.T) {
			req := loadRequest(t, "wrong-method.json")
			req.RequestContext.HTTP.Method = method
			resp := f.do(req)
			if resp.StatusCode != 405 || errorCode(t, resp) != CodeMethodNotAllowed || resp.Headers["Allow"] != "GET, PUT" {
				t.Errorf("%d %v %s", resp.StatusCode, resp.Headers, resp.Body)
			}
		})
	}
}
