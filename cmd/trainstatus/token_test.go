package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

const testIDToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"

// tokensFake is status-query's /me/tokens routes of the BRIEF contract for one user.
type tokensFake struct {
	mu     sync.Mutex
	tokens []statusapi.Token
	next   int
}

func (f *tokensFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+testIDToken {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"unauthorized","message":"no"}}`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/me/tokens":
		json.NewEncoder(w).Encode(map[string]any{"tokens": f.tokens})
	case r.Method == http.MethodPost && r.URL.Path == "/me/tokens":
		var body struct{ Name string }
		json.NewDecoder(r.Body).Decode(&body)
		if body.Name == "" || len(body.Name) > 64 {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"code":"invalid_name","message":"a name is 1-64 characters"}}`)
			return
		}
		if len(f.tokens) >= 20 {
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"error":{"code":"too_many_tokens","message":"at most 20 tokens"}}`)
			return
		}
		f.next++
		t := statusapi.Token{ID: strings.Repeat("ab", 7) + string(rune('0'+f.next)) + "0", Name: body.Name, Prefix: "tsk_abcd", CreatedAt: "2026-11-24T10:00:05.000000Z"}
		f.tokens = append([]statusapi.Token{t}, f.tokens...)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"token": t, "secret": testToken})
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/me/tokens/"):
		id := strings.TrimPrefix(r.URL.Path, "/me/tokens/")
		for i, t := range f.tokens {
			if t.ID == id {
				f.tokens = append(f.tokens[:i], f.tokens[i+1:]...)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"not_found","message":"no such token"}}`)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// TestTokenCommands runs create, list and revoke in order against one fake user.
func TestTokenCommands(t *testing.T) {
	srv := httptest.NewServer(&tokensFake{})
	defer srv.Close()
	home := t.TempDir()
	vars := map[string]string{EnvAPIURL: srv.URL, EnvIDToken: testIDToken, EnvConfigHome: home}
	steps := []struct {
		name       string
		vars       map[string]string // replaces vars when set
		args       []string
		wantCode   int
		wantStdout string // exact, unless wantIn
		wantIn     []string
		wantStderr string
	}{
		{name: "create prints the secret alone on stdout", args: []string{"token", "create", "lab-gpu-3"},
			wantStdout: testToken + "\n", wantStderr: "created token ababababababab10 (lab-gpu-3, tsk_abcd...): the secret above is shown this once"},
		{name: "create --save stores it", args: []string{"token", "create", "laptop", "--save"},
			wantStdout: testToken + "\n", wantStderr: "saved to " + configFile(home)},
		{name: "list, newest first", args: []string{"token", "list"},
			wantIn: []string{"ID                NAME       PREFIX       CREATED                      LAST USED\n",
				"ababababababab20  laptop     tsk_abcd...  2026-11-24T10:00:05.000000Z  -\n",
				"ababababababab10  lab-gpu-3  tsk_abcd...  2026-11-24T10:00:05.000000Z  -\n"}},
		{name: "list --json", args: []string{"token", "list", "--json"},
			wantIn: []string{`{"id":"ababababababab20","name":"laptop","prefix":"tsk_abcd","created_at":"2026-11-24T10:00:05.000000Z"}` + "\n"}},
		{name: "revoke", args: []string{"token", "revoke", "ababababababab10"}, wantIn: []string{"revoked ababababababab10"}},
		{name: "revoke an unknown id", args: []string{"token", "revoke", "ababababababab10"}, wantCode: 1,
			wantStderr: "token revoke ababababababab10: no such token of yours"},
		{name: "a bad name is refused before the API is asked", args: []string{"token", "create", strings.Repeat("n", 65)}, wantCode: 2,
			wantStderr: "token create: a token's name must be 1 to 64 characters"},
		{name: "an expired ID token", vars: map[string]string{EnvAPIURL: srv.URL, EnvIDToken: "eyJ.x.y", EnvConfigHome: home},
			args: []string{"token", "list"}, wantCode: 1, wantStderr: "401 Unauthorized: the API refused the ID token"},
		{name: "a reporting token is not an ID token", vars: map[string]string{EnvAPIURL: srv.URL, EnvIDToken: testToken, EnvConfigHome: home},
			args: []string{"token", "list"}, wantCode: 2, wantStderr: "that is a reporting token"},
		{name: "no ID token", vars: map[string]string{EnvAPIURL: srv.URL, EnvConfigHome: home},
			args: []string{"token", "list"}, wantCode: 2, wantStderr: "--id-token or $TRAINSTATUS_ID_TOKEN is required"},
		{name: "the API URL from the config file (saved by create --save)", vars: map[string]string{EnvIDToken: testIDToken, EnvConfigHome: home},
			args: []string{"token", "list"}, wantIn: []string{"laptop"}},
	}
	for _, s := range steps {
		v := vars
		if s.vars != nil {
			v = s.vars
		}
		r := cli(t, nil, v, "", s.args...)
		if r.code != s.wantCode || !strings.Contains(r.stderr, s.wantStderr) || (s.wantIn == nil && s.wantStdout != r.stdout) {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", s.name, r.code, r.stdout, r.stderr)
		}
		for _, want := range s.wantIn {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: stdout %q does not contain %q", s.name, r.stdout, want)
			}
		}
	}
	checkConfigFile(t, home, clientConfig{APIURL: srv.URL, Token: testToken})
}

// checkConfigFile checks the config file's content and, where the system has them, its mode
// and its directory's.
func checkConfigFile(t *testing.T, home string, want clientConfig) {
	t.Helper()
	path := configFile(home)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got clientConfig
	if err := json.Unmarshal(b, &got); err != nil || got != want {
		t.Fatalf("config file %s: %s (%v), want %+v", path, b, err, want)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (%v), want %04o", p, st.Mode().Perm(), err, mode)
		}
	}
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		existing   string // config file content before
		args       []string
		stdin      string
		wantCode   int
		wantStderr string
		want       *clientConfig
	}{
		{name: "token from stdin, URL from the flag", args: []string{"--api-url", "http://127.0.0.1:9/"}, stdin: testToken + "\n",
			wantStderr: "saved the API URL and the token (tsk_abcd...)", want: &clientConfig{APIURL: "http://127.0.0.1:9", Token: testToken}},
		{name: "URL from the environment", vars: map[string]string{EnvAPIURL: "https://api.example.com"}, stdin: testToken,
			want: &clientConfig{APIURL: "https://api.example.com", Token: testToken}},
		{name: "URL kept from the file, token replaced", existing: `{"api_url":"https://old.example.com","token":"tsk_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}`,
			stdin: testToken, want: &clientConfig{APIURL: "https://old.example.com", Token: testToken}},
		{name: "a token on the command line is refused", args: []string{"--api-url", "http://x", testToken}, wantCode: 2,
			wantStderr: "never from the command line"},
		{name: "not a token", args: []string{"--api-url", "http://x"}, stdin: "hunter2\n", wantCode: 2,
			wantStderr: "the reporting token is not one"},
		{name: "an ID token", args: []string{"--api-url", "http://x"}, stdin: testIDToken + "\n", wantCode: 2,
			wantStderr: "the reporting token is a JWT"},
		{name: "nothing on stdin", args: []string{"--api-url", "http://x"}, wantCode: 1, wantStderr: "no token on stdin"},
		{name: "no URL", stdin: testToken, wantCode: 2, wantStderr: "--api-url or $TRAINSTATUS_API_URL is required"},
		{name: "not a URL", args: []string{"--api-url", "ftp://x"}, stdin: testToken, wantCode: 2, wantStderr: "must be an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if tt.existing != "" {
				writeConfig(t, home, tt.existing)
			}
			vars := map[string]string{EnvConfigHome: home}
			for k, v := range tt.vars {
				vars[k] = v
			}
			r := cli(t, nil, vars, tt.stdin, append([]string{"login"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, testToken) {
				t.Errorf("the secret was printed: %q %q", r.stdout, r.stderr)
			}
			if tt.want != nil {
				checkConfigFile(t, home, *tt.want)
			}
		})
	}
}

// TestConfigFileReadableByOthers: a config file others may read is used, with a warning.
func TestConfigFileReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		return // no mode bits to check
	}
	fake, srv := newIngestFake(t)
	home := t.TempDir()
	writeConfig(t, home, `{"api_url":"`+srv.URL+`","token":"`+testToken+`"}`)
	if err := os.Chmod(configFile(home), 0o644); err != nil {
		t.Fatal(err)
	}
	r := cli(t, nil, map[string]string{EnvConfigHome: home}, "", "send", "--request-id", "j", "--status", "STARTED")
	if r.code != 0 || !strings.Contains(r.stderr, "holds a secret but others may read it (mode 0644); run: chmod 600 ") || len(fake.got()) != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
