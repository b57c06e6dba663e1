import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { list, post } from '../api.js';
import { Field, fmtBytes, fmtTime, folderOf, Pager, ProblemMessage, Status, useCan, useLoad, useQueryState } from '../ui.js';
import { MatchDialog } from './MatchDialog.js';
import { BulkMatchDialog } from './BulkMatchDialog.js';

const pageSize = 50;

const parsedText = p => [p.title, p.year && `(${p.year})`,
  p.season !== null && p.season !== undefined && `S${String(p.season).padStart(2, '0')}${p.episodes.map(e => `E${String(e).padStart(2, '0')}`).join('')}`,
  p.resolution].filter(Boolean).join(' ');

/** The files a scan could not identify: what the parser read beside the stored suggestions, and the ways to resolve them. */
export function UnmatchedQueue() {
  const can = useCan();
  const resolve = can('unmatched.resolve');
  const [query, setQuery] = useQueryState({ libraryId: '', folder: '', status: 'pending', page: 1 });
  const [folderText, setFolderText] = useState(query.folder);
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState(() => new Set());
  const [dialog, setDialog] = useState(null); // { kind: 'match', file } | { kind: 'bulk', files }
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const rows = useRef([]);

  const libraries = useLoad(() => list('/v1/libraries', { pageSize: 500 }), []);
  const kindOf = id => (libraries.data?.items.find(l => l.id === id)?.kind === 'series' ? 'series' : 'movie');
  const queue = useLoad(() => list('/v1/unmatched-files', { libraryId: query.libraryId, folder: query.folder, status: query.status, page: query.page, pageSize }),
    [query.libraryId, query.folder, query.status, query.page]);
  const items = queue.data?.items ?? [];
  const current = items[Math.min(focus, items.length - 1)];

  useEffect(() => { setSelected(new Set()); setFocus(0); }, [query.libraryId, query.folder, query.status, query.page]);

  async function act(promise, message) {
    setError(null); setNotice(null);
    try { await promise; setNotice(message); queue.reload(); } catch (e) { setError(e); }
  }
  const dismiss = file => act(post(`/v1/unmatched-files/${file.id}/dismiss`), `Dismissed ${file.path}.`);
  const refresh = file => act(post(`/v1/unmatched-files/${file.id}/refresh`), `Suggestions for ${file.path} refreshed.`);
  async function dismissSelected() {
    const chosen = items.filter(f => selected.has(f.id));
    setError(null);
    const failed = [];
    for (const f of chosen) { try { await post(`/v1/unmatched-files/${f.id}/dismiss`); } catch (e) { failed.push(e); } }
    if (failed.length) setError(failed[0]);
    setNotice(`Dismissed ${chosen.length - failed.length} of ${chosen.length} files.`);
    setSelected(new Set());
    queue.reload();
  }
  async function matchFolder(file) {
    setError(null);
    try {
      const all = await list('/v1/unmatched-files', { libraryId: file.libraryId, folder: folderOf(file.path), pageSize: 500 });
      setDialog({ kind: 'bulk', files: all.items.filter(f => folderOf(f.path) === folderOf(file.path)) });
    } catch (e) { setError(e); }
  }

  // j/k move, x selects, Enter or m opens the match dialog, d dismisses; never while typing or in a dialog. The handler
  // reads what the page shows now (a ref written at each render), not what it showed when it was bound: a key pressed
  // right after the selection moved acts on the row that is shown selected.
  const keyState = useRef({});
  useEffect(() => {
    const onKey = e => {
      const { dialog, items, current, resolve, status, dismiss, toggle } = keyState.current;
      if (dialog || e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.('input, select, textarea, dialog')) return;
      if (e.key === 'j') setFocus(f => Math.min(items.length - 1, f + 1));
      else if (e.key === 'k') setFocus(f => Math.max(0, f - 1));
      else if (e.key === 'x' && current) toggle(current.id);
      else if ((e.key === 'Enter' || e.key === 'm') && current && resolve && status === 'pending') setDialog({ kind: 'match', file: current });
      else if (e.key === 'd' && current && resolve && status === 'pending') dismiss(current);
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => { rows.current[focus]?.scrollIntoView?.({ block: 'nearest' }); }, [focus]);

  const toggle = id => setSelected(s => { const n = new Set(s); n.has(id) ? n.delete(id) : n.add(id); return n; });
  keyState.current = { dialog, items, current, resolve, status: query.status, dismiss, toggle };
  const pending = query.status === 'pending';
  const selectedFiles = items.filter(f => selected.has(f.id));

  return html`<section class="queue">
    <div class="title-row"><h1>Unmatched</h1><p class="muted small">Keys: j / k move, x select, Enter or m match, d dismiss.</p></div>
    <form class="filters" onSubmit=${e => { e.preventDefault(); setQuery({ folder: folderText.trim(), page: 1 }); }}>
      <${Field} label="Library"><select value=${query.libraryId} onChange=${e => setQuery({ libraryId: e.currentTarget.value, page: 1 })}>
        <option value="">All libraries</option>${libraries.data?.items.map(l => html`<option value=${l.id}>${l.name}</option>`)}</select></${Field}>
      <${Field} label="Folder"><input value=${folderText} placeholder="e.g. Show/Season 1" onInput=${e => setFolderText(e.currentTarget.value)} /></${Field}>
      <${Field} label="Status"><select value=${query.status} onChange=${e => setQuery({ status: e.currentTarget.value, page: 1 })}>
        <option value="pending">Pending</option><option value="matched">Matched</option><option value="dismissed">Dismissed</option></select></${Field}>
      <button type="submit">Filter</button>
    </form>
    <${ProblemMessage} error=${queue.error || error} />
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${resolve && pending && selectedFiles.length > 0 && html`<div class="bulk" role="region" aria-label="Selection">
      <span>${selectedFiles.length} selected</span>
      <button type="button" onClick=${dismissSelected}>Dismiss selected</button>
      <button type="button" onClick=${() => setDialog({ kind: 'bulk', files: selectedFiles })}>Match selected to a series…</button>
      <button type="button" onClick=${() => setSelected(new Set())}>Clear selection</button></div>`}
    ${queue.data && items.length === 0 && html`<p class="empty">${pending ? 'Nothing waits here: every file found a title.' : `No ${query.status} files.`}</p>`}
    ${items.length > 0 && html`<div class="split">
      <table class="grid rows" aria-label="Unmatched files">
        <thead><tr>${resolve && pending && html`<th scope="col"><input type="checkbox" aria-label="Select all on this page"
          checked=${selectedFiles.length === items.length} onChange=${e => setSelected(e.currentTarget.checked ? new Set(items.map(f => f.id)) : new Set())} /></th>`}
          <th scope="col">Path</th><th scope="col" class="num">Size</th><th scope="col">Discovered</th><th scope="col">Parser read</th></tr></thead>
        <tbody>${items.map((f, i) => html`<tr key=${f.id} ref=${el => (rows.current[i] = el)} class=${f.id === current?.id ? 'focused' : ''}
            aria-selected=${f.id === current?.id} onClick=${() => setFocus(i)}>
          ${resolve && pending && html`<td><input type="checkbox" aria-label=${`Select ${f.path}`} checked=${selected.has(f.id)} onChange=${() => toggle(f.id)} /></td>`}
          <td class="path">${f.path}</td><td class="num">${fmtBytes(f.size)}</td><td>${fmtTime(f.discoveredAt)}</td><td>${parsedText(f.parsed)}</td></tr>`)}</tbody>
      </table>
      ${current && html`<${FileDetail} file=${current} resolve=${resolve && current.status === 'pending'}
        onMatch=${() => setDialog({ kind: 'match', file: current })} onDismiss=${() => dismiss(current)} onRefresh=${() => refresh(current)}
        onMatchFolder=${() => matchFolder(current)} kind=${kindOf(current.libraryId)} />`}
    </div>
    <${Pager} page=${query.page} pageSize=${pageSize} total=${queue.data.totalCount} onPage=${p => setQuery({ page: p })} />`}
    ${dialog?.kind === 'match' && html`<${MatchDialog} file=${dialog.file} type=${kindOf(dialog.file.libraryId)} onClose=${() => setDialog(null)}
      onMatched=${() => { setDialog(null); setNotice(`Matched ${dialog.file.path}.`); queue.reload(); }} />`}
    ${dialog?.kind === 'bulk' && html`<${BulkMatchDialog} files=${dialog.files} onClose=${() => setDialog(null)}
      onDone=${() => { setSelected(new Set()); queue.reload(); }} />`}
  </section>`;
}

function FileDetail({ file, resolve, kind, onMatch, onDismiss, onRefresh, onMatchFolder }) {
  const p = file.parsed;
  const ep = p.season !== null && p.season !== undefined ? `S${String(p.season).padStart(2, '0')}${p.episodes.map(e => `E${String(e).padStart(2, '0')}`).join('')}` : '—';
  return html`<aside class="detail" aria-label="Selected file">
    <h2 class="path">${file.path}</h2>
    <p class="muted">${fmtBytes(file.size)} · discovered ${fmtTime(file.discoveredAt)} · <${Status} value=${file.status} /></p>
    <div class="side-by-side">
      <section aria-labelledby="parsed-h"><h3 id="parsed-h">The parser read</h3>
        <dl class="pairs"><dt>Title</dt><dd>${p.title ?? '—'}</dd><dt>Year</dt><dd>${p.year ?? '—'}</dd>
          <dt>Episode</dt><dd>${ep}</dd><dt>Resolution</dt><dd>${p.resolution ?? '—'}</dd></dl></section>
      <section aria-labelledby="sugg-h"><h3 id="sugg-h">Suggestions</h3>
        ${file.suggestions.length === 0 ? html`<p class="muted">None stored.</p>` : html`<ol class="suggestions">${file.suggestions.map(s => html`<li key=${s.tmdbId}>
          <span>${s.title} ${s.year && `(${s.year})`}</span> <meter min="0" max="1" value=${s.score} aria-label=${`score of ${s.title}`}></meter> <small>${s.score.toFixed(2)}</small></li>`)}</ol>`}
      </section>
    </div>
    ${resolve && html`<div class="buttons left">
      <button type="button" class="primary" onClick=${onMatch}>Match…</button>
      <button type="button" onClick=${onDismiss}>Dismiss</button>
      <button type="button" onClick=${onRefresh}>Refresh suggestions</button>
      ${kind === 'series' && html`<button type="button" onClick=${onMatchFolder}>Match this folder…</button>`}</div>`}
  </aside>`;
}
