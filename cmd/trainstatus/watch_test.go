package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// answer is one step of the fake API's script: a job (200, or 304 when the client already has
// it) or an error status.
type answer struct {
	job  *statusapi.Job
	code int
	body string // the error body, when not the default
}

// fakeAPI plays GET /status/{request_id} for one job, one script step per request (the last
// step repeats), with the API's ETag and If-None-Match rules and its bearer check.
type fakeAPI struct {
	token, id string
	script    []answer

	mu          sync.Mutex
	requests    int
	notModified int
	ifNoneMatch []string // the header of each request
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.ifNoneMatch = append(f.ifNoneMatch, r.Header.Get("If-None-Match"))
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Unauthorized"}`)
		return
	}
	if r.URL.Path != "/status/"+f.id {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"not_found","message":"no such job"}}`)
		return
	}
	a := f.script[min(f.requests-1, len(f.script)-1)]
	if a.job == nil {
		w.WriteHeader(a.code)
		if a.body != "" {
			fmt.Fprint(w, a.body)
			return
		}
		fmt.Fprintf(w, `{"error":{"code":"x","message":"scripted %d"}}`, a.code)
		return
	}
	body, _ := json.Marshal(a.job)
	etag := fmt.Sprintf(`"%08x"`, crc32.ChecksumIEEE(body))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		f.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(body)
}

func jobAt(status job.Status, progress float64, msg, errText string) *statusapi.Job {
	j := &statusapi.Job{RequestID: "job-1", Status: status, Message: msg, Error: errText,
		Timestamp: job.FormatTime(now.Add(-62 * time.Second)), UpdatedAt: job.FormatTime(now), StallWindowSeconds: 900}
	if progress >= 0 {
		j.Progress = &progress
	}
	if status.Final() {
		j.FinishedAt = job.FormatTime(now.Add(-2 * time.Second))
	}
	return j
}

func TestWatch(t *testing.T) {
	var (
		started  = jobAt(job.Started, -1, "", "")
		half     = jobAt(job.InProgress, 50, "epoch 5/10", "")
		success  = jobAt(job.Success, 100, "done", "")
		failed   = jobAt(job.Failed, 70, "", "CUDA out of memory")
		fast     = []string{"--interval", "5ms"}
		withAuth = func(extra ...string) []string {
			return append([]string{"--id-token", "tok"}, append(fast, extra...)...)
		}
	)
	tests := []struct {
		name        string
		script      []answer
		id          string
		vars        map[string]string
		args        []string // after "watch <id>"; --api-url is added unless vars has it
		wantCode    int
		wantLines   []string // stdout lines, each must contain its string, and no more lines
		wantStderr  string
		want304     int  // -1 for any
		wantNoINM   bool // the first request carries no If-None-Match
		wantStderrN int  // lines of stderr, -1 for any
	}{
		{name: "success, repeated states answered 304 and not redrawn",
			script: []answer{{job: started}, {job: started}, {job: half}, {job: half}, {job: half}, {job: success}},
			args:   withAuth(), wantCode: 0, want304: 3, wantNoINM: true,
			wantLines: []string{"[........................]   0%  STARTED", "[############............]  50%  IN_PROGRESS  epoch 5/10  1m02s",
				"[########################] 100%  SUCCESS      done  1m00s"}},
		{name: "api url and token from the environment",
			script: []answer{{job: success}}, vars: map[string]string{EnvIDToken: "tok"},
			args: fast, wantCode: 0, wantLines: []string{"100%  SUCCESS"}},
		{name: "failed job exits 1 with its error",
			script: []answer{{job: started}, {job: failed}}, args: withAuth(), wantCode: 1,
			wantLines:  []string{"STARTED", "[################........]  70%  FAILED       error: CUDA out of memory"},
			wantStderr: "job-1 FAILED: CUDA out of memory", wantStderrN: 1},
		{name: "server errors are reported once and retried",
			script: []answer{{code: 503}, {code: 503}, {code: 502}, {job: success}}, args: withAuth(), wantCode: 0,
			wantLines: []string{"SUCCESS"}, wantStderr: "503 Service Unavailable: x: scripted 503 (retrying every 5ms)", wantStderrN: 2},
		{name: "wrong token is a 401",
			script: []answer{{job: success}}, args: []string{"--id-token", "stolen", "--interval", "5ms"}, wantCode: 1,
			wantStderr: "401 Unauthorized: the API refused the token", wantStderrN: 1},
		{name: "unknown job is a 404 once the wait is over",
			script: []answer{{job: success}}, id: "job-2", args: withAuth("--wait", "0s"), wantCode: 1,
			wantStderr: `404 Not Found: no job "job-2" for this user`, wantStderrN: 1},
		{name: "a job not reported yet is waited for",
			script: []answer{{code: 404}, {code: 404}, {job: started}, {job: success}}, args: withAuth(), wantCode: 0,
			wantLines: []string{"STARTED", "SUCCESS"}, wantStderr: `no job "job-1" yet`, wantStderrN: 1},
		{name: "a bad request is not retried",
			script: []answer{{code: 400}}, args: withAuth(), wantCode: 1,
			wantStderr: "400 Bad Request: x: scripted 400", wantStderrN: 1},
		{name: "timeout",
			script: []answer{{job: half}}, args: withAuth("--timeout", "150ms"), wantCode: 1, want304: -1,
			wantLines:  []string{"50%  IN_PROGRESS"},
			wantStderr: "gave up on job job-1 after --timeout 150ms (last seen: IN_PROGRESS)", wantStderrN: 1},
		{name: "a hostile job and error body print no control characters",
			script: []answer{{code: 503, body: `{"error":{"code":"x","message":"\u001b[2Jwiped\u0007\u009b"}}`},
				{job: jobAt(job.InProgress, 50, "\x1b[31mred\x07", "")},
				{job: jobAt(job.Failed, 70, "", "\x1b]0;title\x07\u009b2J")}},
			args: withAuth(), wantCode: 1,
			wantLines:  []string{"50%  IN_PROGRESS  [31mred", "70%  FAILED       error: ]0;title2J"},
			wantStderr: "503 Service Unavailable: x: [2Jwiped (retrying every 5ms)", wantStderrN: 2},
		{name: "no token is a usage error",
			script: []answer{{job: success}}, args: fast, wantCode: 2, wantStderr: "--id-token or $TRAINSTATUS_ID_TOKEN is required", wantStderrN: -1},
		{name: "the retired variable is not read, and named",
			script: []answer{{job: success}}, vars: map[string]string{envRetiredToken: "tok"}, args: fast, wantCode: 2,
			wantStderr: "$TRAINSTATUS_TOKEN is no longer read: set $TRAINSTATUS_ID_TOKEN", wantStderrN: 1},
		{name: "a reporting token in the ID token's place is refused",
			script: []answer{{job: success}}, vars: map[string]string{EnvIDToken: "tsk_aaaabbbbccccddddeeeeffffgggghhhh"}, args: fast, wantCode: 2,
			wantStderr: "that is a reporting token (tsk_...)", wantStderrN: 1},
		{name: "the deprecated --token flag still works, with a warning",
			script: []answer{{job: success}}, args: []string{"--token", "tok", "--interval", "5ms"}, wantCode: 0,
			wantLines: []string{"100%  SUCCESS"}, wantStderr: "--token is deprecated: use --id-token", wantStderrN: 1},
		{name: "no request id is a usage error",
			script: []answer{{job: success}}, id: "-", args: withAuth(), wantCode: 2, wantStderr: "want one REQUEST_ID", wantStderrN: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeAPI{token: "tok", id: "job-1", script: tt.script}
			srv := httptest.NewServer(api)
			defer srv.Close()
			id := tt.id
			if id == "" {
				id = "job-1"
			}
			vars := map[string]string{EnvAPIURL: srv.URL}
			for k, v := range tt.vars {
				vars[k] = v
			}
			args := []string{"watch", id}
			if id == "-" {
				args = args[:1]
			}
			if tt.vars == nil {
				vars = nil
				args = append(args, "--api-url", srv.URL+"/")
			}
			r := cli(t, nil, vars, "", append(args, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			lines := nonEmptyLines(r.stdout)
			if len(lines) != len(tt.wantLines) {
				t.Fatalf("stdout has %d lines, want %d:\n%s", len(lines), len(tt.wantLines), r.stdout)
			}
			for i, want := range tt.wantLines {
				if !strings.Contains(lines[i], want) || !strings.HasPrefix(lines[i], "job-1  [") {
					t.Errorf("line %d = %q, want it to contain %q", i, lines[i], want)
				}
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr %q, want %q", r.stderr, tt.wantStderr)
			}
			if strings.ContainsFunc(r.stdout+r.stderr, unsafeRune) {
				t.Errorf("output holds a control character:\n%q\n%q", r.stdout, r.stderr)
			}
			if n := len(nonEmptyLines(r.stderr)); tt.wantStderrN >= 0 && n != tt.wantStderrN {
				t.Errorf("stderr has %d lines, want %d:\n%s", n, tt.wantStderrN, r.stderr)
			}
			if tt.want304 >= 0 && api.notModified != tt.want304 {
				t.Errorf("%d answers were 304, want %d (If-None-Match sent: %q)", api.notModified, tt.want304, api.ifNoneMatch)
			}
			if tt.wantNoINM && api.ifNoneMatch[0] != "" {
				t.Errorf("first request sent If-None-Match %q", api.ifNoneMatch[0])
			}
		})
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name string
		job  *statusapi.Job
		want string
	}{
		{"started, no progress", jobAt(job.Started, -1, "", ""), "job-1  [........................]   0%  STARTED      1m02s"},
		{"running, elapsed to now", jobAt(job.InProgress, 12.5, "warming up", ""), "job-1  [###.....................]  12%  IN_PROGRESS  warming up  1m02s"},
		{"success without progress is 100, elapsed to its end", jobAt(job.Success, -1, "", ""), "job-1  [########################] 100%  SUCCESS      1m00s"},
		{"progress out of range is clamped", jobAt(job.InProgress, 140, "", ""), "job-1  [########################] 100%  IN_PROGRESS  1m02s"},
		{"long message cut", jobAt(job.InProgress, 0, long, ""), "0%  IN_PROGRESS  " + strings.Repeat("x", 59) + "…  1m02s"},
		{"with the API's ETA", with(jobAt(job.InProgress, 50, "epoch 5/10", ""), func(j *statusapi.Job) {
			j.ETA = job.FormatTime(now.Add(6*time.Minute + 58*time.Second))
		}), "50%  IN_PROGRESS  epoch 5/10  1m02s  ETA 6m58s"},
		{"an ETA already past", with(jobAt(job.InProgress, 50, "", ""), func(j *statusapi.Job) {
			j.ETA = job.FormatTime(now.Add(-time.Second))
		}), "50%  IN_PROGRESS  1m02s  ETA now"},
		{"stalled: minutes since the last event, instead of the ETA", with(jobAt(job.InProgress, 50, "epoch 5/10", ""), func(j *statusapi.Job) {
			j.Timestamp = job.FormatTime(now.Add(-21*time.Minute - 2*time.Second))
			j.UpdatedAt = job.FormatTime(now.Add(-17*time.Minute - 30*time.Second))
			j.ETA = job.FormatTime(now.Add(time.Minute))
			j.Stalled = true
		}), "50%  IN_PROGRESS  epoch 5/10  21m02s  stalled for 17 min"},
		{"a final job has no ETA", with(jobAt(job.Success, 100, "", ""), func(j *statusapi.Job) {
			j.ETA = job.FormatTime(now.Add(time.Minute))
		}), "100%  SUCCESS      1m00s"},
		{"escape sequences from the API are not printed", with(jobAt(job.InProgress, 10, "\x1b]0;pwned\x07epoch\x1b[2J 1\u009b31m", ""), func(j *statusapi.Job) {
			j.RequestID = "job\x1b[1A-1"
		}), "job[1A-1  [##......................]  10%  IN_PROGRESS  ]0;pwnedepoch[2J 131m  1m02s"},
		{"a multi-line error on one line", jobAt(job.Failed, 70, "", "Traceback:\n\tline 3\r\nOOM"), "70%  FAILED       error: Traceback: line 3 OOM  1m00s"},
		{"no timestamp, no elapsed", &statusapi.Job{RequestID: "j", Status: job.Started}, "j  [........................]   0%  STARTED    "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := line(*tt.job, now)
			if !strings.HasSuffix(got, tt.want) {
				t.Errorf("line =\n%q, want it to end with\n%q", got, tt.want)
			}
			if strings.ContainsFunc(got, unsafeRune) {
				t.Errorf("line %q holds a control character", got)
			}
		})
	}
}

// with returns j changed by f.
func with(j *statusapi.Job, f func(*statusapi.Job)) *statusapi.Job {
	f(j)
	return j
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 7400 * time.Millisecond: "7s", 62 * time.Second: "1m02s", 3*time.Hour + 4*time.Minute + 5*time.Second: "3h04m05s",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		want string
	}{
		{"terminal redraws in place", true, "\rA\x1b[K\rB\x1b[K\nwarning\n\rC\x1b[K\n"},
		{"pipe writes a line each", false, "A\nB\nwarning\nC\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			b := &bar{w: &out, tty: tt.tty}
			b.draw("A")
			b.draw("B")
			b.interrupt()
			out.WriteString("warning\n")
			b.draw("C")
			b.end()
			b.end()
			if out.String() != tt.want {
				t.Errorf("wrote %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		s     string
		width int
		want  string
	}{
		{"job-1  [###...]  50%", 0, "job-1  [###...]  50%"},
		{"job-1  [###...]  50%", 80, "job-1  [###...]  50%"},
		{"job-1  [###...]  50%", 21, "job-1  [###...]  50%"},
		{"job-1  [###...]  50%", 20, "job-1  [###...]  5…"},
		{"épochs ééé", 6, "époc…"},
	}
	for _, tc := range cases {
		if got := fit(tc.s, tc.width); got != tc.want {
			t.Errorf("fit(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
	}
}
