package demo

import (
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/local/ses"
)

func TestExpectEmail(t *testing.T) {
	const link = "http://127.0.0.1:3000/jobs/demo-1"
	good := ses.Email{To: []string{"ada@example.com"}, Subject: "demo-1 succeeded in 4 s",
		Text: "See the job: " + link + "\n", HTML: `<p><a href="` + link + `">See the job on the tracker</a></p>`}
	with := func(change func(*ses.Email)) []ses.Email {
		m := good
		change(&m)
		return []ses.Email{m}
	}
	tests := []struct {
		name    string
		mails   []ses.Email
		wantErr string
	}{
		{"the one email", []ses.Email{good}, ""},
		{"none", nil, "0 emails about demo-1, want exactly 1"},
		{"a duplicate", []ses.Email{good, good}, "2 emails about demo-1, want exactly 1"},
		{"to someone else", with(func(m *ses.Email) { m.To = []string{"bob@example.com"} }), "want only ada@example.com"},
		{"a copy to someone else", with(func(m *ses.Email) { m.Bcc = []string{"bob@example.com"} }), "want only ada@example.com"},
		{"says failed", with(func(m *ses.Email) { m.Subject = "demo-1 failed: CUDA out of memory" }), `want "demo-1 succeeded"`},
		{"no link in the text", with(func(m *ses.Email) { m.Text = "done" }), "the text part lacks the link"},
		{"a link to another job", with(func(m *ses.Email) { m.HTML = strings.ReplaceAll(m.HTML, "demo-1", "demo-2") }), "the HTML part lacks a link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := expectEmail(tt.mails, "demo-1", "ada@example.com", link)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("expectEmail = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestAbout(t *testing.T) {
	all := []ses.Email{{Subject: "demo-1 succeeded in 4 s"}, {Subject: "demo-10 succeeded in 2 s"}, {Subject: "demo-1 failed: oom"}, {Subject: "other demo-1"}}
	got := about(all, "demo-1")
	if len(got) != 2 || got[0].Subject != all[0].Subject || got[1].Subject != all[2].Subject {
		t.Errorf("about = %+v", got)
	}
}

func TestJobPageURL(t *testing.T) {
	for _, tt := range []struct{ base, id, want string }{
		{"http://127.0.0.1:3000", "demo-1", "http://127.0.0.1:3000/jobs/demo-1"},
		{"https://tracker.example.com/", "run:7.b", "https://tracker.example.com/jobs/run:7.b"},
	} {
		if got := jobPageURL(tt.base, tt.id); got != tt.want {
			t.Errorf("jobPageURL(%q, %q) = %q, want %q", tt.base, tt.id, got, tt.want)
		}
	}
}
