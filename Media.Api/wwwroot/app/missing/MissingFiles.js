import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, del, list } from '../api.js';
import { Field, fmtInt, fmtTime, navigate, Pager, ProblemMessage, useCan, useLoad, useQueryState } from '../ui.js';

const pageSize = 25;

/** What disappeared, one group per folder that emptied together: an unmounted disk is one row, not ten thousand. */
export function MissingFiles() {
  const can = useCan();
  const [query, setQuery] = useQueryState({ libraryId: '', page: 1 });
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const libraries = useLoad(() => list('/v1/libraries', { pageSize: 500 }), []);
  const groups = useLoad(() => list('/v1/media-files/missing-folders', { libraryId: query.libraryId, page: query.page, pageSize }), [query.libraryId, query.page]);
  const nameOf = id => libraries.data?.items.find(l => l.id === id)?.name ?? 'library';

  async function rescan(group) {
    setError(null);
    try {
      const scan = await api(`/v1/libraries/${group.libraryId}/scan`, { method: 'POST', body: group.folder ? { path: group.folder } : undefined });
      navigate(`/scans/${scan.id}`);
    } catch (e) { setError(e); }
  }

  return html`<section class="missing">
    <h1>Missing</h1>
    <form class="filters" onSubmit=${e => e.preventDefault()}>
      <${Field} label="Library"><select value=${query.libraryId} onChange=${e => setQuery({ libraryId: e.currentTarget.value, page: 1 })}>
        <option value="">All libraries</option>${libraries.data?.items.map(l => html`<option value=${l.id}>${l.name}</option>`)}</select></${Field}>
    </form>
    <${ProblemMessage} error=${groups.error || error} />
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${groups.data?.items.length === 0 && html`<p class="empty">Nothing is missing: every known file was found on the last scans.</p>`}
    ${groups.data?.items.map(g => html`<${MissingGroup} key=${g.libraryId + g.folder} group=${g} library=${nameOf(g.libraryId)}
      canScan=${can('libraries.scan')} canForget=${can('libraries.manage')} onRescan=${() => rescan(g)}
      onForgotten=${n => { setNotice(`Forgot ${n} files.`); groups.reload(); }} />`)}
    ${groups.data && groups.data.totalCount > pageSize && html`<${Pager} page=${query.page} pageSize=${pageSize} total=${groups.data.totalCount} onPage=${p => setQuery({ page: p })} />`}
  </section>`;
}

function MissingGroup({ group, library, canScan, canForget, onRescan, onForgotten }) {
  const [open, setOpen] = useState(false);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState(() => new Set());
  const [error, setError] = useState(null);
  const files = useLoad(() => (open ? list('/v1/media-files', { libraryId: group.libraryId, folder: group.folder, exists: false, page, pageSize: 50 }) : Promise.resolve(null)),
    [open, page, group.folder]);

  async function forget(ids) {
    setError(null);
    let done = 0;
    for (const id of ids) { try { await del(`/v1/media-files/${id}`); done++; } catch (e) { setError(e); } }
    setSelected(new Set());
    onForgotten(done);
    files.reload();
  }
  async function forgetAll() {
    if (!confirm(`Forget all ${group.files} missing files under "${group.folder || 'the library root'}"? The disk is not touched.`)) return;
    const ids = [];
    for (let p = 1; ; p++) {
      const chunk = await list('/v1/media-files', { libraryId: group.libraryId, folder: group.folder, exists: false, page: p, pageSize: 500 });
      ids.push(...chunk.items.map(f => f.id));
      if (chunk.items.length < 500) break;
    }
    await forget(ids);
  }
  const toggle = id => setSelected(s => { const n = new Set(s); n.has(id) ? n.delete(id) : n.add(id); return n; });
  const label = group.folder || '(library root)';
  return html`<article class="group" aria-label=${label}>
    <header><h2><code>${label}</code> <small class="muted">in ${library}</small></h2>
      <p><strong>${fmtInt(group.files)}</strong> missing files · missing since ${fmtTime(group.missingSince)}
        ${group.scanId && html` (found by <a href=${`/scans/${group.scanId}`}>this scan</a>)`}
        · last seen ${group.lastSeenAt ? fmtTime(group.lastSeenAt) : 'before the scan history'}</p>
      <div class="buttons left">
        ${canScan && html`<button type="button" onClick=${onRescan}>Rescan folder</button>`}
        ${canForget && html`<button type="button" class="danger" onClick=${forgetAll}>Forget all</button>`}
        <button type="button" aria-expanded=${open} onClick=${() => setOpen(!open)}>${open ? 'Hide files' : 'Show files'}</button>
      </div></header>
    <${ProblemMessage} error=${error || files.error} />
    ${open && files.data && html`
      ${canForget && selected.size > 0 && html`<div class="bulk"><span>${selected.size} selected</span>
        <button type="button" class="danger" onClick=${() => forget([...selected])}>Forget selected</button></div>`}
      <ul class="plain">${files.data.items.map(f => html`<li key=${f.id}>
        ${canForget && html`<input type="checkbox" aria-label=${`Select ${f.path}`} checked=${selected.has(f.id)} onChange=${() => toggle(f.id)} /> `}
        <span class="path">${f.path}</span> <small class="muted">missing since ${fmtTime(f.state.lastVerifiedAt)}</small></li>`)}</ul>
      ${files.data.totalCount > 50 && html`<${Pager} page=${page} pageSize=${50} total=${files.data.totalCount} onPage=${setPage} label=${`Pages of ${label}`} />`}`}
  </article>`;
}
