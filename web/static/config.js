// The page's timing constants, in one place.
//
// The local stack's /config.json (urlTuning, never set in AWS) lets its tests shorten the poll
// intervals with the query parameter pollMs, read once when the page starts (configure): with
// ?pollMs=100 an open job and a list with a running job poll every 100 ms. Values under 50 ms are
// ignored. Deployed, the URL changes nothing: a crafted link cannot make a tab poll faster.
export let JOB_POLL_MS = 2000; // an open job that is not final, while the tab is visible
export let LIST_POLL_MS = 2000; // the list while a listed job runs: the job page's own bound
export let LIST_NEW_POLL_MS = 3000; // an empty or just-loaded list, so a first job shows in seconds…
export let LIST_NEW_FOR_MS = 5 * 60000; // …for its first 5 minutes,
export let LIST_IDLE_POLL_MS = 30000; // then every 30 s while no listed job runs
export let MAX_BACKOFF_MS = 30000; // the longest wait between retries after errors
export let POLL_OVERRIDE = 0; // the URL's pollMs when honoured, else 0
export const TICK_MS = 1000; // how often "N s ago" texts are redrawn
export const REFRESH_LEAD_MS = 60000; // refresh tokens this long before they expire (or at 3/4 of a shorter life)
export const PAGE_SIZE = 20; // jobs per page of the list
export const HANDOFF_WAIT_MS = 300; // how long a new tab waits for an open tab to hand over the session

// configure applies /config.json: the URL's pollMs only when it sets urlTuning.
export function configure(cfg, search = location.search) {
  const o = Number(new URLSearchParams(search).get('pollMs'));
  if (!cfg.urlTuning || !(o >= 50)) return;
  POLL_OVERRIDE = o;
  JOB_POLL_MS = LIST_POLL_MS = o;
  LIST_NEW_POLL_MS = o * 1.5;
  LIST_NEW_FOR_MS = o * 150;
  LIST_IDLE_POLL_MS = o * 15;
  MAX_BACKOFF_MS = Math.max(o * 15, 1000);
}

// listIdleDelay is the list's interval while no listed job runs, msSinceLoad after the list was
// loaded (or the tab shown again): fast at first, so a new job shows in seconds, then backing off.
export const listIdleDelay = (msSinceLoad) => (msSinceLoad < LIST_NEW_FOR_MS ? LIST_NEW_POLL_MS : LIST_IDLE_POLL_MS);
