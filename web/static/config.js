// The page's timing constants, in one place.
//
// Tests (and only tests) may shorten the poll intervals with the query parameter pollMs, read
// once at load: /?pollMs=100 polls an open job every 100 ms and the list every 500 ms. Values
// under 50 ms are ignored.
const override = Number(new URLSearchParams(location.search).get('pollMs'));
const base = override >= 50 ? override : 2000;

export const JOB_POLL_MS = base; // an open job that is not final, while the tab is visible
export const LIST_POLL_MS = base * 5; // the list, while a listed job is running (10 s)
export const LIST_IDLE_POLL_MS = base * 15; // the list with no running job, so new jobs show (30 s)
export const MAX_BACKOFF_MS = Math.max(base * 15, 1000); // the longest wait between retries after errors
export const TICK_MS = 1000; // how often "N s ago" texts are redrawn
export const REFRESH_LEAD_MS = 60000; // refresh tokens this long before they expire (or at 3/4 of a shorter life)
export const PAGE_SIZE = 20; // jobs per page of the list
