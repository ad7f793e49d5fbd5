// "Alerts" (/alerts): where the caller's alerts go (GET/PUT /me/alerts), per trigger (succeeded,
// failed, stalled) and channel (email, Slack incoming webhook, signed webhook), with a "Send a
// test" per URL channel (POST /me/alerts/test, which tests every saved URL at once: each button
// shows its own channel's result). A webhook's signing secret is shown once, when the API makes
// it. A channel the server marked broken (repeated 404/410) says so; saving its URL again clears
// the mark: a URL is sent when it changed or is marked broken (saving it is how the user says it
// works again), so saving only the routes never makes a new secret.
import { ApiError, get, post, put } from './api.js';
import { listHref } from './list.js';
import { announce, copyButton, focusMain, h } from './view.js';

const TRIGGERS = [['succeeded', 'A job succeeds'], ['failed', 'A job fails'], ['stalled', 'A job goes silent (stalled)']];
const CHANNELS = [['email', 'Email'], ['slack', 'Slack'], ['webhook', 'Webhook']];
const RESULT = { sent: 'Sent: check that it arrived.', retry: 'Not delivered now (busy or timed out): try again later.', gone: 'The address is gone (404/410): fix the URL.', refused: 'Refused' };

export function alertsView(root, { onError }) {
  const err = h('p', { class: 'error', id: 'alerterror', role: 'alert' });
  const secretBox = h('div', { class: 'secret', id: 'hooksecret', hidden: true });
  const boxes = {};
  const rows = TRIGGERS.map(([t, text]) => h('tr', {}, h('th', { scope: 'row' }, text),
    ...CHANNELS.map(([c, name]) => {
      boxes[`${t}.${c}`] = h('input', { type: 'checkbox', id: `route-${t}-${c}`, 'aria-label': `${text}: ${name}` });
      return h('td', {}, boxes[`${t}.${c}`]);
    })));
  const table = h('table', { class: 'routes' },
    h('caption', {}, 'Send an alert when…'),
    h('thead', {}, h('tr', {}, h('td', {}), ...CHANNELS.map(([, name]) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows));
  const chan = {};
  const channel = (c, label, hint) => {
    const input = h('input', { type: 'url', id: `${c}-url`, name: `${c}_url`, autocomplete: 'off', spellcheck: false, 'aria-describedby': `${c}-hint` });
    const state = h('p', { class: 'chstate', id: `${c}-state` });
    const test = h('button', { type: 'button', class: 'secondary small', id: `test-${c}` }, 'Send a test');
    const result = h('p', { class: 'muted', id: `test-${c}-result`, role: 'status' });
    test.addEventListener('click', () => sendTest(c));
    chan[c] = { input, state, test, result, saved: '' };
    return h('fieldset', { class: 'channel' }, h('legend', {}, label),
      h('p', { class: 'field' }, h('label', { for: `${c}-url` }, `${label} URL`), input),
      h('p', { class: 'muted hint', id: `${c}-hint` }, hint), state, h('p', {}, test), result);
  };
  const rotate = h('input', { type: 'checkbox', id: 'rotate' });
  const save = h('button', { type: 'submit', id: 'save-alerts' }, 'Save');
  const form = h('form', { id: 'alerts' }, table,
    h('p', { class: 'muted' }, 'Email goes to your sign-in address. The header’s “Email me” switch turns email off for every trigger.'),
    channel('slack', 'Slack', 'A Slack incoming webhook, under hooks.slack.com/services/. Empty to remove it.'),
    channel('webhook', 'Webhook', 'Any HTTPS URL: a JSON body signed with HMAC-SHA256 (README, “Alert channels”). Empty to remove it.'),
    h('p', { id: 'rotate-line', hidden: true }, h('label', {}, rotate, ' Make a new webhook signing secret (the old one stops working)')),
    err, secretBox, h('p', {}, save));
  root.replaceChildren(
    h('p', { class: 'backline' }, h('a', { href: listHref(), class: 'back' }, '← My jobs')),
    h('h1', {}, 'Alerts'),
    h('p', {}, 'Choose where you hear about your jobs: when one ends, and when one stops reporting for longer than its stall window (it may still be running: it is never marked failed for that).'),
    form);
  focusMain('Alerts');

  let gone = false;
  const fail = (what, e) => {
    if (e instanceof ApiError && e.status === 401) return onError(e);
    err.textContent = `${what}: ${e.message}.`;
  };

  const show = (s) => {
    for (const [t] of TRIGGERS) {
      for (const [c] of CHANNELS) boxes[`${t}.${c}`].checked = (s.routes?.[t] || []).includes(c);
    }
    for (const c of ['slack', 'webhook']) {
      const x = chan[c];
      x.saved = s[`${c}_url`] || '';
      x.input.value = x.saved;
      x.test.disabled = !x.saved;
      const broken = (s.broken || []).includes(c);
      x.state.className = `chstate ${broken ? 'err' : 'muted'}`;
      x.state.textContent = broken ? 'Broken: it answered “gone” (404/410) several times, so alerts no longer go there. Fix the URL, or save it again to use it again.'
        : x.saved ? 'Saved.' : 'Not set.';
      if (broken) x.input.setAttribute('aria-invalid', 'true');
      else x.input.removeAttribute('aria-invalid');
    }
    document.getElementById('rotate-line').hidden = !s.webhook_secret_set;
    rotate.checked = false;
  };

  const showSecret = (secret) => {
    const done = h('button', { type: 'button', class: 'secondary small', id: 'hooksecret-done' }, 'Done: I copied it');
    done.addEventListener('click', () => {
      secretBox.hidden = true;
      secretBox.replaceChildren();
      save.focus();
    });
    const head = h('h2', { tabindex: '-1' }, 'Your webhook signing secret');
    secretBox.replaceChildren(head,
      h('p', { class: 'once' }, h('strong', {}, 'Copy it now: you will not see this again.'), ' Your receiver checks each alert’s signature with it; if you lose it, make a new one.'),
      h('p', { class: 'secretline' }, h('code', { id: 'hooksecret-value' }, secret), ' ', copyButton(secret, 'Copy secret')),
      h('p', {}, done));
    secretBox.hidden = false;
    head.focus();
    announce('Saved. Copy the webhook signing secret now: you will not see it again.');
  };

  const load = async () => {
    try {
      const { body } = await get('/me/alerts');
      if (!gone) show(body);
    } catch (e) {
      fail('Could not load your alert settings', e);
    }
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    err.textContent = '';
    const routes = {};
    for (const [t] of TRIGGERS) routes[t] = CHANNELS.map(([c]) => c).filter((c) => boxes[`${t}.${c}`].checked);
    const body = { routes, rotate_webhook_secret: rotate.checked };
    for (const c of ['slack', 'webhook']) {
      const v = chan[c].input.value.trim();
      if (v !== chan[c].saved || chan[c].state.classList.contains('err')) body[`${c}_url`] = v;
    }
    try {
      const { body: saved } = await put('/me/alerts', body);
      show(saved);
      if (saved.webhook_secret) showSecret(saved.webhook_secret);
      else announce('Alert settings saved.');
    } catch (e) {
      fail('Could not save', e);
    } finally {
      save.disabled = false;
    }
  });

  const sendTest = async (c) => {
    const x = chan[c];
    if (x.input.value.trim() !== x.saved) {
      x.result.textContent = 'Save the URL first: the test goes to the saved one.';
      return;
    }
    x.test.disabled = true;
    x.result.textContent = 'Sending…';
    try {
      const { body } = await post('/me/alerts/test');
      const r = body.results.find((one) => one.channel === c);
      x.result.textContent = r ? `${RESULT[r.result] || r.result}${r.detail ? ` (${r.detail})` : ''}` : 'Nothing sent: no URL saved.';
    } catch (e) {
      x.result.textContent = '';
      fail('Could not send a test', e);
    } finally {
      x.test.disabled = !x.saved;
    }
  };

  load();
  return () => {
    gone = true;
  };
}
