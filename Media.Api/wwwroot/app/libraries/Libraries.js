import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, del, list, post, put } from '../api.js';
import { Dialog, Field, fmtInt, fmtTime, navigate, Pager, ProblemMessage, Status, useCan, useLoad } from '../ui.js';

const pageSize = 25;

/** One library's numbers: each is the totalCount of a one-row page, so nothing is counted client-side. */
async function summaryOf(library) {
  const one = (path, filters) => list(path, { pageSize: 1, ...filters }).then(p => p);
  const [files, missing, unmatched, scans] = await Promise.all([
    one('/v1/media-files', { libraryId: library.id }),
    one('/v1/media-files', { libraryId: library.id, exists: false }),
    one('/v1/unmatched-files', { libraryId: library.id }),
    one('/v1/scans', { libraryId: library.id }),
  ]);
  return { ...library, files: files.totalCount, missing: missing.totalCount, unmatched: unmatched.totalCount, lastScan: scans.items[0] ?? null };
}

export function Libraries() {
  const can = useCan();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState(null); // null, 'new' or a library
  const [scanning, setScanning] = useState(null); // a library whose folder scan dialog is open
  const [error, setError] = useState(null);
  const libraries = useLoad(async () => {
    const p = await list('/v1/libraries', { page, pageSize });
    return { ...p, items: await Promise.all(p.items.map(summaryOf)) };
  }, [page]);

  async function scan(library, path) {
    setError(null);
    try {
      const started = await api(`/v1/libraries/${library.id}/scan`, { method: 'POST', body: path ? { path } : undefined });
      navigate(`/scans/${started.id}`);
    } catch (e) { setError({ ...e, library: library.id }); return e; }
  }

  async function remove(library) {
    if (!confirm(`Delete the library "${library.name}"? Files on disk are not touched.`)) return;
    setError(null);
    try { await del(`/v1/libraries/${library.id}`); libraries.reload(); } catch (e) { setError({ ...e, library: library.id }); }
  }

  const data = libraries.data;
  return html`<section>
    <div class="title-row"><h1>Libraries</h1>
      ${can('libraries.manage') && html`<button type="button" class="primary" onClick=${() => setEditing('new')}>Add library</button>`}</div>
    <${ProblemMessage} error=${libraries.error} />
    ${data && data.items.length === 0 && html`<p class="empty">No library yet. ${can('libraries.manage') ? 'Add one: a name, what it holds and its root folder.' : 'An administrator adds them.'}</p>`}
    ${data && data.items.length > 0 && html`<table class="grid">
      <thead><tr><th scope="col">Library</th><th scope="col">Root</th><th scope="col" class="num">Files</th><th scope="col" class="num">Missing</th>
        <th scope="col" class="num">Unmatched</th><th scope="col">Last scan</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${data.items.map(l => html`<tr key=${l.id} aria-label=${l.name}>
        <th scope="row">${l.name} <small class="muted">${l.kind}</small></th>
        <td><code>${l.storage.root}</code></td>
        <td class="num"><a href=${`/titles`}>${fmtInt(l.files)}</a></td>
        <td class="num">${l.missing > 0 ? html`<a href=${`/missing?libraryId=${l.id}`}>${fmtInt(l.missing)}</a>` : '0'}</td>
        <td class="num">${l.unmatched > 0 ? html`<a href=${`/unmatched?libraryId=${l.id}`}>${fmtInt(l.unmatched)}</a>` : '0'}</td>
        <td>${l.lastScan ? html`<a href=${`/scans/${l.lastScan.id}`}><${Status} value=${l.lastScan.status} /></a> ${fmtTime(l.lastScan.finishedAt ?? l.lastScan.queuedAt)}
          ${l.lastScan.error && html`<div class="muted small">${l.lastScan.error}</div>`}` : html`<span class="muted">never</span>`}</td>
        <td class="actions">
          ${can('libraries.scan') && html`<button type="button" onClick=${() => scan(l)}>Scan now</button>
            <button type="button" onClick=${() => setScanning(l)}>Scan folder…</button>`}
          ${can('libraries.manage') && html`<button type="button" onClick=${() => setEditing(l)}>Edit</button>
            <button type="button" class="danger" onClick=${() => remove(l)}>Delete</button>`}
          ${error?.library === l.id && html`<${ProblemMessage} error=${error} />`}
        </td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${pageSize} total=${data.totalCount} onPage=${setPage} />`}
    ${editing && html`<${LibraryDialog} library=${editing === 'new' ? null : editing}
      onClose=${() => setEditing(null)} onSaved=${() => { setEditing(null); libraries.reload(); }} />`}
    ${scanning && html`<${FolderScanDialog} library=${scanning} onClose=${() => setScanning(null)} onScan=${path => scan(scanning, path)} />`}
  </section>`;
}

function LibraryDialog({ library, onClose, onSaved }) {
  const [name, setName] = useState(library?.name ?? '');
  const [kind, setKind] = useState(library?.kind ?? 'movies');
  const [root, setRoot] = useState(library?.storage.root ?? '');
  const [error, setError] = useState(null);
  async function save(e) {
    e.preventDefault();
    setError(null);
    const body = { name, kind, storage: { provider: 'local', root } };
    try { library ? await put(`/v1/libraries/${library.id}`, body) : await post('/v1/libraries', body); onSaved(); } catch (err) { setError(err); }
  }
  return html`<${Dialog} title=${library ? `Edit ${library.name}` : 'Add a library'} onClose=${onClose}>
    <form onSubmit=${save}>
      <${Field} label="Name"><input required value=${name} onInput=${e => setName(e.currentTarget.value)} /></${Field}>
      <${Field} label="Holds"><select value=${kind} onChange=${e => setKind(e.currentTarget.value)} disabled=${!!library}>
        <option value="movies">Movies</option><option value="series">Series</option></select></${Field}>
      <${Field} label="Root folder" hint="An absolute path on the server, e.g. /srv/media/movies"><input required value=${root} onInput=${e => setRoot(e.currentTarget.value)} /></${Field}>
      <${ProblemMessage} error=${error} />
      <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Save</button></div>
    </form>
  </${Dialog}>`;
}

function FolderScanDialog({ library, onClose, onScan }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState(null);
  async function start(e) {
    e.preventDefault();
    const failed = await onScan(path.trim());
    if (failed) setError(failed);
  }
  return html`<${Dialog} title=${`Scan a folder of ${library.name}`} onClose=${onClose}>
    <form onSubmit=${start}>
      <${Field} label="Folder" hint="Relative to the library root, with / separators"><input required value=${path} onInput=${e => setPath(e.currentTarget.value)} /></${Field}>
      <${ProblemMessage} error=${error} />
      <div class="buttons"><button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary">Scan folder</button></div>
    </form>
  </${Dialog}>`;
}
