package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// EnvChromium names a Chromium or Chrome binary to use instead of chromium on PATH.
const EnvChromium = "CHROMIUM"

// ErrNoBrowser is returned when no Chromium is installed.
var ErrNoBrowser = errors.New("browsertest: chromium not found (run `make browser`, or apt-get install chromium as root, or set " + EnvChromium + ")")

// Chromium returns the browser binary: $CHROMIUM, else chromium on PATH.
func Chromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", ErrNoBrowser, EnvChromium, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// flags are what headless Chromium needs on this machine: no sandbox (root, containers), no GPU,
// and nothing that reaches for the network on its own. The network here is closed, and without
// these flags Chromium hangs on refused connections (QUIC, component updates, sync).
var flags = []chromedp.ExecAllocatorOption{
	chromedp.Headless,
	chromedp.NoSandbox,
	chromedp.DisableGPU,
	chromedp.NoFirstRun,
	chromedp.NoDefaultBrowserCheck,
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-dev-shm-usage", true),
	// Tabs of a test are never throttled as background ones: timers fire on time.
	chromedp.Flag("disable-background-timer-throttling", true),
	chromedp.Flag("disable-backgrounding-occluded-windows", true),
	chromedp.Flag("disable-renderer-backgrounding", true),
	chromedp.Flag("disable-extensions", true),
	chromedp.Flag("disable-default-apps", true),
	chromedp.Flag("disable-breakpad", true),
	chromedp.Flag("metrics-recording-only", true),
	chromedp.Flag("password-store", "basic"),
	chromedp.Flag("use-mock-keychain", true),
	chromedp.WindowSize(1280, 900),
}

// NewBrowser starts Chromium (chromium "" finds one) with a fresh user data folder and returns a
// chromedp context for it; tabs are contexts made from it with chromedp.NewContext. stop ends the
// browser and removes the folder.
func NewBrowser(ctx context.Context, chromium string) (browser context.Context, stop func(), err error) {
	if chromium == "" {
		if chromium, err = Chromium(); err != nil {
			return nil, nil, err
		}
	}
	dir, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		return nil, nil, err
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.UserDataDir(dir)}, flags...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	stop = func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	// The first Run starts the browser, which lives as long as this context (not the caller's).
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		stop()
		return nil, nil, fmt.Errorf("browsertest: starting %s: %w", chromium, err)
	}
	return browser, stop, nil
}
