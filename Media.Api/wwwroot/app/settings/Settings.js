import { useContext, useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, del, list, post, put } from '../api.js';
import { Dialog, Field, fmtTime, Me, Pager, ProblemMessage, useCan, useLoad } from '../ui.js';

/** Everything an administrator configures, each part shown only to a role that may change it. */
export function Settings() {
  const can = useCan();
  const parts = [
    ['account', 'Your account', true, Account],
    ['downloaders', 'Download clients', can('downloads.manage'), Downloaders],
    ['policies', 'Policies', can('libraries.manage'), Policies],
    ['templates', 'Name templates', can('libraries.manage'), Templates],
    ['settings', 'Settings', can('settings.manage'), TypedSettings],
    ['users', 'Users', can('users.manage'), Users],
    ['parse', 'Parse playground', can('media.read'), ParsePlayground],
  ].filter(p => p[2]);
  return html`<section class="settings">
    <h1>Settings</h1>
    <nav aria-label="Settings sections" class="subnav"><ul>${parts.map(([id, name]) => html`<li><a href=${`#${id}`}>${name}</a></li>`)}</ul></nav>
    ${parts.map(([id, name, , Part]) => html`<section id=${id} aria-labelledby=${`${id}-h`} class="card"><h2 id=${`${id}-h`}>${name}</h2><${Part} /></section>`)}
  </section>`;
}

function useAction(after) {
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const run = async (promise, message) => {
    setError(null); setNotice(null);
    try { const r = await promise; if (message) setNotice(typeof message === 'function' ? message(r) : message); after?.(); return r; } catch (e) { setError(e); }
  };
  const view = html`<${ProblemMessage} error=${error} />${notice && html`<p class="notice" role="status">${notice}</p>`}`;
  return [run, view];
}

function Account() {
  const me = useContext(Me);
  const can = useCan();
  const [password, setPassword] = useState('');
  const [run, view] = useAction();
  if (!me) return null; // who is signed in is still on its way
  if (!can('users.manage')) return html`<p>Signed in as <strong>${me.username}</strong> (${me.role}). An administrator manages passwords and keys.</p>`;
  return html`<form onSubmit=${e => { e.preventDefault(); run(put(`/v1/users/${me.id}`, { password }), 'Password set. Sign in with it next time.').then(() => setPassword('')); }}>
    <p>Signed in as <strong>${me.username}</strong> (${me.role}).</p>
    <${Field} label="New password" hint="At least 8 characters. Signing in with it issues a new API key."><input type="password" autocomplete="new-password" value=${password} onInput=${e => setPassword(e.currentTarget.value)} required /></${Field}>
    ${view}<button type="submit">Set password</button></form>`;
}

function Downloaders() {
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const clients = useLoad(() => list('/v1/downloaders', { page, pageSize: 20 }), [page]);
  const [run, view] = useAction(clients.reload);
  return html`${view}
    ${clients.data?.items.length === 0 && html`<p class="empty">No download client yet.</p>`}
    ${clients.data?.items.length > 0 && html`<table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">URL</th><th scope="col">Enabled</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${clients.data.items.map(d => html`<tr key=${d.id}><td>${d.name}</td><td>${d.kind}</td><td><code>${d.url}</code></td><td>${d.enabled ? 'yes' : 'no'}</td>
        <td class="actions"><button type="button" onClick=${() => run(post(`/v1/downloaders/${d.id}/test`), r => `${d.name} answers (version ${r.version}).`)}>Test</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${d.name}?`) && run(del(`/v1/downloaders/${d.id}`), `${d.name} deleted.`)}>Delete</button></td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${20} total=${clients.data.totalCount} onPage=${setPage} label="Download client pages" />`}
    <button type="button" onClick=${() => setAdding(true)}>Add download client</button>
    ${adding && html`<${DownloaderDialog} onClose=${() => setAdding(false)} onSaved=${() => { setAdding(false); clients.reload(); }} />`}`;
}

function DownloaderDialog({ onClose, onSaved }) {
  const [form, setForm] = useState({ name: '', kind: 'transmission', url: 'http://127.0.0.1:9091', username: '', password: '', enabled: true });
  const [error, setError] = useState(null);
  const set = k => e => setForm({ ...form, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  async function save(e) { e.preventDefault(); setError(null); try { await post('/v1/downloaders', form); onSaved(); } catch (err) { setError(err); } }
  return html`<${Dialog} title="Add a download client" onClose=${onClose}><form onSubmit=${save}>
    <${Field} label="Name"><input required value=${form.name} onInput=${set('name')} /></${Field}>
    <${Field} label="Kind"><select value=${form.kind} onChange=${set('kind')}><option value="transmission">Transmission</option><option value="qbittorrent">qBittorrent</option></select></${Field}>
    <${Field} label="URL"><input required value=${form.url} onInput=${set('url')} /></${Field}>
    <${Field} label="Username"><input value=${form.username} onInput=${set('username')} autocomplete="off" /></${Field}>
    <${Field} label="Password"><input type="password" value=${form.password} onInput=${set('password')} autocomplete="new-password" /></${Field}>
    <label class="check"><input type="checkbox" checked=${form.enabled} onChange=${set('enabled')} /> Enabled</label>
    <${ProblemMessage} error=${error} />
    <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Save</button></div>
  </form></${Dialog}>`;
}

const ruleText = rules => rules.map(r => `${r.kind}=${r.value}`).join('\n');
const parseRules = text => text.split('\n').map(l => l.trim()).filter(Boolean).map(l => {
  const i = l.indexOf('=');
  return i < 0 ? { kind: l, value: '' } : { kind: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
});

function Policies() {
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState(null);
  const policies = useLoad(() => list('/v1/policies', { page, pageSize: 20 }), [page]);
  const libraries = useLoad(() => list('/v1/libraries', { pageSize: 500 }), []);
  const [run, view] = useAction(policies.reload);
  const nameOf = id => libraries.data?.items.find(l => l.id === id)?.name ?? id;
  return html`${view}
    <p class="hint">Rules (one <code>kind=value</code> a line): <code>resolution</code>, <code>min_size</code>, <code>max_size</code>, <code>required_word</code>, <code>forbidden_word</code>.
      Actions: <code>import_method</code> (hardlink, copy, hardlink_only), <code>name_template</code> (a template id), <code>remove_torrent</code>.</p>
    ${policies.data?.items.length === 0 && html`<p class="empty">No policy yet.</p>`}
    ${policies.data?.items.length > 0 && html`<table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Library</th><th scope="col">Rules</th><th scope="col">Actions</th><th scope="col"><span class="sr-only">Edit</span></th></tr></thead>
      <tbody>${policies.data.items.map(p => html`<tr key=${p.id}><td>${p.name}</td><td>${nameOf(p.libraryId)}</td><td><pre>${ruleText(p.rules)}</pre></td><td><pre>${ruleText(p.actions)}</pre></td>
        <td class="actions"><button type="button" onClick=${() => setEditing(p)}>Edit</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${p.name}?`) && run(del(`/v1/policies/${p.id}`), `${p.name} deleted.`)}>Delete</button></td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${20} total=${policies.data.totalCount} onPage=${setPage} label="Policy pages" />`}
    <button type="button" onClick=${() => setEditing('new')}>Add policy</button>
    ${editing && html`<${PolicyDialog} policy=${editing === 'new' ? null : editing} libraries=${libraries.data?.items ?? []}
      onClose=${() => setEditing(null)} onSaved=${() => { setEditing(null); policies.reload(); }} />`}`;
}

function PolicyDialog({ policy, libraries, onClose, onSaved }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [libraryId, setLibraryId] = useState(policy?.libraryId ?? libraries[0]?.id ?? '');
  const [rules, setRules] = useState(policy ? ruleText(policy.rules) : '');
  const [actions, setActions] = useState(policy ? ruleText(policy.actions) : 'import_method=hardlink');
  const [error, setError] = useState(null);
  async function save(e) {
    e.preventDefault(); setError(null);
    const body = { libraryId, name, rules: parseRules(rules), actions: parseRules(actions) };
    try { policy ? await put(`/v1/policies/${policy.id}`, body) : await post('/v1/policies', body); onSaved(); } catch (err) { setError(err); }
  }
  return html`<${Dialog} title=${policy ? `Edit ${policy.name}` : 'Add a policy'} onClose=${onClose}><form onSubmit=${save}>
    <${Field} label="Name"><input required value=${name} onInput=${e => setName(e.currentTarget.value)} /></${Field}>
    <${Field} label="Library"><select value=${libraryId} onChange=${e => setLibraryId(e.currentTarget.value)}>${libraries.map(l => html`<option value=${l.id}>${l.name}</option>`)}</select></${Field}>
    <${Field} label="Rules"><textarea rows="4" value=${rules} onInput=${e => setRules(e.currentTarget.value)}></textarea></${Field}>
    <${Field} label="Actions"><textarea rows="3" value=${actions} onInput=${e => setActions(e.currentTarget.value)}></textarea></${Field}>
    <${ProblemMessage} error=${error} />
    <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Save</button></div>
  </form></${Dialog}>`;
}

function Templates() {
  const [editing, setEditing] = useState(null);
  const templates = useLoad(() => list('/v1/name-templates', { pageSize: 100 }), []);
  const [run, view] = useAction(templates.reload);
  return html`${view}
    ${templates.data?.items.length > 0 && html`<table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Pattern</th><th scope="col"><span class="sr-only">Edit</span></th></tr></thead>
      <tbody>${templates.data.items.map(t => html`<tr key=${t.id}><td>${t.name}</td><td>${t.kind}</td><td><code>${t.pattern}</code></td>
        <td class="actions"><button type="button" onClick=${() => setEditing(t)}>Edit</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${t.name}?`) && run(del(`/v1/name-templates/${t.id}`), `${t.name} deleted.`)}>Delete</button></td></tr>`)}</tbody></table>`}
    <button type="button" onClick=${() => setEditing('new')}>Add name template</button>
    ${editing && html`<${TemplateDialog} template=${editing === 'new' ? null : editing} onClose=${() => setEditing(null)} onSaved=${() => { setEditing(null); templates.reload(); }} />`}`;
}

function TemplateDialog({ template, onClose, onSaved }) {
  const [name, setName] = useState(template?.name ?? '');
  const [kind, setKind] = useState(template?.kind ?? 'movie');
  const [pattern, setPattern] = useState(template?.pattern ?? '{Title} ({Year})/{Title} ({Year}) {Resolution}');
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const t = setTimeout(() => api('/v1/name-templates/preview', { query: { kind, pattern } }).then(p => setPreview({ ok: p }), e => setPreview({ error: e })), 200);
    return () => clearTimeout(t);
  }, [kind, pattern]);
  async function save(e) {
    e.preventDefault(); setError(null);
    try { template ? await put(`/v1/name-templates/${template.id}`, { name, kind, pattern }) : await post('/v1/name-templates', { name, kind, pattern }); onSaved(); } catch (err) { setError(err); }
  }
  return html`<${Dialog} title=${template ? `Edit ${template.name}` : 'Add a name template'} onClose=${onClose} wide><form onSubmit=${save}>
    <${Field} label="Name"><input required value=${name} onInput=${e => setName(e.currentTarget.value)} /></${Field}>
    <${Field} label="Kind"><select value=${kind} onChange=${e => setKind(e.currentTarget.value)}><option value="movie">Movie</option><option value="episode">Episode</option></select></${Field}>
    <${Field} label="Pattern" hint="Tokens: {Title} {Year} {TmdbId} {Original Title} {Resolution}; episodes also {Series Title} {Season:00} {Episode:00} {Episode Title}">
      <input required value=${pattern} onInput=${e => setPattern(e.currentTarget.value)} spellcheck="false" /></${Field}>
    <div class="preview" aria-live="polite"><span class="muted">Preview${preview?.ok ? ` for ${preview.ok.sample}` : ''}:</span>
      ${preview?.ok ? html`<output aria-label="Preview path"><code>${preview.ok.path}</code></output>` : html`<${ProblemMessage} error=${preview?.error} />`}</div>
    <${ProblemMessage} error=${error} />
    <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Save</button></div>
  </form></${Dialog}>`;
}

function TypedSettings() {
  const settings = useLoad(() => api('/v1/settings'), []);
  const [run, view] = useAction(settings.reload);
  return html`${view}<${ProblemMessage} error=${settings.error} />
    ${settings.data && html`<div class="settings-list">${settings.data.map(s => html`<${SettingRow} key=${s.key} setting=${s}
      onSave=${value => run(put(`/v1/settings/${encodeURIComponent(s.key)}`, { value }), `${s.key} saved.`)} />`)}</div>`}`;
}

function SettingRow({ setting, onSave }) {
  const [value, setValue] = useState(setting.secret ? '' : setting.value ?? setting.default ?? '');
  const save = e => { e.preventDefault(); onSave(setting.type === 'integer' ? Number(value) : setting.type === 'boolean' ? value === true || value === 'true' : value); };
  const input = setting.type === 'choice'
    ? html`<select value=${value} onChange=${e => setValue(e.currentTarget.value)}>${setting.choices.map(c => html`<option value=${c}>${c}</option>`)}</select>`
    : setting.type === 'integer' ? html`<input type="number" value=${value} onInput=${e => setValue(e.currentTarget.value)} />`
    : html`<input type=${setting.secret ? 'password' : 'text'} value=${value} placeholder=${setting.secret ? (setting.isSet ? 'set (hidden)' : 'not set') : ''} onInput=${e => setValue(e.currentTarget.value)} autocomplete="off" />`;
  return html`<form class="setting" onSubmit=${save}>
    <${Field} label=${setting.key} hint=${setting.description}>${input}</${Field}>
    <button type="submit">Save</button></form>`;
}

function Users() {
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [shownKey, setShownKey] = useState(null);
  const users = useLoad(() => list('/v1/users', { page, pageSize: 20 }), [page]);
  const [run, view] = useAction(users.reload);
  const rotate = async u => { const r = await run(post(`/v1/users/${u.id}/rotate-key`)); if (r) setShownKey({ user: u.username, key: r.apiKey }); };
  return html`${view}
    ${shownKey && html`<div class="key-once" role="status"><p>The new API key of <strong>${shownKey.user}</strong>; it is shown only now:</p>
      <output aria-label="New API key"><code>${shownKey.key}</code></output> <button type="button" onClick=${() => setShownKey(null)}>Done</button></div>`}
    ${users.data && html`<table class="grid"><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${users.data.items.map(u => html`<tr key=${u.id}><td>${u.username}</td><td>${u.role}</td><td>${u.disabled ? 'disabled' : 'active'}${u.hasPassword ? '' : ' · no password'}</td><td>${fmtTime(u.createdAt)}</td>
        <td class="actions"><button type="button" onClick=${() => rotate(u)}>Rotate key</button>
          <button type="button" onClick=${() => run(put(`/v1/users/${u.id}`, { disabled: !u.disabled }), `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`)}>${u.disabled ? 'Enable' : 'Disable'}</button></td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${20} total=${users.data.totalCount} onPage=${setPage} label="User pages" />`}
    <button type="button" onClick=${() => setAdding(true)}>Add user</button>
    ${adding && html`<${UserDialog} onClose=${() => setAdding(false)} onCreated=${u => { setAdding(false); setShownKey({ user: u.username, key: u.apiKey }); users.reload(); }} />`}`;
}

function UserDialog({ onClose, onCreated }) {
  const [form, setForm] = useState({ username: '', password: '', role: 'Viewer' });
  const [error, setError] = useState(null);
  const roles = useLoad(() => api('/v1/roles'), []);
  const set = k => e => setForm({ ...form, [k]: e.currentTarget.value });
  async function save(e) {
    e.preventDefault(); setError(null);
    try { onCreated(await post('/v1/users', { ...form, password: form.password || null })); } catch (err) { setError(err); }
  }
  return html`<${Dialog} title="Add a user" onClose=${onClose}><form onSubmit=${save}>
    <${Field} label="Username"><input required value=${form.username} onInput=${set('username')} autocomplete="off" /></${Field}>
    <${Field} label="Password" hint="Optional: without one, the user signs in with the API key shown next."><input type="password" value=${form.password} onInput=${set('password')} autocomplete="new-password" /></${Field}>
    <${Field} label="Role"><select value=${form.role} onChange=${set('role')}>${(roles.data ?? [{ name: 'Viewer' }]).map(r => html`<option value=${r.name}>${r.name}</option>`)}</select></${Field}>
    <${ProblemMessage} error=${error} />
    <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Create</button></div>
  </form></${Dialog}>`;
}

function ParsePlayground() {
  const [name, setName] = useState('The.Matrix.1999.1080p.BluRay.x264.mkv');
  const [result, setResult] = useState(null);
  useEffect(() => {
    if (!name.trim()) { setResult(null); return; }
    const t = setTimeout(() => api('/v1/parse', { query: { name } }).then(r => setResult({ ok: r }), e => setResult({ error: e })), 150);
    return () => clearTimeout(t);
  }, [name]);
  const r = result?.ok;
  return html`<${Field} label="File or release name"><input value=${name} onInput=${e => setName(e.currentTarget.value)} spellcheck="false" /></${Field}>
    ${result?.error && html`<${ProblemMessage} error=${result.error} />`}
    ${r && html`<dl class="pairs" aria-label="Parse result"><dt>Kind</dt><dd>${r.kind}</dd><dt>Title</dt><dd>${r.title ?? '—'}</dd><dt>Year</dt><dd>${r.year ?? '—'}</dd>
      <dt>Season</dt><dd>${r.season ?? '—'}</dd><dt>Episodes</dt><dd>${r.episodes.join(', ') || '—'}</dd><dt>Resolution</dt><dd>${r.resolution ?? '—'}</dd>
      <dt>TMDB id</dt><dd>${r.tmdbId ?? '—'}</dd></dl>`}`;
}
