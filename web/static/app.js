// The entry module: loads /config.json, restores the tab's session, routes "/" (the list) and
// "/jobs/{request_id}" (one job) with the History API, and runs the header (who is signed in,
// the email notifications toggle, sign out).
import * as auth from './auth.js';
import { get, put, ApiError } from './api.js';
import { POLL_OVERRIDE, configure } from './config.js';
import { jobView } from './job.js';
import { listView } from './list.js';
import { signInView } from './signin.js';
import { announce, h, notice } from './view.js';

const main = document.getElementById('main');
let unmount = () => {};

function route() {
  unmount();
  unmount = () => {};
  notice('');
  if (!auth.user()) {
    showAccount(false);
    signInView(main, { onSignedIn: signedIn, message: pendingMessage });
    pendingMessage = '';
    return;
  }
  const m = location.pathname.match(/^\/jobs\/([^/]+)$/);
  const opts = { onError, sub: auth.user().sub };
  unmount = m ? jobView(main, { ...opts, id: decode(m[1]) }) : listView(main, opts);
}

// decode is a job's id from its link, or null for a malformed one (a stray %): "no such job".
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

let pendingMessage = '';

function onError(e) {
  if (e instanceof auth.CognitoError || (e instanceof ApiError && e.status === 401)) return; // the session ended
  notice(`Something went wrong: ${e.message}`);
}

function navigate(path) {
  const url = new URL(path, location.origin);
  // The tests' pollMs goes along in-page links (honoured only where config.json allows it).
  if (POLL_OVERRIDE) url.searchParams.set('pollMs', String(POLL_OVERRIDE));
  const to = url.pathname + url.search;
  if (to !== location.pathname + location.search) history.pushState(null, '', to);
  route();
}

function signedIn() {
  showAccount(true);
  announce(`Signed in as ${auth.user().email}.`);
  route();
}

function ended(message) {
  pendingMessage = message;
  route();
}

function showAccount(on) {
  document.getElementById('account').hidden = !on;
  if (!on) return;
  document.getElementById('who').textContent = auth.user().email || '';
  loadPreferences();
}

// The email notifications toggle (GET/PUT /me/preferences). Hidden when the API has no such route.
async function loadPreferences() {
  const label = document.getElementById('notify-label');
  const box = document.getElementById('notify');
  try {
    const { body } = await get('/me/preferences');
    box.checked = body.email_notifications !== false;
    label.hidden = false;
  } catch {
    label.hidden = true;
  }
}

document.getElementById('notify').addEventListener('change', async (ev) => {
  const box = ev.target;
  box.disabled = true;
  try {
    const { body } = await put('/me/preferences', { email_notifications: box.checked });
    box.checked = body.email_notifications;
    announce(box.checked ? 'Email notifications on.' : 'Email notifications off.');
  } catch (e) {
    box.checked = !box.checked;
    notice(`Could not save the notification setting: ${e.message}`);
  } finally {
    box.disabled = false;
  }
});

document.getElementById('signout').addEventListener('click', () => {
  auth.signOut();
  announce('Signed out.');
  navigate('/');
});

// Same-origin links move within the page; modified clicks (new tab) are left to the browser.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[href^="/"]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', route);

async function start() {
  try {
    const r = await fetch('/config.json', { cache: 'no-cache' });
    if (!r.ok) throw new Error(`config.json: HTTP ${r.status}`);
    const cfg = await r.json();
    configure(cfg);
    auth.init(cfg, ended);
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'trainstatus'), h('p', { class: 'error' }, `This page is not set up: ${e.message}`));
    return;
  }
  if (await auth.restore()) showAccount(true);
  route();
}

start();
