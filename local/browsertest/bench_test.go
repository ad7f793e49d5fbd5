package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// BenchmarkPage measures the tracker page in Chromium against the shared stack (no batching
// window, so the numbers are the page's own):
//
//   - weight: the first load of the page (every request up to the sign-in form, from the Resource
//     Timing API: decoded body bytes of each), then of a job's page signed in (static files,
//     config.json, the API's answer); requests to an origin other than the page's and Cognito's
//     are counted as third-party;
//   - send-to-dom: from SendMessage of a progress report until the new value is in the job page's
//     DOM, at the page's real 2 s poll interval, sends spread evenly over the poll's phase;
//   - send-to-list-and-job: from one SendMessage of a progress report until the new value is in
//     the DOM of an open list and of an open job page (two tabs of one browser, each at the page's
//     real intervals: the list's 2 s while a listed job runs, the job page's 2 s), sends spread
//     over the poll's phase; both latencies of each send are measured in the same run;
//   - paint: the job page opened by deep link with a session in the tab: first contentful paint
//     (Paint Timing API) and the time until the job's tracker is drawn.
func BenchmarkPage(b *testing.B) {
	e := getEnv(b)
	u := e.newUser(b, "bench")
	id := "bench-job"
	e.send(b, u, id, started(), progress(1))
	e.waitJobStatus(b, u, id, job.InProgress, 1)
	origin := e.state.HTTPEndpoint
	jobURL := origin + "/jobs/" + id

	b.Run("weight", func(b *testing.B) {
		var first, signedIn weight
		for range b.N {
			ctx := e.tab(b, time.Minute)
			do(b, ctx, chromedp.Navigate(origin+"/"), chromedp.WaitVisible(chromedp.CSS(`form.auth`)))
			first = measureWeight(b, ctx, origin, e.state.CognitoEndpoint)
			ctx = e.tab(b, time.Minute)
			if err := SignIn(ctx, jobURL, u.Credentials); err != nil {
				b.Fatal(err)
			}
			signedIn = measureWeight(b, ctx, origin, e.state.CognitoEndpoint)
		}
		b.ReportMetric(float64(first.bytes), "first-load-bytes")
		b.ReportMetric(float64(first.requests), "first-load-requests")
		b.ReportMetric(float64(signedIn.bytes), "job-page-bytes")
		b.ReportMetric(float64(signedIn.requests), "job-page-requests")
		b.ReportMetric(float64(first.thirdParty+signedIn.thirdParty), "third-party-requests")
	})

	b.Run("send-to-dom", func(b *testing.B) {
		const samples = 20
		const poll = 2 * time.Second // the page's JOB_POLL_MS (web/static/config.js)
		var lat []time.Duration
		for range b.N {
			ctx := e.tab(b, 5*time.Minute)
			if err := SignIn(ctx, jobURL, u.Credentials); err != nil {
				b.Fatal(err)
			}
			for i := range samples {
				p := float64(10 + i)
				// Spread the sends evenly over the poll's phase: right after an answer, a send
				// would always wait a whole interval.
				phase := time.NewTimer(time.Duration(i) * poll / samples)
				<-phase.C
				start := time.Now()
				e.send(b, u, id, progress(p))
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`%s === %g`, jobProgress, p), chromedp.WithPollingTimeout(waitFor))); err != nil {
					b.Fatalf("progress %g never shown: %v", p, err)
				}
				lat = append(lat, time.Since(start))
			}
		}
		reportPercentiles(b, "", lat)
		b.ReportMetric(float64(poll.Milliseconds()), "poll-ms")
	})

	b.Run("send-to-list-and-job", func(b *testing.B) {
		const samples = 20
		const poll = 2 * time.Second // the page's LIST_POLL_MS and JOB_POLL_MS (web/static/config.js)
		live := "bench-live"
		e.send(b, u, live, started().stallAfter(time.Hour), progress(1).stallAfter(time.Hour))
		e.waitJobStatus(b, u, live, job.InProgress, 1)
		var toList, toJob []time.Duration
		for range b.N {
			list := e.tab(b, 5*time.Minute)
			if err := SignIn(list, origin+"/", u.Credentials); err != nil {
				b.Fatal(err)
			}
			page, closePage := chromedp.NewContext(list) // a second tab, signed in by the hand-off
			do(b, page, chromedp.Navigate(origin+"/jobs/"+live))
			if err := WaitShown(page); err != nil {
				b.Fatal(err)
			}
			listHas := func(p float64) string {
				return fmt.Sprintf(`document.querySelector('#jobs li[data-id=%s] progress')?.value === %g`, jsString(live), p)
			}
			for i := range samples {
				p := float64(10 + i)
				phase := time.NewTimer(time.Duration(i) * poll / samples)
				<-phase.C
				start := time.Now()
				e.send(b, u, live, progress(p).stallAfter(time.Hour))
				seen := make(chan error, 2)
				var lat [2]time.Duration
				for k, w := range []struct {
					ctx  context.Context
					expr string
				}{{list, listHas(p)}, {page, fmt.Sprintf(`%s === %g`, jobProgress, p)}} {
					go func() {
						_, err := chromedp.Run(w.ctx, chromedp.Poll[bool](w.expr, chromedp.WithPollingTimeout(waitFor)))
						lat[k] = time.Since(start)
						seen <- err
					}()
				}
				for range 2 {
					if err := <-seen; err != nil {
						b.Fatalf("progress %g never shown: %v", p, err)
					}
				}
				toList, toJob = append(toList, lat[0]), append(toJob, lat[1])
			}
			closePage()
		}
		reportPercentiles(b, "list-", toList)
		reportPercentiles(b, "job-", toJob)
		b.ReportMetric(float64(poll.Milliseconds()), "poll-ms")
	})

	b.Run("paint", func(b *testing.B) {
		ctx := e.tab(b, 5*time.Minute)
		if err := SignIn(ctx, jobURL, u.Credentials); err != nil {
			b.Fatal(err)
		}
		const loads = 10 // navigations per op, for percentiles worth the name
		var fcp, shown []time.Duration
		for range b.N * loads {
			do(b, ctx, chromedp.Navigate(jobURL))
			t, err := chromedp.Run(ctx, chromedp.Poll[float64](`document.querySelector('#job .stages') && performance.now()`))
			if err != nil {
				b.Fatal(err)
			}
			f := eval[float64](b, ctx, `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`)
			if f < 0 {
				b.Fatal("no first-contentful-paint entry")
			}
			fcp = append(fcp, time.Duration(f*float64(time.Millisecond)))
			shown = append(shown, time.Duration(t*float64(time.Millisecond)))
		}
		reportPercentiles(b, "fcp-", fcp)
		reportPercentiles(b, "job-shown-", shown)
	})
}

type weight struct{ bytes, requests, thirdParty int }

// measureWeight adds up the page's navigation and resource entries: decoded (uncompressed) body
// bytes of each (a cross-origin answer without Timing-Allow-Origin, Cognito's, counts 0 bytes).
func measureWeight(b *testing.B, ctx context.Context, origin, cognito string) weight {
	b.Helper()
	type entry struct {
		Name string  `json:"name"`
		Size float64 `json:"size"`
	}
	entries := eval[[]entry](b, ctx, `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
		.map(e => ({name: e.name, size: e.decodedBodySize}))`)
	cog, _ := url.Parse(cognito)
	var w weight
	for _, en := range entries {
		u, err := url.Parse(en.Name)
		if err != nil {
			b.Fatal(err)
		}
		w.requests++
		w.bytes += int(en.Size)
		if host := u.Scheme + "://" + u.Host; host != origin && u.Host != cog.Host {
			w.thirdParty++
		}
	}
	return w
}

func reportPercentiles(b *testing.B, prefix string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(q float64) float64 {
		return float64(d[min(len(d)-1, int(q*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), prefix+"p50-ms")
	b.ReportMetric(at(0.99), prefix+"p99-ms")
}
