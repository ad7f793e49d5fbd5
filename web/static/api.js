// The status API, same origin: every request carries the ID token; a 401 gets one token refresh
// and one retry. get() sends If-None-Match when given an ETag and returns {notModified} on 304.
import { idToken, refreshNow } from './auth.js';

// ApiError is an answer other than 2xx/304: status, the API's error code and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

// transient says whether an error is worth retrying with back-off: the network, 5xx, throttling.
export const transient = (e) => !(e instanceof ApiError) || e.status >= 500 || e.status === 429;

async function send(method, path, { etag, body } = {}) {
  const go = async (token) => {
    const headers = { Authorization: `Bearer ${token}` };
    if (etag) headers['If-None-Match'] = etag;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  };
  let r = await go(await idToken());
  if (r.status === 401) {
    await refreshNow();
    r = await go(await idToken());
  }
  if (r.status === 304) return { notModified: true, etag };
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, j?.error?.code, j?.error?.message || j?.message);
  return { body: j, etag: r.headers.get('ETag') };
}

export const get = (path, etag) => send('GET', path, { etag });
export const put = (path, body) => send('PUT', path, { body });
export const post = (path, body) => send('POST', path, { body });
export const del = (path) => send('DELETE', path);

export function listPath({ limit, cursor, status }) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  if (status) q.set('status', status);
  return `/status?${q}`;
}

export const jobPath = (id) => `/status/${encodeURIComponent(id)}`;
export const tokenPath = (id) => `/me/tokens/${encodeURIComponent(id)}`;
