import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, session } from './api.js';
import { Me, navigate, ProblemMessage } from './ui.js';
import { SignIn } from './signin/SignIn.js';
import { Libraries } from './libraries/Libraries.js';
import { ScanView } from './scans/ScanView.js';
import { Titles } from './titles/Titles.js';
import { TitlePage } from './titles/TitlePage.js';
import { UnmatchedQueue } from './unmatched/UnmatchedQueue.js';
import { MissingFiles } from './missing/MissingFiles.js';
import { Activity } from './activity/Activity.js';
import { Settings } from './settings/Settings.js';

const sections = [
  ['/libraries', 'Libraries'], ['/titles', 'Titles'], ['/unmatched', 'Unmatched'],
  ['/missing', 'Missing'], ['/activity', 'Activity'], ['/settings', 'Settings'],
];

function route(path) {
  let m;
  if ((m = path.match(/^\/scans\/([0-9a-f-]{36})$/))) return html`<${ScanView} id=${m[1]} />`;
  if ((m = path.match(/^\/titles\/([0-9a-f-]{36})$/))) return html`<${TitlePage} id=${m[1]} />`;
  switch (path) {
    case '/libraries': return html`<${Libraries} />`;
    case '/titles': return html`<${Titles} />`;
    case '/unmatched': return html`<${UnmatchedQueue} />`;
    case '/missing': return html`<${MissingFiles} />`;
    case '/activity': return html`<${Activity} />`;
    case '/settings': return html`<${Settings} />`;
    default: return html`<section><h1>Not found</h1><p>Nothing lives at <code>${path}</code>. <a href="/libraries">Go to the libraries</a>.</p></section>`;
  }
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
      <div class="who"><span>${me.username} <small>(${me.role})</small></span>
        <button type="button" onClick=${() => { session.signOut(); navigate('/'); }}>Sign out</button></div>
    </header>
    <main id="main" tabindex="-1">${route(path)}</main>
  </div>`;
}

function App() {
  const [key, setKey] = useState(session.key);
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  const path = usePath();
  useEffect(() => session.subscribe(() => setKey(session.key)), []);
  useEffect(() => {
    setMe(null); setError(null);
    if (!key) return;
    api('/v1/me').then(setMe, setError);
  }, [key]);
  useEffect(() => { if (key && (path === '/' || path === '/signin')) navigate('/libraries', { replace: true }); }, [key, path]);

  if (!key) return html`<${SignIn} />`;
  if (error) return html`<main class="centered"><${ProblemMessage} error=${error} />
    <button type="button" onClick=${() => session.signOut()}>Sign in again</button></main>`;
  if (!me) return html`<p class="boot">Loading…</p>`;
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

const root = document.getElementById('app');
root.textContent = ''; // the boot message
render(html`<${App} />`, root);
