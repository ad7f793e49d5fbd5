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
// job" for another user's job and a malformed link; a refreshed token; "reconnecting" and
// recovery; sign-out (the refresh token revoked); the email notifications toggle; keyboard only.
// realdata_test.go holds issue 20's scenarios with what real training produces: long unbroken
// names, messages and a 3.4 KB traceback never make a page wider than a 320, 390 or 1280 px
// screen; rows, focus and scroll kept across polls after "Load more"; the same text for a wrong
// password and an unknown email; the list's live intervals; ticking and overdue ETAs; the outage
// notice, "Retry now" and a job page that cannot load; a failed job's last progress; the emailed
// link opened signed in by a second tab of the same browser; the phone header, the focus ring,
// the filters kept in the URL, names, the password hint. axe-core (npm, pinned in
// mk/browser.mk) checks the sign-in, list and job pages, light and dark, for serious or critical
// violations. Screenshots with realistic data at desktop and phone widths, light and dark, go to
// build/screenshots/ (the README's docs/*.png are copied from there).
//
// The page's poll intervals are shortened with its pollMs query parameter, which the local
// stack's config.json allows (urlTuning; see web/static/config.js), so most tests never wait for
// the real 2 s; the scenarios about the intervals themselves run at the real ones. Jobs that
// must not stall within a scenario carry their own stall window (stall_after_seconds). The
// benchmarks (make bench-e2e) measure the page's weight, SendMessage to the new progress in the
// DOM of a job page, and of an open list and job page at once, at the real poll intervals, and
// the job page's first contentful paint.
//
// Chromium is $CHROMIUM or chromium on PATH (make browser installs it); axe-core is under the
// cache folder (.cache/axe-core). A missing one fails the tests, never skips them.
package browsertest
