package receiver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/trainstatus/trainstatus/local/receiver"
)

// TestReceiver: posts are kept and listed, Slack posts rendered; an escaped mention stays text, a
// real one shows as a mention; a path can be made to fail.
func TestReceiver(t *testing.T) {
	s, err := receiver.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	post := func(path, body string) int {
		resp, err := http.Post(s.Endpoint+path, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	slack, _ := json.Marshal(map[string]string{"text": ":x: `&lt;!channel&gt; job` failed\n<https://t.example/jobs/a|Open the job> <!here>"})
	if code := post("/slack/demo", string(slack)); code != 200 {
		t.Fatalf("slack post: %d", code)
	}
	if code := post("/hook/demo", `{"type":"job.failed"}`); code != 200 {
		t.Fatalf("webhook post: %d", code)
	}
	s.SetStatus("/hook/gone", http.StatusGone)
	if code := post("/hook/gone", `{}`); code != http.StatusGone {
		t.Errorf("a failing path answered %d", code)
	}
	if code := post("/elsewhere", `{}`); code != http.StatusNotFound {
		t.Errorf("an unknown path answered %d", code)
	}
	resp, err := http.Get(s.Endpoint + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var store struct{ Posts []receiver.Post }
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil || len(store.Posts) != 2 {
		t.Fatalf("store %+v, %v", store, err)
	}
	want := ":x: `<!channel> job` failed\nOpen the job (https://t.example/jobs/a) @here"
	if got := store.Posts[0].Rendered; got != want || store.Posts[0].Channel != "slack" || store.Posts[1].Channel != "webhook" {
		t.Errorf("rendered %q, want %q", got, want)
	}
}
