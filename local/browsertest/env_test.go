package browsertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/producer"
)

// stallWindow is the status-query's stall window in this package's stack: short, so the stalled
// scenario waits seconds, and longer than any gap between the events of the other scenarios.
const stallWindow = 3 * time.Second

// tokenCacheTTL is the ingest function's token cache in this package's stack (deployed: 30 s):
// the bound on revocation that TestReportingTokenPanel waits out.
const tokenCacheTTL = time.Second

// testPollMs is the page's poll interval in the tests (the list polls 5x, 15x slower).
const testPollMs = 100

// env is the one stack and browser every test and benchmark of the package shares.
type env struct {
	state   stack.State
	st      *stack.Stack
	browser context.Context
	sender  *producer.Client
	axe     string // axe-core's source
	stops   []func()
}

var (
	envOnce   sync.Once
	shared    *env
	sharedErr error
)

// TestMain stops the shared stack and browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		for i := len(shared.stops) - 1; i >= 0; i-- {
			shared.stops[i]()
		}
	}
	os.Exit(code)
}

// getEnv starts the shared stack and browser on first use; a missing part fails the test.
func getEnv(t testing.TB) *env {
	t.Helper()
	envOnce.Do(func() { shared, sharedErr = start() })
	if sharedErr != nil {
		t.Fatalf("browser test environment: %v", sharedErr)
	}
	return shared
}

func start() (e *env, err error) {
	e = &env{}
	defer func() {
		if err != nil {
			for i := len(e.stops) - 1; i >= 0; i-- {
				e.stops[i]()
			}
			e.stops = nil
		}
	}()
	chromium, err := Chromium()
	if err != nil {
		return e, err
	}
	cache, err := deps.CacheDir()
	if err != nil {
		return e, err
	}
	axe, err := os.ReadFile(filepath.Join(cache, "axe-core", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		return e, fmt.Errorf("axe-core not installed (run `make browser`): %w", err)
	}
	e.axe = string(axe)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The browser starts while the bootstraps build.
	type started struct {
		ctx  context.Context
		stop func()
		err  error
	}
	browserDone := make(chan started, 1)
	go func() {
		b, stop, err := NewBrowser(ctx, chromium)
		browserDone <- started{b, stop, err}
	}()
	build, buildErr := testenv.PrebuiltOrBuild()
	b := <-browserDone
	if b.err != nil {
		return e, b.err
	}
	e.browser = b.ctx
	e.stops = append(e.stops, b.stop)
	if buildErr != nil {
		return e, buildErr
	}
	e.stops = append(e.stops, testenv.Cleanup)

	cfg := stack.Ephemeral()
	cfg.BuildHost = build
	cfg.DynamoDBEndpoint = os.Getenv(ddbtest.EnvEndpoint) // "": the stack starts its own
	cfg.StatusTable, cfg.UserTable = uniqueName("page-status"), uniqueName("page-users")
	cfg.BatchingWindow = 0 // events reach the table at once: the page's polling is what is tested
	cfg.VisibilityTimeout = deploy.VisibilityTimeout(0)
	cfg.FunctionEnv = map[string]map[string]string{deploy.StatusQuery: {"STALL_WINDOW": stallWindow.String()},
		deploy.Ingest: {deploy.TokenCacheTTLVar.Name: tokenCacheTTL.String()}}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	st, err := stack.Start(ctx, log, cfg)
	if err != nil {
		return e, fmt.Errorf("starting the local stack: %w", err)
	}
	e.st, e.state = st, st.State
	e.stops = append(e.stops, st.Close)
	e.sender = producer.New(fauxqs.NewClient(st.State.SQSEndpoint), st.State.QueueURL)
	return e, nil
}

func uniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// pageURL is the page at path, with the tests' short poll interval.
func (e *env) pageURL(path string) string {
	return fmt.Sprintf("%s%s?pollMs=%d", e.state.HTTPEndpoint, path, testPollMs)
}

// user is a signed-up, confirmed user of the stack's pool.
type user struct {
	Credentials
	Sub, Token string
}

// newUser signs a user up, confirms and logs it in through Cognito (not the page).
func (e *env) newUser(t testing.TB, name string) user {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	email := uniqueName(name) + "@example.com"
	pool := cognito.Pool{ID: e.state.UserPoolID, ClientID: e.state.ClientID, Issuer: e.state.Issuer, JWKSURL: e.state.JWKSURL}
	u, err := cognito.SignUp(ctx, e.state.CognitoEndpoint, e.state.CognitoDir, pool, email, stack.DefaultPassword)
	if err != nil {
		t.Fatalf("sign-up of %s: %v", email, err)
	}
	return user{Credentials: Credentials{Email: email, Password: stack.DefaultPassword}, Sub: u.Sub, Token: u.IDToken}
}

// tab opens a tab in a browser context of its own (fresh storage), closed at the end of the
// test. Every action in it is bounded by timeout.
func (e *env) tab(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	tab, closeTab := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	// The first run opens the tab; it must not carry the timeout (that would close it).
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, timeout)
	t.Cleanup(cancel)
	return ctx
}

// apiGet calls the API as u, for checks and waits that do not go through the page.
func (e *env) apiGet(u user, path string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, e.state.HTTPEndpoint+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
