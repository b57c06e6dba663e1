// The one place that talks to /v1: the API key header, paging, and problem details turned into ApiError.
const KEY = 'media.apiKey';
const listeners = new Set();

export const session = {
  get key() { return localStorage.getItem(KEY); },
  signIn(key) { localStorage.setItem(KEY, key); listeners.forEach(l => l()); },
  signOut() { localStorage.removeItem(KEY); listeners.forEach(l => l()); },
  subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
};

/** An RFC 9457 problem the API answered with (or a network failure dressed as one). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  return u;
}

export async function api(path, { method = 'GET', body, query, key = session.key, signal } = {}) {
  const headers = {};
  if (key) headers['X-Api-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'The server did not answer', detail: e.message });
  }
  if (response.status === 401 && key && key === session.key && !path.endsWith('/auth/login')) session.signOut();
  if (!response.ok) {
    let problem;
    try { problem = await response.json(); } catch { problem = { title: response.statusText || `HTTP ${response.status}` }; }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204 || response.headers.get('Content-Length') === '0') return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** One page of a list: { items, page, pageSize, totalCount }. */
export const list = (path, { page = 1, pageSize = 50, ...filters } = {}, options = {}) =>
  api(path, { ...options, query: { page, pageSize, ...filters } });

export const post = (path, body) => api(path, { method: 'POST', body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const del = path => api(path, { method: 'DELETE' });
