import { render } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, session } from './api.js';
import { Me, navigate, ProblemMessage } from './ui.js';

// Each screen is a module of its own, fetched when first shown: a cold load brings the shell and the screen in view,
// not the whole app. The unmatched queue's own modules are asked for at once, not one import level after another.
const screens = {
  signin: () => import('./signin/SignIn.js').then(m => m.SignIn),
  libraries: () => import('./libraries/Libraries.js').then(m => m.Libraries),
  scan: () => import('./scans/ScanView.js').then(m => m.ScanView),
  titles: () => import('./titles/Titles.js').then(m => m.Titles),
  title: () => import('./titles/TitlePage.js').then(m => m.TitlePage),
  unmatched: () => Promise.all(['UnmatchedQueue', 'MatchDialog', 'BulkMatchDialog', 'TitleSearch'].map(m => import(`./unmatched/${m}.js`)))
    .then(([m]) => m.UnmatchedQueue),
  missing: () => import('./missing/MissingFiles.js').then(m => m.MissingFiles),
  activity: () => import('./activity/Activity.js').then(m => m.Activity),
  settings: () => import('./settings/Settings.js').then(m => m.Settings),
};
const loading = new Map(); // name -> Promise of the component
const loaded = new Map();  // name -> the component, once there (shown without a flash when revisited)
function load(name) {
  if (!loading.has(name))
    loading.set(name, screens[name]().then(c => { loaded.set(name, c); return c; }, e => { loading.delete(name); throw e; }));
  return loading.get(name);
}

function Screen({ name, props }) {
  const [component, setComponent] = useState(() => loaded.get(name));
  const [error, setError] = useState(null);
  useLayoutEffect(() => {
    let live = true;
    if (!component) load(name).then(c => live && setComponent(() => c), e => live && setError(e));
    return () => { live = false; };
  }, [name]);
  if (error) return html`<${ProblemMessage} error=${{ problem: { title: 'This screen did not load', detail: String(error.message ?? error) } }} />`;
  return component ? html`<${component} ...${props} />` : html`<p class="boot">Loading…</p>`;
}

const sections = [
  ['/libraries', 'Libraries'], ['/titles', 'Titles'], ['/unmatched', 'Unmatched'],
  ['/missing', 'Missing'], ['/activity', 'Activity'], ['/settings', 'Settings'],
];

function route(path) {
  let m;
  if ((m = path.match(/^\/scans\/([0-9a-f-]{36})$/))) return { name: 'scan', props: { id: m[1] } };
  if ((m = path.match(/^\/titles\/([0-9a-f-]{36})$/))) return { name: 'title', props: { id: m[1] } };
  const name = { '/libraries': 'libraries', '/titles': 'titles', '/unmatched': 'unmatched', '/missing': 'missing', '/activity': 'activity', '/settings': 'settings' }[path];
  return name ? { name, props: {} } : null;
}

function Route({ path }) {
  const found = route(path);
  if (!found) return html`<section><h1>Not found</h1><p>Nothing lives at <code>${path}</code>. <a href="/libraries">Go to the libraries</a>.</p></section>`;
  return html`<${Screen} key=${found.name} name=${found.name} props=${found.props} />`;
}

function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

function Shell({ me, path }) {
  const current = sections.find(([href]) => path === href || path.startsWith(href + '/'))?.[0]
    ?? (path.startsWith('/scans/') ? '/libraries' : null);
  useEffect(() => {
    const name = sections.find(([href]) => href === current)?.[1];
    document.title = name ? `${name} · Media` : 'Media';
  }, [current]);
  return html`<div class="shell">
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/libraries">Media</a>
      <nav aria-label="Main"><ul>${sections.map(([href, name]) => html`<li>
        <a href=${href} aria-current=${href === current ? 'page' : undefined}>${name}</a></li>`)}</ul></nav>
      <div class="who"><span>${me ? html`${me.username} <small>(${me.role})</small>` : '…'}</span>
        <button type="button" onClick=${() => { session.signOut(); navigate('/'); }}>Sign out</button></div>
    </header>
    <main id="main" tabindex="-1"><${Route} path=${path} /></main>
  </div>`;
}

function App() {
  const [key, setKey] = useState(session.key);
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  const path = usePath();
  useEffect(() => session.subscribe(() => setKey(session.key)), []);
  useLayoutEffect(() => {
    setMe(null); setError(null);
    if (!key) return;
    api('/v1/me').then(setMe, setError);
  }, [key]);
  useEffect(() => { if (key && (path === '/' || path === '/signin')) navigate('/libraries', { replace: true }); }, [key, path]);

  if (!key) return html`<${Screen} name="signin" props=${{}} />`;
  if (error) return html`<main class="centered"><${ProblemMessage} error=${error} />
    <button type="button" onClick=${() => session.signOut()}>Sign in again</button></main>`;
  // The screen and its data load beside /v1/me rather than after it; until it answers, no action is offered.
  return html`<${Me.Provider} value=${me}><${Shell} me=${me} path=${path} /></${Me.Provider}>`;
}

// Same-origin links move through history; the API reference and downloads load normally.
document.addEventListener('click', e => {
  const a = e.target.closest?.('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target || a.hasAttribute('download')) return;
  const to = new URL(a.href, location.href);
  if (to.origin !== location.origin || /^\/(v1|scalar|openapi|health)(\/|$)/.test(to.pathname)) return;
  e.preventDefault();
  navigate(to.pathname + to.search);
  document.getElementById('main')?.focus({ preventScroll: true });
  scrollTo(0, 0);
});

// The screen in view starts loading now, beside the shell's own modules and the /v1/me request.
load(session.key ? route(location.pathname)?.name ?? 'libraries' : 'signin').catch(() => {});

const root = document.getElementById('app');
root.textContent = ''; // the boot message
render(html`<${App} />`, root);
