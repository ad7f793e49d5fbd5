// The poller: runs a check every interval while the tab is visible, pauses while it is hidden
// (and checks at once when it shows again), backs off exponentially on transient errors, and
// stops when the check says so. While the server does not answer, a notice counts down to the
// next try and offers "Retry now", and what is on screen is marked out of date (the stale class
// on main: no ETA is shown as if all were well).
import { MAX_BACKOFF_MS } from './config.js';
import { transient } from './api.js';
import { announce, countdown, h, notice } from './view.js';

export class Poller {
  // check() resolves to the next interval in ms, or 0 to stop; onError(e) handles a lasting
  // error; onFailing(e), if given, is told of each transient failure (a view with nothing to
  // show yet says it cannot load).
  constructor(check, onError, onFailing = () => {}) {
    this.check = check;
    this.onError = onError;
    this.onFailing = onFailing;
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
      if (this.failures) this.recovered();
    } catch (e) {
      if (this.stopped) return;
      if (!transient(e)) {
        this.stop();
        this.onError(e);
        return;
      }
      this.failures++;
      next = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.failures - 1));
      this.failing(Date.now() + next);
      this.onFailing(e);
    }
    if (this.stopped) return;
    if (next > 0) this.timer = setTimeout(() => this.run(), next);
  }

  // failing shows the notice, or moves its countdown (keeping the button, and so the focus).
  failing(at) {
    document.getElementById('main').classList.add('stale');
    if (this.left?.isConnected) {
      this.left.dataset.until = String(at);
      this.left.textContent = countdown(at).textContent;
      return;
    }
    if (this.failures === 1) announce('Reconnecting: the server is not answering.');
    this.left = countdown(at);
    const retry = h('button', { type: 'button', class: 'secondary small', id: 'retry' }, 'Retry now');
    retry.addEventListener('click', () => this.run());
    notice('Reconnecting… no answer from the server; trying again in ', this.left, '. ', retry);
  }

  recovered() {
    const hadFocus = document.activeElement?.id === 'retry';
    this.failures = 0;
    this.left = null;
    notice();
    document.getElementById('main').classList.remove('stale');
    announce('Connected again.');
    if (hadFocus) document.querySelector('main h1')?.focus();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.visibility);
    if (this.failures) {
      notice();
      document.getElementById('main').classList.remove('stale');
    }
  }
}
