// The ways to report a job with a reporting token, with this deployment's API URL (the page's
// own origin: CloudFront sends /v1/… to the API in AWS, the local stack does the same). Shown by
// the empty list and the "Report from your code" page. Never a secret and never a user id: the
// token says who reports, and it is read from the config file or the environment.
import { h } from './view.js';

const block = (label, text) => [h('h3', {}, label), h('pre', { tabindex: '0', 'aria-label': label }, h('code', {}, text))];

export function howTo(api = location.origin) {
  return [
    ...block('Any command, with the trainstatus CLI', `trainstatus login --api-url ${api}   # paste your token when asked
trainstatus run --name my-first-job -- python train.py`),
    h('p', { class: 'muted' }, h('code', {}, 'run'), ' reports STARTED, a heartbeat while it runs, then SUCCESS, or FAILED with the exit status and the last lines of stderr.'),
    ...block('Python', `import trainstatus

with trainstatus.job("my-first-job") as job:
    job.progress(50, "epoch 5/10")`),
    h('p', { class: 'muted' }, 'The Python reporter reads the same config as the CLI, or ', h('code', {}, 'TRAINSTATUS_API_URL'), ' and ', h('code', {}, 'TRAINSTATUS_REPORTING_TOKEN'), '.'),
    ...block('Anything that speaks HTTP', `export TRAINSTATUS_REPORTING_TOKEN=tsk_…   # your token
curl -X POST ${api}/v1/events \\
  -H "Authorization: Bearer $TRAINSTATUS_REPORTING_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"request_id":"my-first-job","status":"STARTED","event_time":"'$(date -u +%Y-%m-%dT%H:%M:%SZ)'"}'`),
  ];
}
