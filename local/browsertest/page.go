package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

// Credentials sign in on the page.
type Credentials struct {
	Email, Password string
}

// ErrNotShown is returned when the page did not show what was waited for in time.
var ErrNotShown = errors.New("browsertest: the page did not show it")

// ShownJS is true once the page shows content, not a "Loading…": a job's tracker, the list's
// rows or its empty state, "no such job", or the sign-in form.
const ShownJS = `!!(document.querySelector('#job .stages, #jobs .job, form.auth') ||
  (document.querySelector('#empty') && !document.querySelector('#empty').hidden) ||
  document.title.startsWith('No such job'))`

// SignIn opens pageURL in the tab of ctx, signs in with creds through the page's own form and
// waits until the page shows what pageURL names (the list, or a job for a deep link).
func SignIn(ctx context.Context, pageURL string, creds Credentials) error {
	err := chromedp.Do(ctx,
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(chromedp.CSS(`form.auth input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`form.auth input[name=email]`), creds.Email),
		chromedp.SendKeys(chromedp.CSS(`form.auth input[name=password]`), creds.Password),
		chromedp.Click(chromedp.CSS(`form.auth button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signout`)),
	)
	if err != nil {
		return fmt.Errorf("signing in on %s: %w", pageURL, err)
	}
	return WaitShown(ctx)
}

// WaitShown waits until the page shows content (ShownJS).
func WaitShown(ctx context.Context) error {
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](ShownJS, chromedp.WithPollingMutation())); err != nil {
		return fmt.Errorf("%w: %v", ErrNotShown, err)
	}
	return nil
}

// Screenshot opens pageURL (a job's /jobs/{request_id}, or the list) in a fresh headless
// Chromium at width x height CSS pixels, signs in with creds, waits until the page shows its
// content and writes a PNG of the whole page to outPath. chromium "" finds one (Chromium). It
// returns the text of the page's main region, so the caller can check what was photographed (the
// job and its state, not a "no such job"). It is what `make demo` calls on the finished job.
func Screenshot(ctx context.Context, chromium, pageURL string, creds Credentials, outPath string, width, height int64) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	browser, stop, err := NewBrowser(ctx, chromium)
	if err != nil {
		return "", err
	}
	defer stop()
	tab, closeTab := chromedp.NewContext(browser)
	defer closeTab()
	tab, cancelTab := context.WithTimeout(tab, time.Minute)
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(width, height)); err != nil {
		return "", err
	}
	if err := SignIn(tab, pageURL, creds); err != nil {
		return "", err
	}
	text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	if err != nil {
		return "", err
	}
	return text, SavePNG(tab, outPath)
}

// SavePNG writes a PNG of the whole page of the tab to path, creating its folder.
func SavePNG(ctx context.Context, path string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
