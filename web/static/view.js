// Shared pieces of the views: a DOM builder, the status words, the pill, the progress bar,
// times and durations, the ticker that keeps "N s ago", ETA and countdown texts true, the
// notice, and the live region.
import { TICK_MS } from './config.js';

// h builds an element: h('p', {class: 'x', onclick: f}, 'text', child). Text is always text.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && k !== 'list' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const FINAL = new Set(['SUCCESS', 'FAILED']);
export const LABEL = { STARTED: 'Started', IN_PROGRESS: 'Training', SUCCESS: 'Succeeded', FAILED: 'Failed' };
export const running = (job) => !FINAL.has(job.status);
export const isStalled = (job) => !!job.stalled && running(job);
// title: what a job is called on screen, its display name when it has one.
export const title = (job) => job.name || job.request_id;

// pill: the status as a word (never colour alone), "Stalled" when the API says so.
export function pill(job) {
  const stalled = job.stalled && running(job);
  return h('span', { class: `pill ${stalled ? 'stalled' : job.status.toLowerCase()}`, 'data-status': job.status },
    stalled ? `${LABEL[job.status]} · stalled` : LABEL[job.status] || job.status);
}

// bar: a native <progress> (role progressbar) with its percentage in words beside it.
export function bar(job, name) {
  const p = progressOf(job);
  // No progress reported yet: an empty bar that says so, not an "indeterminate" animation.
  const attrs = { max: 100, value: p ?? 0, 'aria-label': `Progress of ${name}`, 'aria-valuetext': p === null ? 'no progress reported' : undefined };
  // A failed job's bar keeps how far it got, in the failed colour.
  return h('div', { class: `bar ${job.status === 'FAILED' ? 'failed' : ''}` }, h('progress', attrs), h('span', { class: 'pct' }, p === null ? '—' : `${fmtPct(p)} %`));
}

export function progressOf(job) {
  if (typeof job.progress === 'number') return job.progress;
  return job.status === 'SUCCESS' ? 100 : null;
}
const fmtPct = (p) => (Number.isInteger(p) ? String(p) : p.toFixed(1));

// dur says a length of time in words: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h".
export function dur(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 && m < 10 ? `${m} min ${s % 60} s` : `${m} min`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return m % 60 ? `${hr} h ${m % 60} min` : `${hr} h`;
  return `${Math.floor(hr / 24)} d ${hr % 24} h`;
}

export const ms = (iso) => (iso ? Date.parse(iso) : NaN);
export const agoText = (t) => `${dur(Date.now() - t)} ago`;

// when: an absolute time as a <time> element, local and readable.
export function when(iso) {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  const text = sameDay ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', { datetime: iso, title: d.toISOString() }, text);
}

// ago: "3 min ago", kept true by the ticker.
export function ago(iso) {
  return h('time', { datetime: iso, 'data-ago': '', title: new Date(iso).toISOString() }, agoText(ms(iso)));
}

// since: a running length of time from a start (epoch ms), kept true by the ticker.
export function since(t, prefix = '', suffix = '') {
  return h('span', { 'data-since': String(t), 'data-prefix': prefix, 'data-suffix': suffix }, prefix + dur(Date.now() - t) + suffix);
}

// etaText: how far an estimated finish (epoch ms) is from now; "overdue" once it has passed.
export const etaText = (t) => (t > Date.now() ? `in about ${dur(t - Date.now())}` : `overdue by ${dur(Date.now() - t)}`);

// eta: the relative part of an estimated finish, kept true by the ticker.
export function eta(t) {
  return h('span', { 'data-eta': String(t), class: 'rel' }, etaText(t));
}

// countdown: "N s" to an instant (epoch ms), kept true by the ticker.
export function countdown(t) {
  return h('span', { 'data-until': String(t) }, dur(t - Date.now()));
}

function tick() {
  for (const el of document.querySelectorAll('[data-ago]')) el.textContent = agoText(ms(el.dateTime));
  for (const el of document.querySelectorAll('[data-since]')) {
    el.textContent = el.dataset.prefix + dur(Date.now() - Number(el.dataset.since)) + el.dataset.suffix;
  }
  for (const el of document.querySelectorAll('[data-eta]')) el.textContent = etaText(Number(el.dataset.eta));
  for (const el of document.querySelectorAll('[data-until]')) el.textContent = dur(Number(el.dataset.until) - Date.now());
}
setInterval(tick, TICK_MS);

// updatedLine: "Updated N s ago", from the last answer the page got (set by setUpdated), marked
// out of date while the server does not answer (the stale class on main, see poll.js).
export function updatedLine() {
  return h('p', { class: 'updated muted' }, h('span', { class: 'upd' }, 'Updating…'),
    h('strong', { class: 'stalemark' }, ' · out of date: the server is not answering'));
}
export function setUpdated(line, t = Date.now()) {
  line.querySelector('.upd').replaceWith(since(t, 'Updated ', ' ago'));
  line.querySelector('[data-since]').classList.add('upd');
}

// announce says text through the aria-live region.
export function announce(text) {
  const live = document.getElementById('live');
  live.textContent = '';
  // A fresh node per message, so a repeated text is read again.
  live.append(h('p', {}, text));
}

// notice shows or hides the banner under the header ("Reconnecting…" and other messages): text
// and nodes, or nothing to hide it. It is not a live region (a countdown would be read every
// second): what must be heard is also announced.
export function notice(...content) {
  const el = document.getElementById('notice');
  const parts = content.filter((c) => c !== '' && c !== null && c !== undefined);
  el.hidden = !parts.length;
  el.replaceChildren(...parts);
}

// copyButton copies text to the clipboard and says so.
export function copyButton(text, label) {
  const b = h('button', { type: 'button', class: 'secondary small copy' }, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
      announce('Copied to the clipboard.');
    } catch {
      b.textContent = 'Copy failed: select the text';
    }
  });
  return b;
}

export function focusMain(title) {
  document.title = title ? `${title} · trainstatus` : 'trainstatus';
  const main = document.getElementById('main');
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}
