// "My jobs": the caller's jobs newest first, paged with the API's cursor ("Load more"), filtered
// by status (the API's filter), by "stalled" and by a name search (both over the loaded rows: the
// API has neither), the filters kept in the URL (?status=&q=). A poll re-reads every row the user
// has loaded, so nothing they scrolled to disappears. It polls at the job page's own bound while
// a listed job runs, every few seconds for the first minutes after it is loaded (so a first job
// shows at once), then backs off (config.js). The empty state says how to report a first job.
import { get, listPath } from './api.js';
import { LIST_POLL_MS, PAGE_SIZE, listIdleDelay } from './config.js';
import { Poller } from './poll.js';
import { LABEL, announce, ago, bar, focusMain, h, isStalled, pill, running, setUpdated, title, updatedLine, when } from './view.js';

const STALLED = 'stalled'; // the status filter's value for "Stalled" (not an API status)
let query = ''; // the list's filters as a query string, kept while the user opens a job

// listHref is the list with the filters the user last chose.
export const listHref = () => '/' + query;

// filters reads the list's filters from a query string; unknown values are ignored.
function filters(search) {
  const q = new URLSearchParams(search);
  const status = q.get('status') || '';
  return { status: status === STALLED || LABEL[status] ? status : '', text: (q.get('q') || '').slice(0, 200) };
}

export function listView(root, { sub, onError }) {
  let f = filters(location.search);
  const items = h('ul', { class: 'jobs', id: 'jobs' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'more', hidden: true }, 'Load more');
  const empty = h('div', { class: 'empty', id: 'empty', hidden: true });
  const count = h('p', { class: 'count muted', id: 'count', tabindex: '-1', hidden: true });
  const cadence = h('span', { id: 'cadence' });
  const updated = updatedLine();
  updated.append(' · ', cadence);
  const select = h('select', { id: 'filter', name: 'status' },
    h('option', { value: '' }, 'All'),
    ...Object.entries(LABEL).map(([v, text]) => h('option', { value: v }, text)),
    h('option', { value: STALLED }, 'Stalled'));
  select.value = f.status;
  const search = h('input', { type: 'search', id: 'search', name: 'q', value: f.text, autocomplete: 'off', spellcheck: false });
  root.replaceChildren(
    h('div', { class: 'head' }, h('h1', {}, 'My jobs'),
      h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() },
        h('p', {}, h('label', { for: 'filter' }, 'Status '), select),
        h('p', {}, h('label', { for: 'search' }, 'Name '), search))),
    updated, count, items, empty, h('p', { class: 'more' }, more));
  focusMain('My jobs');

  let jobs = []; // every loaded job, newest first
  let cursor = '';
  let seen = new Map(); // request_id -> status, to announce changes
  let loadedAt = Date.now();

  const apiStatus = () => (f.status === STALLED ? '' : f.status);
  const match = (j) => (f.status !== STALLED || isStalled(j)) &&
    (!f.text || title(j).toLowerCase().includes(f.text.toLowerCase()) || j.request_id.toLowerCase().includes(f.text.toLowerCase()));

  // render touches only the rows that changed, so a poll takes neither the focus nor the scroll.
  const render = () => {
    const shown = jobs.filter(match);
    const rows = new Map([...items.children].map((li) => [li.dataset.id, li]));
    const next = shown.map((j) => {
      const key = JSON.stringify(j);
      const old = rows.get(j.request_id);
      return old && old.dataset.key === key ? old : row(j, key);
    });
    const current = [...items.children];
    if (current.length !== next.length || current.some((li, i) => li !== next[i])) {
      // Replace in place, row by row, so unchanged rows (and a focused link) stay in the DOM.
      next.forEach((li, i) => {
        if (items.children[i] !== li) items.insertBefore(li, items.children[i] || null);
      });
      while (items.children.length > next.length) items.lastElementChild.remove();
    }
    more.hidden = !cursor;
    const local = f.status === STALLED || f.text;
    count.hidden = !local || !jobs.length;
    count.textContent = local ? `${shown.length} of the ${jobs.length} loaded jobs match${cursor ? ' (Load more to search further)' : ''}.` : '';
    empty.hidden = shown.length > 0;
    if (!shown.length) empty.replaceChildren(...emptyState(sub, f, jobs.length));
  };

  const remember = (list) => {
    for (const j of list) {
      const before = seen.get(j.request_id);
      if (before && before !== j.status) announce(`${title(j)} is now ${LABEL[j.status]}.`);
      seen.set(j.request_id, j.status);
    }
  };

  // refresh re-reads as many jobs as are loaded (at least a page), from the newest.
  let loads = 0; // "Load more" clicks: an answer asked for before one is out of date
  const refresh = async () => {
    const asked = apiStatus();
    const before = loads;
    const page = await fetchJobs(Math.max(PAGE_SIZE, jobs.length), '', asked);
    // An answer for the filter before the last change, or for fewer rows than "Load more" added.
    if (asked !== apiStatus() || before !== loads) return LIST_POLL_MS;
    remember(page.items);
    jobs = page.items;
    cursor = page.cursor;
    render();
    setUpdated(updated);
    const next = jobs.some(running) ? LIST_POLL_MS : listIdleDelay(Date.now() - loadedAt);
    cadence.textContent = `checks every ${every(next)}`;
    return next;
  };

  let poller = new Poller(refresh, onError);
  poller.run();
  const visible = () => {
    if (!document.hidden) loadedAt = Date.now(); // back to the tab: quick again for a while
  };
  document.addEventListener('visibilitychange', visible);

  const keep = () => {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of [['status', f.status], ['q', f.text]]) v ? q.set(k, v) : q.delete(k);
    const s = q.toString();
    history.replaceState(null, '', `/${s ? '?' + s : ''}`);
    const mine = new URLSearchParams();
    if (f.status) mine.set('status', f.status);
    if (f.text) mine.set('q', f.text);
    query = mine.toString() ? '?' + mine : '';
  };
  keep();

  select.addEventListener('change', () => {
    const before = apiStatus();
    f = { ...f, status: select.value };
    keep();
    if (apiStatus() === before) {
      render();
      return;
    }
    jobs = [];
    cursor = '';
    seen = new Map();
    loadedAt = Date.now();
    poller.stop();
    poller = new Poller(refresh, onError);
    poller.run();
  });
  search.addEventListener('input', () => {
    f = { ...f, text: search.value.trim() };
    keep();
    render();
  });

  more.addEventListener('click', async () => {
    more.disabled = true;
    loads++;
    try {
      const page = await fetchJobs(PAGE_SIZE, cursor, apiStatus());
      loads++;
      remember(page.items);
      const have = new Set(jobs.map((j) => j.request_id));
      const added = page.items.filter((j) => !have.has(j.request_id));
      jobs = jobs.concat(added);
      cursor = page.cursor;
      render();
      // Focus the first new row shown, so the keyboard goes on from where the new rows start.
      const first = added.find(match);
      const target = first ? items.querySelector(`li[data-id="${CSS.escape(first.request_id)}"] a`) : cursor ? more : count.hidden ? null : count;
      (target || document.querySelector('main h1')).focus();
    } catch (e) {
      onError(e);
    } finally {
      more.disabled = false;
    }
  });

  return () => {
    poller.stop();
    document.removeEventListener('visibilitychange', visible);
  };
}

const every = (t) => (t >= 1000 ? `${Math.round(t / 100) / 10} s` : `${Math.round(t)} ms`);

// fetchJobs reads at least want jobs from cursor, or all there are: pages of at most 100 (the
// API's largest). With a status filter the API may answer a short page with a next cursor, so it
// reads on (a bounded number of calls) to fill the screen.
async function fetchJobs(want, cursor, status) {
  let items = [];
  const maxCalls = Math.ceil(want / 100) + 4;
  for (let calls = 0; calls < maxCalls; calls++) {
    const { body } = await get(listPath({ limit: Math.min(100, want - items.length), cursor, status }));
    items = items.concat(body.items);
    cursor = body.next_cursor || '';
    if (!cursor || items.length >= want) break;
  }
  return { items, cursor };
}

function row(j, key) {
  const link = h('a', { href: `/jobs/${encodeURIComponent(j.request_id)}`, class: 'name' }, title(j));
  return h('li', { class: 'job', 'data-id': j.request_id, 'data-key': key },
    h('div', { class: 'title' }, link, pill(j)),
    bar(j, title(j)),
    j.error ? h('p', { class: 'msg err' }, j.error) : h('p', { class: `msg ${j.message ? '' : 'muted'}` }, j.message || 'No message'),
    h('p', { class: 'times muted' }, 'Started ', when(j.started_at || j.timestamp), ' · last heard ', ago(j.updated_at || j.timestamp)));
}

function emptyState(sub, f, loaded) {
  if (f.text || f.status === STALLED) {
    const what = f.status === STALLED ? 'stalled jobs' : 'jobs';
    return [h('p', {}, `No ${what}${f.text ? ' whose name contains the search' : ''} among the ${loaded} loaded.`)];
  }
  if (f.status) return [h('p', {}, `No ${LABEL[f.status].toLowerCase()} jobs.`)];
  return [
    h('h2', {}, 'No jobs yet'),
    h('p', {}, 'Report your first job from your training script with the trainstatus CLI:'),
    h('pre', { tabindex: '0' }, h('code', {}, `trainstatus send --request-id my-first-job --user-id ${sub} --status STARTED`)),
    h('p', { class: 'muted' }, 'It shows up here within seconds; then send IN_PROGRESS with --progress, and SUCCESS or FAILED.'),
  ];
}
