// One job (/jobs/{request_id}): the stages as a tracker (Started -> Training -> Succeeded or
// Failed, each with the time it was reached and how long it took), progress, message, error,
// ETA and stalled as the API gives them; polled with If-None-Match every JOB_POLL_MS until the
// job is final. A missing job and another user's job get the same "no such job" page.
import { get, jobPath } from './api.js';
import { JOB_POLL_MS } from './config.js';
import { Poller } from './poll.js';
import { FINAL, LABEL, ago, announce, bar, dur, focusMain, h, ms, pill, running, setUpdated, since, updatedLine, when } from './view.js';

export function jobView(root, { id, onError }) {
  const updated = updatedLine();
  const body = h('div', { id: 'job' }, h('p', { class: 'muted' }, 'Loading…'));
  root.replaceChildren(h('p', {}, h('a', { href: '/', class: 'back' }, '← My jobs')),
    h('div', { class: 'head' }, h('h1', { class: 'name' }, id)), updated, body);
  focusMain(id);

  let etag = '';
  let last = null;
  const poller = new Poller(async () => {
    let r;
    try {
      r = await get(jobPath(id), etag);
    } catch (e) {
      if (e.status === 404 || e.status === 400) {
        notFound(root, id);
        return 0;
      }
      throw e;
    }
    setUpdated(updated);
    if (!r.notModified) {
      etag = r.etag;
      if (last && last.status !== r.body.status) announce(`${id} is now ${LABEL[r.body.status]}.`);
      else if (last && !last.stalled && r.body.stalled) announce(`${id} has stalled.`);
      last = r.body;
      body.replaceChildren(...render(r.body));
    }
    return FINAL.has(last.status) ? 0 : JOB_POLL_MS;
  }, onError);
  poller.run();
  return () => poller.stop();
}

function notFound(root, id) {
  root.replaceChildren(h('h1', {}, 'No such job'),
    h('p', {}, 'There is no job named ', h('code', {}, id), ' in your account.'),
    h('p', {}, h('a', { href: '/' }, '← My jobs')));
  focusMain('No such job');
}

function render(j) {
  const out = [h('p', { class: 'status' }, pill(j), ' last heard ', ago(j.updated_at || j.timestamp)),
    stages(j), bar(j, j.request_id)];
  if (j.message) out.push(h('p', { class: 'msg' }, h('span', { class: 'label' }, 'Message '), j.message));
  if (j.error) out.push(h('div', { class: 'errbox', id: 'error' }, h('h2', {}, 'Error'), h('p', {}, j.error)));
  if (j.eta && running(j)) {
    const t = ms(j.eta);
    out.push(h('p', { class: 'eta', id: 'eta' }, h('span', { class: 'label' }, 'Estimated finish '), when(j.eta),
      t > Date.now() ? ` (in about ${dur(t - Date.now())})` : ' (any moment now)'));
  }
  if (j.stalled && running(j)) {
    const window = j.stall_window_seconds ? ` (longer than the ${dur(j.stall_window_seconds * 1000)} stall window)` : '';
    out.push(h('p', { class: 'stalledbox', id: 'stalled' }, h('strong', {}, 'Stalled: '),
      since(ms(j.updated_at), 'no word from this job for ', window),
      '. It may have died without reporting.'));
  }
  return out;
}

// stages: the tracker. Each stage shows when it was reached and how long it lasted (running
// stages count on live).
function stages(j) {
  const started = ms(j.started_at || j.timestamp);
  const training = ms(j.in_progress_at);
  const finished = ms(j.finished_at);
  const final = FINAL.has(j.status);
  const endName = j.status === 'FAILED' ? 'Failed' : final ? 'Succeeded' : 'Finished';
  const list = [
    { name: 'Started', at: started, until: [training, finished].find((t) => !isNaN(t)), current: j.status === 'STARTED' },
    { name: 'Training', at: training, until: finished, current: j.status === 'IN_PROGRESS' },
    { name: endName, at: finished, final: true, current: final },
  ];
  return h('ol', { class: 'stages', 'aria-label': 'Stages' }, list.map((s) => {
    const reached = !isNaN(s.at);
    let how = null;
    if (reached && s.final) how = isNaN(started) ? null : `total ${dur(s.at - started)}`;
    else if (reached && s.until !== undefined && !isNaN(s.until)) how = `took ${dur(s.until - s.at)}`;
    else if (reached && s.current) how = since(s.at, 'for ', ' so far');
    return h('li', { class: `stage ${reached ? 'done' : 'todo'} ${s.final ? endName.toLowerCase() : ''}`, 'aria-current': s.current ? 'step' : false },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('span', { class: 'sname' }, s.name),
      h('span', { class: 'sat muted' }, reached ? when(new Date(s.at).toISOString()) : 'not yet'),
      how ? h('span', { class: 'sdur muted' }, how) : null);
  }));
}
