// One job (/jobs/{request_id}): the stages as a tracker (Started -> Training -> Succeeded or
// Failed, each with the time it was reached and how long it took), progress (a failed job keeps
// the last it reported), message, the full error (its line breaks kept, in a block that scrolls
// on its own, with a copy button), ETA (ticking, "overdue" once passed, none while stalled or
// out of date) and stalled as the API gives them; polled with If-None-Match every JOB_POLL_MS
// until the job is final. A missing job, another user's job and a malformed link get the same
// "no such job" page, which repeats nothing from the URL.
import { get, jobPath } from './api.js';
import { JOB_POLL_MS } from './config.js';
import { Poller } from './poll.js';
import { FINAL, LABEL, ago, announce, bar, copyButton, dur, eta, focusMain, h, isStalled, ms, pill, running, setUpdated, since, title, updatedLine, when } from './view.js';
import { listHref } from './list.js';

export function jobView(root, { id, onError }) {
  if (id === null) {
    notFound(root);
    return () => {};
  }
  const updated = updatedLine();
  const body = h('div', { id: 'job' }, h('p', { class: 'muted' }, 'Loading…'));
  const heading = h('h1', { class: 'name' }, id);
  const sub = h('p', { class: 'reqid muted', hidden: true });
  root.replaceChildren(h('p', { class: 'backline' }, h('a', { href: listHref(), class: 'back' }, '← My jobs')),
    h('div', { class: 'head' }, heading), sub, updated, body);
  focusMain(id);

  let etag = '';
  let last = null;
  // Nothing to show yet and no answer: say so, instead of "Loading…" for ever.
  const cannotLoad = (e) => {
    if (!last) body.replaceChildren(h('p', { class: 'error', id: 'loaderror' }, `Could not load this job: ${e.message}.`));
  };
  const poller = new Poller(async () => {
    let r;
    try {
      r = await get(jobPath(id), etag);
    } catch (e) {
      if (e.status === 404 || e.status === 400) {
        notFound(root);
        return 0;
      }
      throw e;
    }
    setUpdated(updated);
    if (!r.notModified) {
      etag = r.etag;
      if (last && last.status !== r.body.status) announce(`${title(r.body)} is now ${LABEL[r.body.status]}.`);
      else if (last && !last.stalled && r.body.stalled) announce(`${title(r.body)} has stalled.`);
      last = r.body;
      if (heading.textContent !== title(last)) heading.textContent = title(last);
      document.title = `${title(last)} · trainstatus`;
      sub.hidden = !last.name;
      sub.textContent = last.name ? `Job ID ${last.request_id}` : '';
      body.replaceChildren(...render(last));
    }
    return FINAL.has(last.status) ? 0 : JOB_POLL_MS;
  }, (e) => {
    cannotLoad(e);
    onError(e);
  }, cannotLoad);
  poller.run();
  return () => poller.stop();
}

function notFound(root) {
  root.replaceChildren(h('h1', {}, 'No such job'),
    h('p', {}, 'There is no such job in your account.'),
    h('p', {}, h('a', { href: listHref() }, '← My jobs')));
  focusMain('No such job');
}

function render(j) {
  const out = [h('p', { class: 'status' }, pill(j), ' last heard ', ago(j.updated_at || j.timestamp)),
    stages(j), bar(j, title(j))];
  if (j.message) out.push(h('p', { class: 'msg' }, h('span', { class: 'label' }, 'Message '), h('span', { class: 'text' }, j.message)));
  if (j.error) {
    out.push(h('section', { class: 'errbox', id: 'error', 'aria-labelledby': 'error-title' },
      h('div', { class: 'errhead' }, h('h2', { id: 'error-title' }, 'Error'), copyButton(j.error, 'Copy error')),
      h('pre', { class: 'trace', tabindex: '0', 'aria-label': 'The error' }, j.error)));
  }
  if (j.eta && running(j) && !isStalled(j)) {
    out.push(h('p', { class: 'eta', id: 'eta' }, h('span', { class: 'label' }, 'Estimated finish '), when(j.eta),
      ' (', eta(ms(j.eta)), ')'));
  }
  if (isStalled(j)) {
    const window = j.stall_window_seconds ? ` (longer than the ${dur(j.stall_window_seconds * 1000)} stall window)` : '';
    out.push(h('p', { class: 'stalledbox', id: 'stalled' }, h('strong', {}, 'Stalled: '),
      since(ms(j.updated_at), 'no word from this job for ', window),
      '. It may have died without reporting; no finish is estimated.'));
  }
  return out;
}

// stages: the tracker. Each stage shows when it was reached and how long it lasted (running
// stages count on live; a stalled one says how long it has been silent instead).
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
    else if (reached && s.current && isStalled(j)) how = since(ms(j.updated_at), 'stalled: no word for ');
    else if (reached && s.current) how = since(s.at, 'for ', ' so far');
    return h('li', { class: `stage ${reached ? 'done' : 'todo'} ${s.final ? endName.toLowerCase() : ''}`, 'aria-current': s.current ? 'step' : false },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('span', { class: 'sname' }, s.name),
      h('span', { class: 'sat muted' }, reached ? when(new Date(s.at).toISOString()) : 'not yet'),
      how ? h('span', { class: 'sdur muted' }, how) : null);
  }));
}
