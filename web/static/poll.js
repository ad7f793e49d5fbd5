// The poller: runs a check every interval while the tab is visible, pauses while it is hidden
// (and checks at once when it shows again), backs off exponentially on transient errors with a
// visible "Reconnecting" notice that goes once an answer comes, and stops when the check says so.
import { MAX_BACKOFF_MS } from './config.js';
import { transient } from './api.js';
import { notice } from './view.js';

export class Poller {
  // check() resolves to the next interval in ms, or 0 to stop; onError(e) handles a lasting error.
  constructor(check, onError) {
    this.check = check;
    this.onError = onError;
    this.timer = 0;
    this.failures = 0;
    this.stopped = false;
    this.paused = false;
    this.visibility = () => {
      if (document.hidden || this.stopped) return;
      if (this.paused) this.run();
    };
    document.addEventListener('visibilitychange', this.visibility);
  }

  async run() {
    clearTimeout(this.timer);
    this.paused = false;
    if (this.stopped) return;
    if (document.hidden) {
      this.paused = true; // visibilitychange resumes it
      return;
    }
    let next;
    try {
      next = await this.check();
      if (this.failures) notice('');
      this.failures = 0;
    } catch (e) {
      if (this.stopped) return;
      if (!transient(e)) {
        this.stop();
        this.onError(e);
        return;
      }
      this.failures++;
      next = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.failures - 1));
      notice(`Reconnecting… (no answer from the server; trying again in ${Math.ceil(next / 1000)} s)`);
    }
    if (this.stopped) return;
    if (next > 0) this.timer = setTimeout(() => this.run(), next);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.visibility);
    if (this.failures) notice('');
  }
}
