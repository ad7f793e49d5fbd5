package demo

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"strings"

	"github.com/trainstatus/trainstatus/local/browsertest"
	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
)

// The screenshot's viewport, in CSS pixels: a laptop's.
const screenWidth, screenHeight = 1280, 900

// screenshot opens the tracker page on the finished job in headless Chromium (browsertest:
// Debian's chromium, as the page's browser tests run it), signs in as the owner through the
// page's own form, and saves a PNG of the whole page to cfg.Screenshot.
func (d *demo) screenshot(ctx context.Context, owner cognito.User, j jobRun) {
	page := jobPageURL(d.st.State.HTTPEndpoint, j.id)
	creds := browsertest.Credentials{Email: owner.Email, Password: stack.DefaultPassword}
	_ = os.Remove(d.cfg.Screenshot) // never show an older run's picture
	shown, err := browsertest.Screenshot(ctx, "", page, creds, d.cfg.Screenshot, screenWidth, screenHeight)
	if err == nil && (!strings.Contains(shown, j.id) || !strings.Contains(shown, "Succeeded")) {
		err = fmt.Errorf("the page shows %q, not the finished job %s", firstLines(shown, 3), j.id)
	}
	var w, h int
	if err == nil {
		w, h, err = pngSize(d.cfg.Screenshot)
	}
	if err == nil && w != screenWidth {
		err = fmt.Errorf("%s is %d px wide, want %d", d.cfg.Screenshot, w, screenWidth)
	}
	d.check("the tracker page on the finished job, in headless Chromium", err,
		fmt.Sprintf("%s signed in as %s\n        screenshot (%dx%d PNG): %s", page, owner.Email, w, h, d.cfg.Screenshot))
}

// pngSize reads the size of the PNG at path.
func pngSize(path string) (w, h int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	c, err := png.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return c.Width, c.Height, nil
}

// firstLines is at most n lines of s, for a message.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}
