import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

// ---- routing: the History API, links intercepted in main.js ----
export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useQueryState(defaults) {
  const read = () => {
    const params = new URLSearchParams(location.search);
    const state = { ...defaults };
    for (const k of Object.keys(defaults)) if (params.has(k)) state[k] = typeof defaults[k] === 'number' ? Number(params.get(k)) : params.get(k);
    return state;
  };
  const [state, setState] = useState(read);
  useEffect(() => { const on = () => setState(read()); addEventListener('popstate', on); return () => removeEventListener('popstate', on); }, []);
  const update = useCallback(changes => {
    const next = { ...read(), ...changes };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v !== '' && v !== null && v !== undefined && v !== defaults[k]) params.set(k, v);
    const qs = params.toString();
    history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : ''));
    setState(next);
  }, []);
  return [state, update];
}

// ---- who is signed in ----
export const Me = createContext(null);
export function useCan() {
  const me = useContext(Me);
  return permission => !!me?.permissions.includes(permission);
}

// ---- data ----
/** Loads whenever deps change; keeps the last data while reloading so lists do not flash. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState(s => ({ ...s, loading: true }));
    load().then(
      data => mine === generation.current && setState({ data, error: null, loading: false }),
      error => mine === generation.current && setState(s => ({ data: s.data, error, loading: false })));
  }, deps);
  useLayoutEffect(run, [run]); // at once when the screen is committed, not a frame later
  return { ...state, reload: run };
}

// ---- what the user sees ----
export function ProblemMessage({ error }) {
  if (!error) return null;
  const p = error.problem ?? { title: 'Something went wrong', detail: String(error.message ?? error) };
  const fields = Object.entries(p.errors ?? {});
  return html`<div class="problem" role="alert">
    <strong>${p.title}</strong>${p.detail && p.detail !== p.title ? html` <span>${p.detail}</span>` : null}
    ${fields.length > 0 && html`<ul>${fields.map(([f, m]) => html`<li><code>${f}</code>: ${[].concat(m).join(' ')}</li>`)}</ul>`}
  </div>`;
}

export function Pager({ page, pageSize, total, onPage, label = 'Pages' }) {
  const last = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(1)}>First</button>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous</button>
    <span aria-live="polite">${fmtInt(from)}–${fmtInt(Math.min(total, page * pageSize))} of ${fmtInt(total)}</span>
    <button type="button" disabled=${page >= last} onClick=${() => onPage(page + 1)}>Next</button>
    <button type="button" disabled=${page >= last} onClick=${() => onPage(last)}>Last</button>
  </nav>`;
}

/**
 * A modal that closes only by its own buttons or Escape: a stray click on the backdrop does nothing,
 * and what was typed lives in the caller's state, so it survives a re-render.
 */
export function Dialog({ title, onClose, children, wide }) {
  const ref = useRef();
  useEffect(() => {
    const d = ref.current;
    if (!d.open) d.showModal();
    const cancel = e => { e.preventDefault(); onClose(); };
    d.addEventListener('cancel', cancel);
    return () => d.removeEventListener('cancel', cancel);
  }, [onClose]);
  return html`<dialog ref=${ref} class=${wide ? 'wide' : ''} aria-labelledby="dialog-title">
    <header><h2 id="dialog-title">${title}</h2><button type="button" class="close" aria-label="Close" onClick=${onClose}>×</button></header>
    ${children}
  </dialog>`;
}

export function Field({ label, children, hint }) {
  return html`<label class="field"><span>${label}</span>${children}${hint && html`<small>${hint}</small>`}</label>`;
}

export function Status({ value }) {
  return html`<span class=${`status status-${value}`}>${String(value).replaceAll('_', ' ')}</span>`;
}

// ---- formatting ----
const intl = new Intl.NumberFormat('en');
export const fmtInt = n => (n === null || n === undefined ? '—' : intl.format(n));
export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return html`<time datetime=${iso} title=${d.toISOString()}>${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</time>`;
}
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '—';
  seconds = Math.max(0, Math.round(seconds));
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}
export const folderOf = path => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
