package ses_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/ses"
)

func start(t *testing.T) *ses.Server {
	t.Helper()
	srv, err := ses.Start(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)), testenv.Tools(t), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func simple(from string, to, cc []string, subject, text, html string) *sesv2.SendEmailInput {
	body := &types.Body{}
	if text != "" {
		body.Text = &types.Content{Data: aws.String(text), Charset: aws.String("UTF-8")}
	}
	if html != "" {
		body.Html = &types.Content{Data: aws.String(html), Charset: aws.String("UTF-8")}
	}
	return &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: to, CcAddresses: cc},
		Content:          &types.EmailContent{Simple: &types.Message{Subject: &types.Content{Data: aws.String(subject)}, Body: body}},
	}
}

// TestSendAndRead sends through the SDK's SendEmail and reads each email back from the store.
func TestSendAndRead(t *testing.T) {
	srv := start(t)
	client := ses.NewClient(srv.Endpoint())
	ctx := context.Background()
	before := time.Now().Truncate(time.Second)
	cases := []struct {
		name    string
		in      *sesv2.SendEmailInput
		want    ses.Email
		wantErr bool
	}{
		{name: "text and HTML",
			in: simple("jobs@trainstatus.test", []string{"ada@example.com"}, nil, "resnet50-lr0.1 succeeded in 2 h 14 min",
				"Your job succeeded.\nhttp://127.0.0.1:3000/jobs/job-1", `<p>Your job <b>succeeded</b>.</p>`),
			want: ses.Email{From: "jobs@trainstatus.test", To: []string{"ada@example.com"}, Cc: []string{}, Bcc: []string{},
				Subject: "resnet50-lr0.1 succeeded in 2 h 14 min", Text: "Your job succeeded.\nhttp://127.0.0.1:3000/jobs/job-1",
				HTML: `<p>Your job <b>succeeded</b>.</p>`}},
		{name: "text only, several recipients",
			in: simple("jobs@trainstatus.test", []string{"a@example.com", "b@example.com"}, []string{"c@example.com"},
				"bert failed: CUDA out of memory", "It failed.", ""),
			want: ses.Email{From: "jobs@trainstatus.test", To: []string{"a@example.com", "b@example.com"}, Cc: []string{"c@example.com"},
				Bcc: []string{}, Subject: "bert failed: CUDA out of memory", Text: "It failed."}},
		{name: "an invalid address is accepted (the emulator never refuses one)",
			in: simple("jobs@trainstatus.test", []string{"not an address"}, nil, "s", "t", ""),
			want: ses.Email{From: "jobs@trainstatus.test", To: []string{"not an address"}, Cc: []string{}, Bcc: []string{},
				Subject: "s", Text: "t"}},
		{name: "no subject is refused and not stored",
			in: simple("jobs@trainstatus.test", []string{"a@example.com"}, nil, "", "t", ""), wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := srv.Clear(ctx); err != nil {
				t.Fatal(err)
			}
			out, err := client.SendEmail(ctx, tc.in)
			if tc.wantErr {
				var api smithy.APIError
				var resp *awshttp.ResponseError
				if !errors.As(err, &api) || !errors.As(err, &resp) || resp.HTTPStatusCode() != 400 {
					t.Fatalf("SendEmail = %v; want an API error with HTTP 400", err)
				}
				t.Logf("refused: code %q, status %d", api.ErrorCode(), resp.HTTPStatusCode())
			} else if err != nil {
				t.Fatal(err)
			}
			emails, err := srv.Emails(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr {
				if len(emails) != 0 {
					t.Fatalf("store holds %+v, want nothing", emails)
				}
				return
			}
			if len(emails) != 1 {
				t.Fatalf("store holds %d emails, want 1", len(emails))
			}
			got := emails[0]
			if got.MessageID != *out.MessageId {
				t.Errorf("message id %q, SendEmail said %q", got.MessageID, *out.MessageId)
			}
			if got.Time.Before(before) || got.Time.After(time.Now()) {
				t.Errorf("time %s not between %s and now", got.Time, before)
			}
			want := tc.want
			want.MessageID, want.Time, want.ReplyTo = got.MessageID, got.Time, []string{}
			if got.From != want.From || !slices.Equal(got.To, want.To) || !slices.Equal(got.Cc, want.Cc) || !slices.Equal(got.Bcc, want.Bcc) ||
				got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML || !slices.Equal(got.ReplyTo, want.ReplyTo) {
				t.Errorf("stored %+v\nwant     %+v", got, want)
			}
		})
	}
}

// TestEmailsSince: the store filters by send time (whole seconds), and a stopped emulator's
// store is an ErrStore.
func TestEmailsSince(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	sentFrom := time.Now().Truncate(time.Second) // the store keeps whole seconds
	if _, err := ses.NewClient(srv.Endpoint()).SendEmail(ctx, simple("a@x.test", []string{"b@x.test"}, nil, "s", "t", "")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		since time.Time
		want  int
	}{
		{"since the epoch", time.Unix(1, 0), 1},
		{"since the second it was sent in", sentFrom, 1},
		{"since an hour from now", time.Now().Add(time.Hour), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := srv.EmailsSince(ctx, tc.since)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("%d emails, want %d", len(got), tc.want)
			}
		})
	}
	srv.Close()
	if _, err := srv.Emails(ctx); !errors.Is(err, ses.ErrStore) {
		t.Errorf("Emails after Close = %v, want ErrStore", err)
	}
}
