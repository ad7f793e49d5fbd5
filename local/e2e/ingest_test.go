package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// ingestEnv is the ingest function's environment for TestReportingTokens: a one-second token
// cache, so revocation shows within the test, and the lowest rate limit (one full batch) over
// an hour, so a flood is refused whatever the clock.
var ingestEnv = map[string]string{
	deploy.TokenCacheTTLVar.Name:    "1s",
	deploy.IngestRateLimitVar.Name:  "100",
	deploy.IngestRateWindowVar.Name: "1h",
}

// TestReportingTokens runs issue 19 end to end through the HTTP API of a real local stack: a
// token made with POST /me/tokens reports a job through POST /v1/events that its owner then
// sees on GET /status/{id}; a body naming another user is refused; another user's token cannot
// touch the job; a revoked token is refused (within the cache TTL, checked with a fake clock in
// functions/ingest); a flooding user is 429'd while another user's events pass.
func TestReportingTokens(t *testing.T) {
	noLeftovers(t)
	st := startStack(t, stack.Config{DynamoDBEndpoint: dynamoDB(t), FunctionEnv: map[string]map[string]string{deploy.Ingest: ingestEnv}})
	s := st.State
	api := s.HTTPEndpoint
	ada, bob, carol := signUp(t, s, "ada@example.com"), signUp(t, s, "bob@example.com"), signUp(t, s, "carol@example.com")
	secrets := map[string]string{}
	for _, u := range []user{ada, bob, carol} {
		a := send(t, api, "POST", "/me/tokens", u.Token, `{"name":"e2e `+u.Email+`"}`)
		var created statusapi.CreatedToken
		if a.status != 201 || json.Unmarshal([]byte(a.body), &created) != nil || !strings.HasPrefix(created.Secret, "tsk_") {
			t.Fatalf("POST /me/tokens for %s: %d %s", u.Email, a.status, a.body)
		}
		secrets[u.Sub] = created.Secret
	}
	var list statusapi.TokenList
	if a := get(t, api, "/me/tokens", ada.Token, nil); a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil ||
		len(list.Tokens) != 1 || strings.Contains(a.body, secrets[ada.Sub]) {
		t.Fatalf("GET /me/tokens: %d %s", a.status, a.body)
	}

	now := time.Now().UTC()
	at := func(d time.Duration) string { return job.FormatTime(now.Add(d)) }
	id := uniqueName("job-token")
	ingest := func(secret, body string) (answer, statusapi.IngestResponse) {
		t.Helper()
		a := send(t, api, "POST", deploy.IngestRoute.Path, secret, body)
		var out statusapi.IngestResponse
		if a.status == 200 || a.status == 503 {
			if err := json.Unmarshal([]byte(a.body), &out); err != nil {
				t.Fatalf("ingest answer %s: %v", a.body, err)
			}
		}
		return a, out
	}
	a, out := ingest(secrets[ada.Sub], fmt.Sprintf(`{"events":[
		{"request_id":%q,"status":"STARTED","event_time":%q,"name":"resnet50 lr=0.1"},
		{"request_id":%q,"status":"IN_PROGRESS","event_time":%q,"progress":40,"message":"epoch 4/10"},
		{"request_id":%q,"user_id":%q,"status":"FAILED","event_time":%q,"error":"naming bob"}]}`,
		id, at(-2*time.Second), id, at(-time.Second), id, bob.Sub, at(0)))
	if a.status != 200 || out.Accepted != 2 || out.Refused != 1 || out.Results[2].Field != "user_id" {
		t.Fatalf("ada's batch: %d %s", a.status, a.body)
	}
	adaSees := func(want job.Status) func() (bool, string) {
		return func() (bool, string) {
			a := get(t, api, "/status/"+id, ada.Token, nil)
			if a.status != 200 {
				return false, a.body
			}
			j := apiJob(t, a.body)
			return j.Status == want && j.Name == "resnet50 lr=0.1" && j.Progress != nil && *j.Progress == 40, a.body
		}
	}
	eventually(t, 30*time.Second, "ada's job in progress on GET /status/{id}", adaSees(job.InProgress))

	// Bob's token reports the same request id: it is bob's job, and ada's is untouched.
	if a, out := ingest(secrets[bob.Sub], fmt.Sprintf(`{"request_id":%q,"status":"FAILED","event_time":%q,"error":"bob's run"}`, id, at(time.Second))); a.status != 200 || out.Accepted != 1 {
		t.Fatalf("bob's event: %d %s", a.status, a.body)
	}
	eventually(t, 30*time.Second, "bob's own job", func() (bool, string) {
		a := get(t, api, "/status/"+id, bob.Token, nil)
		return a.status == 200 && apiJob(t, a.body).Status == job.Failed, a.body
	})
	if ok, body := adaSees(job.InProgress)(); !ok {
		t.Errorf("bob's token changed ada's job: %s", body)
	}
	if a, out := ingest(secrets[bob.Sub], fmt.Sprintf(`{"request_id":%q,"user_id":%q,"status":"SUCCESS","event_time":%q}`, id, ada.Sub, at(2*time.Second))); a.status != 200 || out.Refused != 1 || out.Results[0].Field != "user_id" {
		t.Errorf("bob's token naming ada: %d %s", a.status, a.body)
	}

	// Revocation: 204, then refused with the one 401 (within TOKEN_CACHE_TTL, here 1 s).
	var tokenID string
	for _, tok := range list.Tokens {
		tokenID = tok.ID
	}
	if a := send(t, api, "DELETE", "/me/tokens/"+tokenID, bob.Token, ""); a.status != 404 {
		t.Errorf("bob revoking ada's token: %d %s", a.status, a.body)
	}
	if a := send(t, api, "DELETE", "/me/tokens/"+tokenID, ada.Token, ""); a.status != 204 {
		t.Fatalf("DELETE /me/tokens/%s: %d %s", tokenID, a.status, a.body)
	}
	unauthenticated, _ := ingest("", fmt.Sprintf(`{"request_id":%q,"status":"SUCCESS","event_time":%q}`, id, at(3*time.Second)))
	eventually(t, 30*time.Second, "the revoked token refused", func() (bool, string) {
		a, _ := ingest(secrets[ada.Sub], fmt.Sprintf(`{"request_id":%q,"status":"SUCCESS","event_time":%q}`, id, at(3*time.Second)))
		return a.status == 401 && a.body == unauthenticated.body && a.header.Get("WWW-Authenticate") == "Bearer", fmt.Sprint(a.status, a.body)
	})

	// Carol floods: refused with 429 and Retry-After once over her limit; bob's events pass.
	hundred := make([]string, 100)
	for i := range hundred {
		hundred[i] = fmt.Sprintf(`{"request_id":"flood-%d","status":"IN_PROGRESS","event_time":%q,"progress":1}`, i, at(0))
	}
	flood := `{"events":[` + strings.Join(hundred, ",") + `]}`
	var limited answer
	for range 3 { // a window may end between two requests: the next one is refused all the same
		if a, _ := ingest(secrets[carol.Sub], flood); a.status == 429 {
			limited = a
			break
		}
	}
	if limited.status != 429 || limited.header.Get("Retry-After") == "" || !strings.Contains(limited.body, `"rate_limited"`) {
		t.Fatalf("carol's flood never refused: %+v", limited)
	}
	if a, out := ingest(secrets[bob.Sub], fmt.Sprintf(`{"request_id":%q,"status":"STARTED","event_time":%q}`, uniqueName("bob"), at(0))); a.status != 200 || out.Accepted != 1 {
		t.Errorf("bob during carol's flood: %d %s", a.status, a.body)
	}
	if ok, body := adaSees(job.InProgress)(); !ok {
		t.Errorf("ada's job changed after her token was revoked: %s", body)
	}
}
