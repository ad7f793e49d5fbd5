// Cognito over fetch (the one flow Cognito and cognito-local both speak): InitiateAuth with
// USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, SignUp, ConfirmSignUp, and RevokeToken at sign-out.
// Tokens live in this module's memory; only the refresh token goes to sessionStorage (so a reload
// or a deep link in the same tab stays signed in), never localStorage. Tokens are refreshed
// before they expire.
import { REFRESH_LEAD_MS } from './config.js';

const KEY = 'trainstatus.refresh';
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

// restore signs in again from the refresh token of this tab, if any.
export async function restore() {
  const rt = sessionStorage.getItem(KEY);
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
  if (tokens) call('RevokeToken', { Token: tokens.refresh }).catch(() => {});
  tokens = null;
  clearTimeout(timer);
  sessionStorage.removeItem(KEY);
}
