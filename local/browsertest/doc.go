// Package browsertest drives the tracker page (package web) in a real, headless Chromium
// (Debian's chromium, through chromedp) against the real local stack.
//
// Its non-test files are what other packages reuse: NewBrowser starts Chromium with the flags
// this machine needs, SignIn signs in through the page's own form, and Screenshot (for
// `make demo`) opens a page signed in and saves a PNG.
//
// Its tests start one local stack in process (local/stack, the bootstraps built by the test as
// `make build-host` builds them, a short stall window) and one browser, shared by every scenario;
// each scenario runs in a fresh browser context (its own storage) with its own users, and asserts
// what is on the screen: sign-up, confirm and sign-in; a job sent with pkg/producer advancing
// live to SUCCESS; a FAILED job's error; stalled; the ETA; paging and the status filter; "no such
// job" for another user's job; a refreshed token; "reconnecting" and recovery; sign-out (the
// refresh token revoked); the email notifications toggle; keyboard only. axe-core (npm, pinned
// in mk/browser.mk) checks the sign-in, list and job pages, light and dark, for serious or
// critical violations. Screenshots of the list and a job page at desktop and phone widths (and
// the job page dark) go to build/screenshots/.
//
// The page's poll intervals are shortened with its pollMs query parameter (see web/static/config.js)
// so the tests never wait for the real 2 s / 10 s. The benchmarks (make bench-e2e) measure the
// page's weight, SendMessage to the new progress in the DOM at the real poll interval, and the
// job page's first contentful paint.
//
// Chromium is $CHROMIUM or chromium on PATH (make browser installs it); axe-core is under the
// cache folder (.cache/axe-core). A missing one fails the tests, never skips them.
package browsertest
