// REST calls to /api/v1 with the operator's bearer token. Shapes: operator-console/contract.ts.

const SESSION_KEY = 'parley.console.session';
let session = readSession();
const expiredListeners = new Set();

function readSession() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
    return s && s.token && Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function currentSession() {
  return session;
}

export function saveSession(s) {
  session = s;
  try {
    if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    // Private mode: the session lives in memory only.
  }
}

/** Called when the server says the token is no longer good (expired, signed out, password changed, deactivated). */
export function onSessionExpired(fn) {
  expiredListeners.add(fn);
}

export function expireSession(message) {
  saveSession(null);
  expiredListeners.forEach((fn) => fn(message));
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** fetch JSON; throws ApiError with the server's message. */
export async function request(path, { method = 'GET', body, raw = false } = {}) {
  const headers = {};
  if (session) headers.authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'OFFLINE', 'Parley cannot be reached. Check your connection.');
  }
  if (raw && res.ok) return res;
  const text = await res.text();
  const data = text && (res.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    const err = (data && data.error) || {};
    const apiError = new ApiError(res.status, err.code || 'HTTP_' + res.status, err.message || 'Request failed (' + res.status + ')', res.headers.get('retry-after'));
    if (res.status === 401 && session && path !== '/auth/login') expireSession(apiError.message);
    throw apiError;
  }
  return data;
}

export async function login(email, password) {
  const s = await request('/auth/login', { method: 'POST', body: { email, password } });
  saveSession(s);
  return s;
}

/** Sign out everywhere: the server revokes every token of this operator (POST /auth/logout). */
export async function logout() {
  const s = session;
  saveSession(null);
  if (!s) return;
  try {
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: 'Bearer ' + s.token } });
  } catch {
    // Offline: the session is forgotten here; the token still expires on its own.
  }
}

/** A stored voice note as an object URL (the audio endpoint needs the bearer token). */
export async function audioObjectUrl(audioUrl) {
  const res = await request(audioUrl.replace(/^\/api\/v1/, ''), { raw: true });
  return URL.createObjectURL(await res.blob());
}
