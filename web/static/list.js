// "My jobs": the caller's jobs newest first, paged with the API's cursor ("Load more"), filtered
// by status, polled every LIST_POLL_MS while a listed job is running (LIST_IDLE_POLL_MS
// otherwise, so a new job shows up), with an empty state that says how to report a first job.
import { get, listPath } from './api.js';
import { LIST_IDLE_POLL_MS, LIST_POLL_MS, PAGE_SIZE } from './config.js';
import { Poller } from './poll.js';
import { LABEL, announce, ago, bar, focusMain, h, pill, running, setUpdated, updatedLine, when } from './view.js';

let filter = ''; // kept while the user moves between the list and a job

export function listView(root, { sub, onError }) {
  const items = h('ul', { class: 'jobs', id: 'jobs' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'more', hidden: true }, 'Load more');
  const empty = h('div', { class: 'empty', id: 'empty', hidden: true });
  const updated = updatedLine();
  const select = h('select', { id: 'filter', name: 'filter' },
    h('option', { value: '' }, 'All'),
    ...Object.entries(LABEL).map(([v, text]) => h('option', { value: v }, text)));
  select.value = filter;
  root.replaceChildren(
    h('div', { class: 'head' }, h('h1', {}, 'My jobs'),
      h('p', { class: 'filter' }, h('label', { for: 'filter' }, 'Status '), select)),
    updated, items, empty, h('p', { class: 'more' }, more));
  focusMain('My jobs');

  let jobs = []; // what is shown, in order
  let cursor = '';
  let seen = new Map(); // request_id -> status, to announce changes

  // render touches only the rows that changed, so a poll does not take the focus away.
  const render = () => {
    const current = [...items.children];
    if (current.length === jobs.length && current.every((li, i) => li.dataset.id === jobs[i].request_id)) {
      jobs.forEach((j, i) => {
        const key = JSON.stringify(j);
        if (current[i].dataset.key !== key) current[i].replaceWith(row(j, key));
      });
    } else {
      const rows = new Map(current.map((li) => [li.dataset.id, li]));
      items.replaceChildren(...jobs.map((j) => {
        const key = JSON.stringify(j);
        const old = rows.get(j.request_id);
        return old && old.dataset.key === key ? old : row(j, key);
      }));
    }
    more.hidden = !cursor;
    empty.hidden = jobs.length > 0;
    if (!jobs.length) empty.replaceChildren(...emptyState(sub, filter));
  };

  const remember = (list) => {
    for (const j of list) {
      const before = seen.get(j.request_id);
      if (before && before !== j.status) announce(`${j.request_id} is now ${LABEL[j.status]}.`);
      seen.set(j.request_id, j.status);
    }
  };

  // refresh reloads as many jobs as are shown (at least a page), from the newest.
  const refresh = async () => {
    const asked = filter;
    const page = await fetchJobs(Math.min(100, Math.max(PAGE_SIZE, jobs.length)), '', asked);
    if (asked !== filter) return LIST_POLL_MS; // an answer for the filter before the last change
    remember(page.items);
    jobs = page.items;
    cursor = page.cursor;
    render();
    setUpdated(updated);
    return jobs.some(running) ? LIST_POLL_MS : LIST_IDLE_POLL_MS;
  };

  let poller = new Poller(refresh, onError);
  poller.run();

  select.addEventListener('change', () => {
    filter = select.value;
    jobs = [];
    seen = new Map();
    poller.stop();
    poller = new Poller(refresh, onError);
    poller.run();
  });

  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await fetchJobs(PAGE_SIZE, cursor, filter);
      remember(page.items);
      const have = new Set(jobs.map((j) => j.request_id));
      jobs = jobs.concat(page.items.filter((j) => !have.has(j.request_id)));
      cursor = page.cursor;
      render();
    } catch (e) {
      onError(e);
    } finally {
      more.disabled = false;
    }
  });

  return () => poller.stop();
}

// fetchJobs reads up to limit jobs from cursor. With a status filter the API may answer a short
// page with a next cursor, so it reads on (at most 5 calls) to fill the screen.
async function fetchJobs(limit, cursor, status) {
  let items = [];
  for (let calls = 0; calls < 5; calls++) {
    const { body } = await get(listPath({ limit: limit - items.length, cursor, status }));
    items = items.concat(body.items);
    cursor = body.next_cursor || '';
    if (!cursor || items.length >= limit) break;
  }
  return { items, cursor };
}

function row(j, key) {
  const link = h('a', { href: `/jobs/${encodeURIComponent(j.request_id)}`, class: 'name' }, j.request_id);
  return h('li', { class: 'job', 'data-id': j.request_id, 'data-key': key },
    h('div', { class: 'title' }, link, pill(j)),
    bar(j, j.request_id),
    h('p', { class: 'msg' }, j.error ? h('span', { class: 'err' }, j.error) : j.message || h('span', { class: 'muted' }, 'No message')),
    h('p', { class: 'times muted' }, 'Started ', when(j.started_at || j.timestamp), ' · last heard ', ago(j.updated_at || j.timestamp)));
}

function emptyState(sub, status) {
  if (status) return [h('p', {}, `No ${LABEL[status].toLowerCase()} jobs.`)];
  return [
    h('h2', {}, 'No jobs yet'),
    h('p', {}, 'Report your first job from your training script with the trainstatus CLI:'),
    h('pre', { tabindex: '0' }, h('code', {}, `trainstatus send --request-id my-first-job --user-id ${sub} --status STARTED`)),
    h('p', { class: 'muted' }, 'It shows up here within seconds; then send IN_PROGRESS with --progress, and SUCCESS or FAILED.'),
  ];
}
