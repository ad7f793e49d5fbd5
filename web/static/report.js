// "Report from your code" (/report): the caller's reporting tokens (GET/POST /me/tokens, DELETE
// /me/tokens/{id}) and the ways to report with one. A new token's secret is shown once, with a
// copy button, and is gone from the page when the user says they copied it (or leaves): the API
// keeps only its hash. Revoking asks first, in place, and says how soon programs are refused.
import { ApiError, del, get, post, tokenPath } from './api.js';
import { TOKEN_CACHE_TTL_S } from './config.js';
import { howTo } from './howto.js';
import { listHref } from './list.js';
import { ago, announce, copyButton, focusMain, h, when } from './view.js';

// revokedWithin is what the page promises about revocation: the ingest function trusts a token it
// read for TOKEN_CACHE_TTL (30 s by default, pkg/deploy), which /config.json gives in seconds.
function revokedWithin(s) {
  if (s === 0) return 'at once';
  if (s === 1) return 'within a second';
  if (s % 60 === 0) return s === 60 ? 'within a minute' : `within ${s / 60} minutes`;
  return `within ${s} seconds`;
}

export function reportView(root, { onError }) {
  const list = h('ul', { class: 'tokens', id: 'tokens' });
  const none = h('p', { class: 'muted', id: 'notokens', hidden: true }, 'No reporting tokens yet.');
  const err = h('p', { class: 'error', id: 'tokenerror', role: 'alert' });
  const name = h('input', { id: 'tokenname', name: 'name', required: true, maxlength: '64', autocomplete: 'off', spellcheck: false, placeholder: 'lab-gpu-3', 'aria-describedby': 'tokenhint' });
  const create = h('button', { type: 'submit', id: 'create' }, 'Create token');
  const secretBox = h('div', { class: 'secret', id: 'secret', hidden: true });
  const listHead = h('h2', { id: 'tokens-h', tabindex: '-1' }, 'Reporting tokens');
  const form = h('form', { class: 'newtoken', id: 'newtoken' },
    h('p', { class: 'field' }, h('label', { for: 'tokenname' }, 'Name of a new token'), name),
    h('p', { class: 'muted hint', id: 'tokenhint' }, 'Where it will be used, e.g. the machine: 1 to 64 characters.'),
    h('p', {}, create));
  root.replaceChildren(
    h('p', { class: 'backline' }, h('a', { href: listHref(), class: 'back' }, '← My jobs')),
    h('h1', {}, 'Report from your code'),
    h('p', {}, 'A reporting token lets a training job report to your list from any machine: it can only add and update your own jobs, nothing else. Give each machine or project its own, and revoke one you no longer use.'),
    h('section', { 'aria-labelledby': 'tokens-h', class: 'card' }, listHead, form, err, secretBox, list, none),
    h('section', { 'aria-labelledby': 'howto-h' }, h('h2', { id: 'howto-h' }, 'Report with a token'), ...howTo()));
  focusMain('Report from your code');

  let gone = false;
  const fail = (what, e) => {
    if (e instanceof ApiError && e.status === 401) return onError(e);
    err.textContent = `${what}: ${e.message}.`;
  };

  const load = async () => {
    try {
      const { body } = await get('/me/tokens');
      if (gone) return;
      list.replaceChildren(...body.tokens.map(row));
      none.hidden = body.tokens.length > 0;
    } catch (e) {
      fail('Could not load your tokens', e);
    }
  };

  const row = (t) => {
    const li = h('li', { class: 'token', 'data-id': t.id });
    const show = () => {
      const revoke = h('button', { type: 'button', class: 'secondary small revoke', 'aria-label': `Revoke ${t.name}` }, 'Revoke');
      revoke.addEventListener('click', confirm);
      li.replaceChildren(
        h('p', { class: 'tname' }, t.name),
        h('p', { class: 'muted' }, h('code', { class: 'prefix', 'aria-label': `starts with ${t.prefix}` }, `${t.prefix}…`),
          ' · created ', when(t.created_at), ' · ', t.last_used_at ? ['last used ', ago(t.last_used_at)] : 'never used'),
        h('p', { class: 'actions' }, revoke));
      return revoke;
    };
    const confirm = () => {
      const yes = h('button', { type: 'button', class: 'danger small', id: 'confirm-revoke' }, `Revoke ${t.name}`);
      const no = h('button', { type: 'button', class: 'secondary small' }, 'Cancel');
      no.addEventListener('click', () => show().focus());
      yes.addEventListener('click', async () => {
        yes.disabled = no.disabled = true;
        err.textContent = '';
        try {
          await del(tokenPath(t.id));
          li.remove();
          none.hidden = list.children.length > 0;
          announce(`Token ${t.name} revoked.`);
          listHead.focus();
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) { // revoked elsewhere already
            li.remove();
            listHead.focus();
            return;
          }
          fail(`Could not revoke ${t.name}`, e);
          show().focus();
        }
      });
      li.replaceChildren(h('p', { class: 'tname' }, t.name),
        h('p', { class: 'warn', id: `why-${t.id}` }, `Revoke ${t.name}? Programs using it are refused ${revokedWithin(TOKEN_CACHE_TTL_S)}, and it cannot be brought back.`),
        h('p', { class: 'actions' }, yes, ' ', no));
      yes.setAttribute('aria-describedby', `why-${t.id}`);
      yes.focus();
    };
    show();
    return li;
  };

  const hideSecret = () => {
    secretBox.hidden = true;
    secretBox.replaceChildren();
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    create.disabled = true;
    err.textContent = '';
    hideSecret();
    try {
      const { body } = await post('/me/tokens', { name: name.value.trim() });
      name.value = '';
      const done = h('button', { type: 'button', class: 'secondary small', id: 'secret-done' }, 'Done: I copied it');
      done.addEventListener('click', () => {
        hideSecret();
        name.focus();
      });
      const head = h('h3', { tabindex: '-1' }, `Your new token “${body.token.name}”`);
      secretBox.replaceChildren(head,
        h('p', { class: 'once' }, h('strong', {}, 'Copy it now: you will not see this again.'), ' Only a fingerprint of it is kept; if you lose it, revoke it and create another.'),
        h('p', { class: 'secretline' }, h('code', { id: 'secret-value' }, body.secret), ' ', copyButton(body.secret, 'Copy token')),
        h('p', {}, done));
      secretBox.hidden = false;
      head.focus();
      announce(`Token ${body.token.name} created. Copy it now: you will not see it again.`);
      await load();
    } catch (e) {
      fail('Could not create the token', e);
      name.focus();
    } finally {
      create.disabled = false;
    }
  });

  load();
  return () => {
    gone = true;
  };
}
