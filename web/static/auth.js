// Cognito over fetch (the one flow Cognito and cognito-local both speak): InitiateAuth with
// USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, SignUp, ConfirmSignUp, and RevokeToken at sign-out.
// Tokens live in this module's memory; only the refresh token goes to sessionStorage (so a reload
// in the same tab stays signed in), never localStorage or a cookie. Tokens are refreshed before
// they expire.
//
// A new tab (the job link in a job-end email) opens signed in while another tab of the page is
// signed in: it asks on a BroadcastChannel (same origin only) and an open signed-in tab hands it
// its refresh token, which the new tab redeems for its own tokens. Nothing outlives the last open
// tab, so the refresh token is exactly as exposed as in one tab's sessionStorage, and it is valid
// for a day (deploy.RefreshTokenValidity). With no signed-in tab open, the new tab shows the
// sign-in form and, once signed in, the job it was opened on. Signing out in one tab revokes the
// token and signs out every tab that shares it.
import { HANDOFF_WAIT_MS, REFRESH_LEAD_MS } from './config.js';

const KEY = 'trainstatus.refresh';
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('trainstatus.session') : null;
let cfg = null;
let tokens = null; // {id, refresh, exp (ms), lead (ms)}
let timer = 0;
let inflight = null;
let onEnded = () => {};

// CognitoError carries Cognito's error name (e.g. NotAuthorizedException) as code.
export class CognitoError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export function init(config, ended) {
  cfg = config;
  onEnded = ended;
}

// setting is a value of /config.json.
export const setting = (name) => cfg?.[name];

channel?.addEventListener('message', (ev) => {
  const m = ev.data || {};
  if (m.type === 'ask' && tokens) channel.postMessage({ type: 'give', refresh: tokens.refresh });
  if (m.type === 'signout' && tokens && m.refresh === tokens.refresh) {
    forget();
    onEnded('You signed out in another tab.');
  }
});

// handoff asks the open tabs for their session; it resolves to a refresh token or ''.
function handoff() {
  if (!channel) return Promise.resolve('');
  return new Promise((resolve) => {
    const on = (ev) => {
      if (ev.data?.type === 'give' && typeof ev.data.refresh === 'string') done(ev.data.refresh);
    };
    const done = (rt) => {
      clearTimeout(wait);
      channel.removeEventListener('message', on);
      resolve(rt);
    };
    const wait = setTimeout(() => done(''), HANDOFF_WAIT_MS);
    channel.addEventListener('message', on);
    channel.postMessage({ type: 'ask' });
  });
}

async function call(op, body) {
  const r = await fetch(cfg.cognitoEndpoint, {
    method: 'POST',
    keepalive: op === 'RevokeToken', // sign-out's revoke outlives the page it leaves
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}` },
    body: JSON.stringify({ ClientId: cfg.userPoolClientId, ...body }),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new CognitoError(String(j.__type || j.code || r.status).split('#').pop(), j.message || j.Message);
  return j;
}

// claims decodes a JWT's payload (no check: the API checks; the page only reads exp, email, sub).
export function claims(jwt) {
  const b64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

export async function signIn(email, password) {
  const j = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } });
  if (!j.AuthenticationResult) throw new CognitoError(j.ChallengeName, `This page cannot answer the ${j.ChallengeName} challenge.`);
  store(j.AuthenticationResult, null);
}

export const signUp = (email, password) =>
  call('SignUp', { Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] });

export const confirm = (email, code) => call('ConfirmSignUp', { Username: email, ConfirmationCode: code });

// restore signs in again from the refresh token of this tab, else from one an open tab hands over.
export async function restore() {
  const rt = sessionStorage.getItem(KEY) || (await handoff());
  if (!rt) return false;
  try {
    await refresh(rt);
    return true;
  } catch {
    sessionStorage.removeItem(KEY);
    return false;
  }
}

async function refresh(rt) {
  const j = await call('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: rt } });
  store(j.AuthenticationResult, rt);
}

// refreshNow refreshes once however many callers ask at the same time. A refused refresh token
// ends the session; a network error leaves the tokens as they are for the next try.
export function refreshNow() {
  if (!tokens) return Promise.reject(new CognitoError('NotSignedIn', 'Not signed in.'));
  inflight ||= refresh(tokens.refresh)
    .catch((e) => {
      if (e instanceof CognitoError) end('Your session has ended: please sign in again.');
      throw e;
    })
    .finally(() => (inflight = null));
  return inflight;
}

function store(r, oldRefresh) {
  const rt = r.RefreshToken || oldRefresh; // a refresh answer carries no new refresh token
  const c = claims(r.IdToken);
  const life = (c.exp - (c.iat || c.exp - 3600)) * 1000;
  tokens = { id: r.IdToken, refresh: rt, exp: c.exp * 1000, lead: Math.min(REFRESH_LEAD_MS, life / 4) };
  sessionStorage.setItem(KEY, rt);
  clearTimeout(timer);
  timer = setTimeout(() => refreshNow().catch(() => {}), Math.max(0, tokens.exp - tokens.lead - Date.now()));
}

// idToken returns a token the API will take: refreshed first when it is about to expire (a timer
// in a hidden tab may have fired late).
export async function idToken() {
  if (!tokens) throw new CognitoError('NotSignedIn', 'Not signed in.');
  if (Date.now() >= tokens.exp - tokens.lead) await refreshNow();
  return tokens.id;
}

export const user = () => (tokens ? claims(tokens.id) : null);

function end(message) {
  signOut();
  onEnded(message);
}

// signOut forgets the tokens and revokes the refresh token (and so the tokens it issued), so a
// copy of it is worth nothing.
export function signOut() {
  if (tokens) {
    call('RevokeToken', { Token: tokens.refresh }).catch(() => {});
    channel?.postMessage({ type: 'signout', refresh: tokens.refresh });
  }
  forget();
}

function forget() {
  tokens = null;
  clearTimeout(timer);
  sessionStorage.removeItem(KEY);
}
