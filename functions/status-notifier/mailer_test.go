package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/trainstatus/trainstatus/internal/localaws"
)

// TestSendEmailIsTheSDKRequest: SES.Send sends the request the generated SES v2 client sends for
// the same email: method, path, content type and JSON body (with characters that JSON escapes).
func TestSendEmailIsTheSDKRequest(t *testing.T) {
	type request struct {
		method, path, contentType string
		body                      map[string]any
	}
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		got = append(got, request{r.Method, r.URL.Path, r.Header.Get("Content-Type"), body})
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"MessageId":"ses-1"}`)
	}))
	t.Cleanup(srv.Close)
	cfg := localaws.Config(srv.URL)

	e := Email{To: "ada@example.com", Subject: `Your job "resnet <50>" succeeded`,
		Text: "Done & dusted\nin 12 min", HTML: `<p>Done &amp; <a href="https://t.example/jobs/a?b=c&d=e">dusted</a></p>`}
	mailer, err := NewSES(cfg, "trainstatus@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := mailer.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	utf8 := aws.String("UTF-8")
	_, err = sesv2.NewFromConfig(cfg).SendEmail(context.Background(), &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("trainstatus@example.com"),
		Destination:      &types.Destination{ToAddresses: []string{e.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(e.Subject), Charset: utf8},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(e.Text), Charset: utf8},
				Html: &types.Content{Data: aws.String(e.HTML), Charset: utf8},
			},
		}},
	})
	if err != nil {
		t.Fatalf("the SDK's SendEmail: %v", err)
	}
	if len(got) != 2 || !reflect.DeepEqual(got[0], got[1]) {
		t.Fatalf("requests differ:\nours    %+v\nthe SDK %+v", got[0], got[1])
	}
}
