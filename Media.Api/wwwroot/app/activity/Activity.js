import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { del, list, post } from '../api.js';
import { Field, fmtTime, Pager, ProblemMessage, Status, useCan, useLoad, useQueryState } from '../ui.js';

/** Download jobs and the import history across the library. */
export function Activity() {
  const can = useCan();
  return html`<section class="activity">
    <h1>Activity</h1>
    ${can('downloads.manage') && html`<${DownloadJobs} />`}
    <${ImportHistory} />
  </section>`;
}

function DownloadJobs() {
  const [page, setPage] = useState(1);
  const [error, setError] = useState(null);
  const jobs = useLoad(() => list('/v1/download-jobs', { page, pageSize: 20 }), [page]);
  async function act(promise) { setError(null); try { await promise; jobs.reload(); } catch (e) { setError(e); } }
  const data = jobs.data;
  // While a job is under way the list follows it; a failed or imported job stays as it is.
  const active = data?.items.some(j => !['imported', 'failed'].includes(j.status));
  useEffect(() => {
    if (!active || jobs.loading) return;
    const t = setTimeout(jobs.reload, 2000);
    return () => clearTimeout(t);
  }, [active, jobs.loading, data]);
  return html`<section aria-labelledby="jobs-h"><h2 id="jobs-h">Downloads</h2>
    <${ProblemMessage} error=${jobs.error || error} />
    ${data?.items.length === 0 && html`<p class="empty">No download jobs.</p>`}
    ${data?.items.length > 0 && html`<table class="grid" aria-label="Download jobs"><thead><tr><th scope="col">Release</th><th scope="col">State</th><th scope="col">Progress</th>
      <th scope="col">Why</th><th scope="col">Updated</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${data.items.map(j => html`<tr key=${j.id}>
        <td class="path">${j.source.length > 80 ? j.source.slice(0, 77) + '…' : j.source}</td><td><${Status} value=${j.status} /></td>
        <td><progress max="1" value=${j.progress} aria-label="Download progress">${Math.round(j.progress * 100)}%</progress> ${Math.round(j.progress * 100)}%</td>
        <td>${j.error ?? ''}</td><td>${fmtTime(j.updatedAt)}</td>
        <td class="actions">${j.status === 'failed' && html`<button type="button" onClick=${() => act(post(`/v1/download-jobs/${j.id}/import`))}>Retry import</button>`}
          <button type="button" class="danger" onClick=${() => confirm('Remove this job and its torrent from the client? The data stays.') && act(del(`/v1/download-jobs/${j.id}`))}>Remove</button></td></tr>`)}</tbody></table>
      <${Pager} page=${page} pageSize=${20} total=${data.totalCount} onPage=${setPage} label="Download pages" />`}
  </section>`;
}

function ImportHistory() {
  const [query, setQuery] = useQueryState({ succeeded: '', method: '', errorCode: '', path: '', page: 1 });
  const [path, setPath] = useState(query.path);
  const [code, setCode] = useState(query.errorCode);
  const imports = useLoad(() => list('/v1/imports', { succeeded: query.succeeded, method: query.method, errorCode: query.errorCode, path: query.path, page: query.page, pageSize: 50 }),
    [query.succeeded, query.method, query.errorCode, query.path, query.page]);
  const data = imports.data;
  return html`<section aria-labelledby="imports-h"><h2 id="imports-h">Import history</h2>
    <form class="filters" role="search" onSubmit=${e => { e.preventDefault(); setQuery({ path: path.trim(), errorCode: code.trim(), page: 1 }); }}>
      <${Field} label="Outcome"><select value=${query.succeeded} onChange=${e => setQuery({ succeeded: e.currentTarget.value, page: 1 })}>
        <option value="">All</option><option value="true">Succeeded</option><option value="false">Failed</option></select></${Field}>
      <${Field} label="Method"><select value=${query.method} onChange=${e => setQuery({ method: e.currentTarget.value, page: 1 })}>
        <option value="">Any</option><option value="hardlink">Hardlink</option><option value="copy">Copy</option><option value="scan">Scan</option><option value="manual_match">Manual match</option></select></${Field}>
      <${Field} label="Error code"><input value=${code} onInput=${e => setCode(e.currentTarget.value)} placeholder="e.g. destination_exists" /></${Field}>
      <${Field} label="Path contains"><input type="search" value=${path} onInput=${e => setPath(e.currentTarget.value)} /></${Field}>
      <button type="submit">Search</button>
    </form>
    <${ProblemMessage} error=${imports.error} />
    ${data?.items.length === 0 && html`<p class="empty">No import matches.</p>`}
    ${data?.items.length > 0 && html`<table class="grid" aria-label="Imports"><thead><tr><th scope="col">When</th><th scope="col">Method</th><th scope="col">Outcome</th>
      <th scope="col">Source</th><th scope="col">Destination</th></tr></thead>
      <tbody>${data.items.map(i => html`<tr key=${i.id}><td>${fmtTime(i.attemptedAt)}</td><td>${i.method.replaceAll('_', ' ')}</td>
        <td>${i.succeeded ? html`<${Status} value="succeeded" />` : html`<${Status} value="failed" /> <code>${i.errorCode}</code>`}${i.error && html`<div class="small muted">${i.error}</div>`}</td>
        <td class="path">${i.sourcePath}</td><td class="path">${i.destinationPath}</td></tr>`)}</tbody></table>
      <${Pager} page=${query.page} pageSize=${50} total=${data.totalCount} onPage=${p => setQuery({ page: p })} label="Import pages" />`}
  </section>`;
}
